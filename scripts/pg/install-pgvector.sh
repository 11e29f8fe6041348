#!/usr/bin/env bash
# Installs pgvector into Debian 12's PostgreSQL 15, compiled here with portable flags, for the tests
# and `make pg-start`. Idempotent: an installed build that passed the checks below is only re-checked.
#
# Debian 12 packages PostgreSQL 15 but not pgvector, so the source comes from Debian's own pgvector
# source package of the next Debian release, fetched with apt from the mirror this machine already
# uses (apt checks it against that release's signed index), through a private apt configuration that
# leaves the system's sources alone.
#
# pgvector's Makefile compiles with -march=native by default: a build made on an AVX-512 machine then
# dies with SIGILL (Illegal instruction) on an AVX2-only one. Built with OPTFLAGS="", the library is
# plain x86-64 code and pgvector chooses its FMA, F16C and AVX-512 code paths itself at run time
# (cpuid). The checks at the end refuse a library whose AVX-512 code sits outside those paths, and run
# every pgvector operation the product uses on an emulated AVX2-only CPU (`pg.sh avx2-check`, qemu).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MINIMUM=0.8.0  # halfvec and iterative index scans
SOURCE_SUITE=trixie
PG_MAJOR=${LOOKALIKE_PG_MAJOR:-15}
PG_CONFIG=/usr/lib/postgresql/$PG_MAJOR/bin/pg_config
WORK=$ROOT/.deps/pgvector
say() { printf '==> pgvector: %s\n' "$*" >&2; }
die() { printf 'install-pgvector.sh: error: %s\n' "$*" >&2; exit 1; }
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo

# Exits 0 when the library at $1 holds AVX-512 (zmm) instructions only in pgvector's run-time
# dispatched functions, whose names say so (BitHammingDistanceAvx512Popcount and the like).
portable() {
  local stray
  stray=$(set -o pipefail; objdump -d --no-show-raw-insn "$1" \
    | awk '/^[0-9a-f]+ <.*>:$/ { f = $2 } /zmm|%k[1-7]/ && f !~ /Avx512/ { print f }' | sort -u) || return 1
  [ -z "$stray" ] || { printf 'AVX-512 code outside the run-time dispatch in %s: %s\n' "$1" "$stray" >&2; return 1; }
}

# Whether version $1 is at least $MINIMUM.
recent() { [ "$(printf '%s\n%s\n' "$MINIMUM" "$1" | sort -V | head -1)" = "$MINIMUM" ]; }

# Debian mirrors this machine's apt already uses (deb822 and one-line sources, [options] left out).
mirrors() {
  awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true
  sed -E 's/\[[^]]*\]//' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
    | awk '$1 == "deb" && $3 ~ /^bookworm/ { print $2 }' || true
}

command -v objdump >/dev/null || die "objdump is missing (Debian package binutils)"
[ -x "$PG_CONFIG" ] || die "$PG_CONFIG is missing: install postgresql-$PG_MAJOR and postgresql-server-dev-$PG_MAJOR"
PKGLIB=$("$PG_CONFIG" --pkglibdir)
SHARE=$("$PG_CONFIG" --sharedir)
installed=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$SHARE/extension/vector.control" 2>/dev/null || true)
if [ -f "$PKGLIB/vector.so" ] && [ -n "$installed" ] && recent "$installed" && [ -f "$WORK/checked-$installed" ] \
   && portable "$PKGLIB/vector.so"; then
  exit 0
fi

mkdir -p "$WORK"
cd "$WORK"
orig=$(ls pgvector_*.orig.tar.* 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$orig" ]; then
  mirror=$(mirrors | grep -E '/debian/?$' | head -1 || true)
  [ -n "$mirror" ] || die "no Debian mirror found in /etc/apt/sources.list*: cannot fetch pgvector's source"
  say "fetching Debian's pgvector source package ($SOURCE_SUITE)"
  mkdir -p apt/lists/partial apt/cache
  printf 'deb-src %s %s main\n' "$mirror" "$SOURCE_SUITE" > apt/sources.list
  apt_opts=(-o "Dir::Etc::SourceList=$WORK/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
            -o "Dir::State::Lists=$WORK/apt/lists" -o "Dir::Cache=$WORK/apt/cache")
  [ "$(id -u)" -ne 0 ] || apt_opts+=(-o APT::Sandbox::User=root)  # the work folder is not apt's user's
  apt-get -qq "${apt_opts[@]}" update || die "apt-get update of the $SOURCE_SUITE source list failed"
  apt-get -qq "${apt_opts[@]}" source --download-only pgvector >/dev/null || die "apt-get source pgvector failed"
  orig=$(ls pgvector_*.orig.tar.* 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$orig" ] || die "apt-get source pgvector brought no source tarball"
fi
VERSION=$(printf '%s\n' "$orig" | sed -E 's/^pgvector_(.*)\.orig\.tar\..*$/\1/')
recent "$VERSION" || die "Debian's pgvector is $VERSION; Lookalike needs $MINIMUM or newer"

say "building pgvector $VERSION for PostgreSQL $PG_MAJOR with portable flags"
rm -rf "pgvector-$VERSION"
tar xf "$orig"
make -s -C "pgvector-$VERSION" -j"$(nproc)" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" with_llvm=no >build.log 2>&1 \
  || { tail -20 build.log >&2; die "building pgvector failed (log: $WORK/build.log)"; }
portable "pgvector-$VERSION/vector.so" || die "the build is not portable"
$SUDO make -s -C "pgvector-$VERSION" PG_CONFIG="$PG_CONFIG" with_llvm=no install >>build.log 2>&1 \
  || { tail -20 build.log >&2; die "installing pgvector failed (log: $WORK/build.log)"; }
say "installed into $PKGLIB"
# The same operations on an emulated AVX2-only CPU: the build must not crash such servers.
bash "$ROOT/scripts/pg/pg.sh" avx2-check
touch "$WORK/checked-$VERSION"
