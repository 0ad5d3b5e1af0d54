# pihpc top-level Makefile.
#
# Newcomer entry points (see README.md):
#   make demo    build everything and bring up the simulated three-node cluster
#   make check   run every test
#
# dh_auto_build / dh_auto_install call "make" and "make install" here, so
# those two targets must never reach for apt or the network.

prefix      ?= /usr
DESTDIR     ?=
# bookworm's systemd and lintian still expect units below /lib.
unitdir     ?= /lib/systemd/system
HOST_ARCH   := $(shell dpkg --print-architecture)
ARCH        ?= $(HOST_ARCH)
BUILD       := build
REPO        := $(BUILD)/repo
# mk-build-deps execs its -t argument as a command line, so the
# environment cannot ride in it: DEBIAN_FRONTEND is exported instead.
export DEBIAN_FRONTEND := noninteractive
APT_GET     := apt-get -o DPkg::Lock::Timeout=600 -y -q
# Expanded when used: on a fresh machine dpkg-dev comes with "make deps".
VERSION      = $(shell dpkg-parsechangelog -S Version 2>/dev/null)

SHELL_FILES = $(shell git ls-files 2>/dev/null | grep -E '\.(sh|t)$$|^postinst-helpers/|^\.ci/run$$|^debian/[^/]*\.(config|postinst|postrm|preinst|prerm)$$|^debian/tests/[^/.]*$$' | grep -v '^debian/tests/control$$')

.PHONY: all install clean deps deps-slurm deps-arm64 deps-vm deps-bench deb slurm-debs \
        check check-all check-unit check-shell check-lint check-suites check-fresh check-piuparts \
        check-cluster check-vm check-slurm check-arm64 demo demo-down shell bench bench-config bench-scale lint-c

all:
	$(MAKE) -C src

install: all
	$(MAKE) -C src install DESTDIR=$(DESTDIR) prefix=$(prefix)
	install -d $(DESTDIR)$(prefix)/share/pihpc/conf
	install -m 0644 conf/* $(DESTDIR)$(prefix)/share/pihpc/conf/
	for unit in slurmd slurmctld slurmdbd; do \
	  install -D -m 0644 units/$$unit-pihpc.conf \
	    $(DESTDIR)$(unitdir)/$$unit.service.d/pihpc.conf || exit 1; \
	done
	install -D -m 0644 units/pihpc-repo.service $(DESTDIR)$(unitdir)/pihpc-repo.service
	install -m 0644 units/pihpc-join.socket units/pihpc-join@.service \
	  units/pihpc-join-node.service units/pihpc-join-check.service \
	  units/pihpc-join-check.timer units/pihpc-slurm-follow.service \
	  units/pihpc-slurm-follow.timer $(DESTDIR)$(unitdir)/
	install -d $(DESTDIR)$(prefix)/share/pihpc/sh
	install -m 0644 postinst-helpers/*.sh $(DESTDIR)$(prefix)/share/pihpc/sh/

# build/slurm is kept: rebuilding Slurm takes a quarter of an hour.
clean:
	$(MAKE) -C src clean
	rm -rf $(REPO) $(BUILD)/repo-* $(BUILD)/.deb.log tests/slurm/trash* tests/slurm/test-results

# Everything the build and the tests need, installed from Debian's archive.
# Idempotent: apt-get does nothing when all is present.
deps:
	@if ! dpkg-checkbuilddeps >/dev/null 2>&1 || ! tests/deps.sh --check test; then \
	  $(APT_GET) update && \
	  $(APT_GET) install --no-install-recommends devscripts equivs && \
	  mk-build-deps -i -r -t "$(APT_GET) --no-install-recommends" debian/control && \
	  rm -f pihpc-build-deps_* && \
	  tests/deps.sh --install test; \
	fi

# What the other targets need (tests/deps.sh names each set).
deps-slurm deps-arm64 deps-vm deps-bench: deps-%:
	@if ! tests/deps.sh --check $*; then \
	  $(APT_GET) update && tests/deps.sh --install $*; \
	fi

# The four .debs, in a directory that apt can use as a flat repository.
# Any other ARCH (arm64: the Pi) is cross-built in a cached bookworm build
# chroot, into build/repo-ARCH (src/slurm/build-pihpc.sh).
ifeq ($(ARCH),$(HOST_ARCH))
deb: deps
	mkdir -p $(BUILD)
	dpkg-buildpackage -b -uc -us -a$(ARCH) >$(BUILD)/.deb.log 2>&1 \
	  || { tests/show-failures.sh; tail -40 $(BUILD)/.deb.log; exit 1; }
	rm -rf $(REPO) && mkdir -p $(REPO)
	rm -f ../pihpc-*-dbgsym_$(VERSION)_*.deb
	mv ../pihpc-*_$(VERSION)_*.deb $(REPO)/
	rm -f ../pihpc_$(VERSION)_*.changes ../pihpc_$(VERSION)_*.buildinfo
	cd $(REPO) && apt-ftparchive packages . > Packages && \
	  apt-ftparchive -o APT::FTPArchive::Release::Origin=pihpc \
	    -o APT::FTPArchive::Release::Label=pihpc release . > Release
	@ls $(REPO)
else
deb: deps-arm64
	src/slurm/build-pihpc.sh --arch $(ARCH) --out $(BUILD)/repo-$(ARCH)
endif

# Slurm .debs with PMIx and PAM, built in a clean chroot of SLURM_SUITE:
# SchedMD's release SLURM_VERSION with its own packaging (slurm-smd-*), the
# tarball taken from Debian's archive and checked against the signed index.
# SLURM_SOURCE=debian builds Debian's slurm-wlm of the suite instead;
# SLURM_TARBALL=/path/slurm-X.tar.bz2 a local release tarball; ARCH=arm64
# cross-builds for the Pi. A finished build is kept per version, suite and
# architecture in $(SLURM_DEBS) and reused (SLURM_REBUILD=1 rebuilds).
SLURM_SOURCE  ?= smd
SLURM_SUITE   ?= bookworm
SLURM_VERSION ?= $(shell sed -n 's/^DEFAULT_VERSION=//p' src/slurm/build-debs.sh)
SLURM_LABEL    = $(if $(filter debian,$(SLURM_SOURCE)),debian,$(if $(SLURM_TARBALL),smd-$(basename $(basename $(notdir $(SLURM_TARBALL)))),smd-$(SLURM_VERSION)))
SLURM_DEBS     = $(BUILD)/slurm/$(SLURM_SUITE)/$(ARCH)/$(SLURM_LABEL)

slurm-debs: deps-slurm
	src/slurm/build-debs.sh --suite $(SLURM_SUITE) --arch $(ARCH) --source $(SLURM_SOURCE) \
	  --out $(SLURM_DEBS) \
	  $(if $(SLURM_TARBALL),--tarball $(SLURM_TARBALL),$(if $(filter smd,$(SLURM_SOURCE)),--version $(SLURM_VERSION)))

# Every test; its last line counts what passed, failed and was skipped
# over all of them (tests/check-summary.sh reads the whole output).
check:
	@mkdir -p $(BUILD)
	@{ $(MAKE) --no-print-directory check-all 2>&1; echo $$? >$(BUILD)/.check.rc; } \
	  | tee $(BUILD)/check.log
	@tests/check-summary.sh $(BUILD)/check.log
	@exit $$(cat $(BUILD)/.check.rc)

check-all: check-unit lint-c check-shell check-lint check-fuzz check-suites

# check-fresh, check-piuparts and check-cluster: one lane per release, the
# lanes side by side (tests/suites.sh).
check-suites: deb
	CLUSTER_TESTS="$(CLUSTER_TESTS)" tests/suites.sh $(REPO) $(SUITES)

# The C library's and the command's tests, then those of the Slurm build
# tooling (tests/slurm: not part of the packages, so not of their build).
check-unit: deps
	$(MAKE) -C src check
	prove -v tests/slurm/*.t

lint-c: deps
	$(MAKE) -C src lint

# libFuzzer harnesses of the library (tests/fuzz/*_fuzz.c, built with
# clang into build/fuzz): FUZZ_SECONDS (default 60) each; new inputs are
# kept in build/fuzz/corpus, findings in build/fuzz/artifacts.
.PHONY: fuzz check-fuzz
fuzz: deps
	$(MAKE) -C tests/fuzz run

# Every committed input of tests/fuzz/corpus replayed, then
# FUZZ_CHECK_SECONDS (default 10) of fuzzing per harness.
check-fuzz: deps
	$(MAKE) -C tests/fuzz check

check-shell: deps
	shellcheck -x $(SHELL_FILES)

check-lint: deb
	tests/lintian.sh $(REPO)

# The Debian releases the nodes of the cluster tests run, each with its
# own Slurm; one build of the packages serves both (README).
SUITES ?= bookworm trixie
# 0050, 0055 and 0056 are check-slurm's: they need the locally built Slurm.
CLUSTER_TESTS = $(filter-out tests/cluster/0050-% tests/cluster/0055-% tests/cluster/0056-%,$(wildcard tests/cluster/*.t))

check-cluster: deb
	@for suite in $(SUITES); do \
	  echo "== cluster tests on $$suite nodes"; \
	  PIHPC_SUITE=$$suite prove -v $(CLUSTER_TESTS) || exit 1; \
	done

# The README's set-up commands in pristine bookworm and trixie containers.
check-fresh: deps
	tests/fresh/check-fresh.sh $(SUITES)

# piuparts on each package in clean chroots of every suite: install,
# purge, and the upgrade from the previous release.
check-piuparts: deb
	tests/qa/piuparts.sh $(REPO) $(SUITES)

check-vm: deb deps-vm
	prove -v tests/vm/*.t

# The demo's nodes run the host's release (bookworm elsewhere); SUITE=...
# picks another.
HOST_SUITE := $(shell . /etc/os-release 2>/dev/null; case "$$VERSION_CODENAME" in (trixie) echo trixie;; (*) echo bookworm;; esac)
SUITE ?= $(HOST_SUITE)

demo: deb
	PIHPC_SUITE=$(SUITE) tests/cluster/demo.sh up

demo-down:
	PIHPC_SUITE=$(SUITE) tests/cluster/demo.sh down

shell:
	PIHPC_SUITE=$(SUITE) tests/cluster/demo.sh shell $(NODE)

# cluster.conf check and render times for 1,000 to 32,000 hosts.
bench-config: all
	tests/bench/config.sh

bench: bench-config deb deps-bench
	tests/cluster/bench.sh

# N compute nodes installed at once (NODES="8 16 32"): time until all are
# idle, failed and retried joins, controller CPU, memory per node.
NODES ?= 8 16 32
bench-scale: deb deps-bench
	NODES="$(NODES)" PIHPC_SUITE=$(SUITE) tests/cluster/bench-scale.sh

# The cluster with the locally built Slurm (make slurm-debs for HOST_ARCH,
# built first if missing, ~10-15 min per release) on nodes of each release
# of SLURM_SUITES (both; SLURM_SUITE=X alone picks one): published by the
# storage node's repository, taken through its pihpc.pref, +pihpc versions
# on the nodes, an MPI program across two nodes; where the release's own
# Slurm is the same x.y, the nodes change over to the local build with a
# job running.  On bookworm nodes with SchedMD's build, 0055 then shows
# apt refusing it over Debian 12's Slurm 22.05 (pihpc upgrade guard).
SLURM_SUITES ?= $(if $(filter command line environment,$(origin SLURM_SUITE)),$(SLURM_SUITE),$(SUITES))

check-slurm: deb
	@for suite in $(SLURM_SUITES); do \
	  $(MAKE) --no-print-directory slurm-debs ARCH=$(HOST_ARCH) SLURM_SUITE=$$suite || exit 1; \
	  echo "== check-slurm on $$suite nodes"; \
	  PIHPC_SUITE=$$suite \
	    PIHPC_SLURM_DEBS=$(CURDIR)/$(BUILD)/slurm/$$suite/$(HOST_ARCH)/$(SLURM_LABEL) \
	    prove -v tests/cluster/0050-local-slurm.t \
	      $(if $(filter smd,$(SLURM_SOURCE)),tests/cluster/0055-slurm-versions.t tests/cluster/0056-upgrade.t) || exit 1; \
	done

# pihpc-common with the Slurm daemon and client commands for arm64 installed
# in an arm64 chroot under qemu-user, where pihpc node detect, slurmd -C,
# pihpc render and srun --version run: the local arm64 Slurm, the newest
# finished build in build/slurm/bookworm/arm64/*/ (make slurm-debs ARCH=arm64:
# SchedMD's slurm-smd-*, or Debian's slurmd family with SLURM_SOURCE=debian;
# PIHPC_SLURM_DEBS_ARM64=DIR another), else the archive's slurmd.
check-arm64: deps-arm64
	$(MAKE) deb ARCH=arm64
	prove -v tests/arm64/*.t
