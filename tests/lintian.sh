#!/bin/sh
# Lintian on every built package, pedantic and informational tags included:
# none may remain.  Each override in debian/*.lintian-overrides says why.
set -eu

repo=${1:?usage: tests/lintian.sh REPO_DIR}
lintian --pedantic --display-info --fail-on error,warning,info,pedantic "$repo"/*.deb
echo "lintian: all packages clean (pedantic and info tags included)"
