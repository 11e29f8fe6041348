#!/usr/bin/env bash
# Runs a command with a fresh PostgreSQL primary + replica (scripts/pg/pg.sh) and stops them afterwards,
# whatever the command's outcome. The command sees LOOKALIKE_TEST_POSTGRES_URL and
# LOOKALIKE_TEST_POSTGRES_REPLICA_URL; if the servers cannot start, this fails (tests never skip silently).
#   scripts/pg/with-servers.sh swift test
set -euo pipefail
PG="$(cd "$(dirname "$0")" && pwd)/pg.sh"
trap 'bash "$PG" stop' EXIT
trap 'exit 130' INT TERM
env_lines=$(bash "$PG" start)
set -a
eval "$env_lines"
set +a
export LOOKALIKE_REQUIRE_POSTGRES=1
"$@"
