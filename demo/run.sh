#!/usr/bin/env bash
# The demo command: installs what is missing, builds and installs the
# extension, starts a throwaway PostgreSQL 15, loads a small demo (a default
# organization, an owner, a few users) and walks through what exists,
# printing each SQL call and its JSON answer.  Stops the cluster at the end.
# Run as root: sudo demo/run.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tests/lib/common.sh"

members_install_deps
members_build_install "$ROOT"
trap members_cluster_stop EXIT
members_cluster_start

psql -X -q -v ON_ERROR_STOP=0 -f "$ROOT/demo/walkthrough.sql"
