#!/usr/bin/env bash
# A throw-away PostgreSQL primary and a streaming replica (with pgvector) on loopback ports, for the
# tests and for trying `--db postgres://...` by hand. The binaries are Debian 12's PostgreSQL 15 with
# pgvector compiled for any x86-64 CPU (scripts/pg/install-pgvector.sh; scripts/setup.sh installs both).
# Start runs scripts/pg/smoke.sql, every pgvector operation the product uses, on the primary and the
# replica, and fails with the server's own words if one of them kills the backend.
#
#   scripts/pg/pg.sh start    start both (idempotent: already running → just print the URLs)
#   scripts/pg/pg.sh stop     stop both and delete their data (idempotent)
#   scripts/pg/pg.sh env      print the env file: LOOKALIKE_TEST_POSTGRES_URL, ..._REPLICA_URL
#   scripts/pg/pg.sh status   exit 0 when both answer
#   scripts/pg/pg.sh avx2-check   run the pgvector operations on an emulated AVX2-only CPU (see avx2_check)
#
# PostgreSQL refuses to run as root, so as root the servers run as the user lookalike-pg (created if
# missing). Data lives in a temporary folder named after this checkout, so two checkouts never meet:
# ${LOOKALIKE_PG_DIR:-${TMPDIR:-/tmp}/lookalike-pg-<hash of the checkout path>}. Ports are free ones
# chosen at start (or LOOKALIKE_PG_PORT and LOOKALIKE_PG_PORT+1).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STATE=${LOOKALIKE_PG_DIR:-${TMPDIR:-/tmp}/lookalike-pg-$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)}
ENV_FILE=$STATE/env
PG_USER=lookalike-pg
DB_USER=lookalike
DB_PASSWORD=lookalike-test
DB_NAME=lookalike
say() { printf '==> pg: %s\n' "$*" >&2; }
die() { printf 'pg.sh: error: %s\n' "$*" >&2; exit 1; }

# Runs a command as the server user (or as ourselves when we are not root).
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi
}

PG_BIN=${LOOKALIKE_PG_BIN:-/usr/lib/postgresql/${LOOKALIKE_PG_MAJOR:-15}/bin}

check_install() {
  [ -x "$PG_BIN/postgres" ] || die "no PostgreSQL in $PG_BIN: run scripts/setup.sh first"
  [ -f "$("$PG_BIN/pg_config" --pkglibdir)/vector.so" ] \
    || die "PostgreSQL in $PG_BIN has no pgvector: run scripts/pg/install-pgvector.sh"
}

# Runs scripts/pg/smoke.sql on the server at port $1; on failure says whether the backend died, and how.
smoke() {  # smoke PORT NAME LOG
  local out
  if ! out=$(as_pg "$PG_BIN/psql" -w -X -q -h "$STATE/run" -p "$1" -U "$DB_USER" -d "$DB_NAME" -f - 2>&1 \
      < "$ROOT/scripts/pg/smoke.sql"); then
    printf '%s\n' "$out" >&2
    local crash; crash=$(grep -E 'terminated by signal|was terminated' "$3" | tail -3 || true)
    [ -z "$crash" ] || die "pgvector crashed the $2 server's backend during scripts/pg/smoke.sql:
$crash
its vector.so does not run on this CPU; rebuild it portably with scripts/pg/install-pgvector.sh"
    die "the pgvector smoke test failed on the $2 server (log: $3)"
  fi
}

ensure_user() {
  if [ "$(id -u)" -eq 0 ] && ! id "$PG_USER" >/dev/null 2>&1; then
    say "creating the unprivileged user $PG_USER"
    useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_USER"
  fi
}

# Runs scripts/pg/smoke-single-user.sql in a throw-away single-user PostgreSQL under qemu emulating an
# AMD EPYC Milan (AVX2, FMA, F16C; no AVX-512, which qemu answers with SIGILL): an AVX-512 instruction
# that pgvector uses without checking the CPU kills the backend here, whatever CPU this machine has.
avx2_check() {
  command -v qemu-x86_64 >/dev/null || die "qemu-x86_64 is missing (Debian package qemu-user)"
  check_install
  ensure_user
  local work; work=$(mktemp -d "${TMPDIR:-/tmp}/lookalike-avx2.XXXXXX")
  trap 'rm -rf "$work"' RETURN
  # The emulation must refuse AVX-512, or the check proves nothing.
  printf 'int main(void) { __asm__ volatile("vpxorq %%%%zmm1, %%%%zmm1, %%%%zmm1" ::: "xmm1"); return 0; }\n' > "$work/probe.c"
  cc "$work/probe.c" -o "$work/probe" || die "cannot compile the AVX-512 probe"
  if sh -c 'qemu-x86_64 -cpu EPYC-Milan "$1"' _ "$work/probe" 2>/dev/null; then die "qemu runs AVX-512 code as EPYC-Milan: the check would prove nothing"; fi
  cp "$ROOT/scripts/pg/smoke-single-user.sql" "$work/smoke.sql"
  [ "$(id -u)" -eq 0 ] && chown -R "$PG_USER" "$work"
  chmod 755 "$work"
  as_pg "$PG_BIN/initdb" -D "$work/data" -U "$DB_USER" --auth=trust >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log" >&2; die "initdb failed"; }
  local status=0
  as_pg qemu-x86_64 -cpu EPYC-Milan "$PG_BIN/postgres" --single -j -D "$work/data" postgres <"$work/smoke.sql" >"$work/out.log" 2>&1 || status=$?
  if [ "$status" -ne 0 ] || grep -qE 'ERROR|FATAL' "$work/out.log" || ! grep -q 'hnsw_filtered_scan = "5"' "$work/out.log"; then
    grep -E 'ERROR|FATAL|signal|Illegal' "$work/out.log" >&2 || tail -5 "$work/out.log" >&2
    die "pgvector failed on an emulated AVX2-only CPU (exit $status): it would crash such servers"
  fi
  say "pgvector runs every operation the product uses on an emulated AVX2-only CPU (EPYC-Milan)"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

running() {  # running DATADIR
  [ -f "$1/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$1" status >/dev/null 2>&1
}

stop() {
  [ -d "$STATE" ] || return 0
  for data in "$STATE/replica" "$STATE/primary"; do
    if running "$data"; then
      say "stopping $(basename "$data")"
      as_pg "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null || say "could not stop $data"
    fi
  done
  rm -rf "$STATE"
}

start() {
  if [ -f "$ENV_FILE" ] && running "$STATE/primary" && running "$STATE/replica"; then
    cat "$ENV_FILE"; return 0
  fi
  stop  # half-started leftovers
  check_install
  ensure_user
  mkdir -p "$STATE/run"
  [ "$(id -u)" -eq 0 ] && chown -R "$PG_USER" "$STATE"
  chmod 755 "$STATE"
  local bin=$PG_BIN
  local primary_port=${LOOKALIKE_PG_PORT:-$(free_port)}
  local replica_port=$((primary_port + 1))
  [ -n "${LOOKALIKE_PG_PORT:-}" ] || replica_port=$(free_port)
  [ "$replica_port" != "$primary_port" ] || replica_port=$((primary_port + 1))

  say "initdb primary (port $primary_port)"
  printf '%s\n' "$DB_PASSWORD" > "$STATE/pwfile"
  [ "$(id -u)" -eq 0 ] && chown "$PG_USER" "$STATE/pwfile"
  as_pg "$bin/initdb" -D "$STATE/primary" -U "$DB_USER" --pwfile="$STATE/pwfile" -E UTF8 --locale=C \
    --auth-local=trust --auth-host=scram-sha-256 >"$STATE/initdb.log" 2>&1 \
    || { cat "$STATE/initdb.log" >&2; die "initdb failed"; }
  rm -f "$STATE/pwfile"
  as_pg tee -a "$STATE/primary/postgresql.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
port = $primary_port
unix_socket_directories = '$STATE/run'
wal_level = replica
max_wal_senders = 10
hot_standby = on
shared_buffers = 256MB
maintenance_work_mem = 512MB
max_connections = 200
CONF
  # Replication connections from loopback need no password (first line: the first match wins).
  { echo "host replication $DB_USER 127.0.0.1/32 trust"; cat "$STATE/primary/pg_hba.conf"; } > "$STATE/hba.tmp"
  as_pg tee "$STATE/primary/pg_hba.conf" < "$STATE/hba.tmp" >/dev/null
  rm -f "$STATE/hba.tmp"
  as_pg "$bin/pg_ctl" -D "$STATE/primary" -l "$STATE/primary.log" -w -t 60 start >/dev/null \
    || { tail -20 "$STATE/primary.log" >&2; die "the primary did not start"; }
  as_pg "$bin/psql" -w -h "$STATE/run" -p "$primary_port" -U "$DB_USER" -d postgres -v ON_ERROR_STOP=1 -q \
    -c "CREATE EXTENSION IF NOT EXISTS vector" -d template1 >/dev/null \
    || die "CREATE EXTENSION vector failed in template1"
  as_pg "$bin/psql" -w -h "$STATE/run" -p "$primary_port" -U "$DB_USER" -d postgres -v ON_ERROR_STOP=1 -q \
    -c "CREATE DATABASE $DB_NAME" >/dev/null || die "CREATE DATABASE failed"

  say "pg_basebackup replica (port $replica_port)"
  as_pg "$bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U "$DB_USER" -D "$STATE/replica" -R -X stream \
    --checkpoint=fast --no-password </dev/null >"$STATE/basebackup.log" 2>&1 || { cat "$STATE/basebackup.log" >&2; die "pg_basebackup failed"; }
  as_pg tee -a "$STATE/replica/postgresql.auto.conf" >/dev/null <<CONF
port = $replica_port
CONF
  as_pg "$bin/pg_ctl" -D "$STATE/replica" -l "$STATE/replica.log" -w -t 60 start >/dev/null \
    || { tail -20 "$STATE/replica.log" >&2; die "the replica did not start"; }
  local recovering
  recovering=$(as_pg "$bin/psql" -w -h "$STATE/run" -p "$replica_port" -U "$DB_USER" -d "$DB_NAME" -Atc "SELECT pg_is_in_recovery()") \
    || die "cannot query the replica"
  [ "$recovering" = t ] || die "the replica is not a standby"
  say "pgvector smoke test (scripts/pg/smoke.sql) on both"
  smoke "$primary_port" primary "$STATE/primary.log"
  smoke "$replica_port" replica "$STATE/replica.log"

  local auth="$DB_USER:$DB_PASSWORD@127.0.0.1"
  cat > "$ENV_FILE" <<ENV
LOOKALIKE_TEST_POSTGRES_URL=postgres://$auth:$primary_port/$DB_NAME
LOOKALIKE_TEST_POSTGRES_REPLICA_URL=postgres://$auth:$replica_port/$DB_NAME
LOOKALIKE_PG_DIR=$STATE
LOOKALIKE_PG_BIN=$bin
ENV
  say "primary 127.0.0.1:$primary_port, streaming replica 127.0.0.1:$replica_port (data in $STATE)"
  cat "$ENV_FILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) [ -f "$ENV_FILE" ] || die "not started (run: $0 start)"; cat "$ENV_FILE" ;;
  status) running "$STATE/primary" && running "$STATE/replica" ;;
  avx2-check) avx2_check ;;
  *) echo "usage: $0 start|stop|env|status|avx2-check" >&2; exit 2 ;;
esac
