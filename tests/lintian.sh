#!/bin/sh
# Lintian on every built package: no error and no warning may remain.
set -eu

repo=${1:?usage: tests/lintian.sh REPO_DIR}
lintian --fail-on error,warning "$repo"/*.deb
echo "lintian: all packages clean"
