#!/usr/bin/env bash
# Runs every test: JVM unit tests, the core vectors on JVM / Node 22 (JS + wasm-gc) / Chromium,
# the npm package tests, and the browser tests against the real server.
# Installs what the tests need when it is missing (Chromium and PostgreSQL from apt; npm packages through
# Maven), and starts a throw-away PostgreSQL cluster on 127.0.0.1:55432 for the server's PostgreSQL store
# tests (SYNCKIT_TEST_POSTGRES_URL), stopped and deleted on exit. Set SYNCKIT_TEST_POSTGRES_URL yourself to
# use another server instead; SYNCKIT_TEST_POSTGRES_PORT changes the port of the throw-away one.
# Extra arguments go to Maven, e.g. `bash scripts/test.sh -pl core`.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ! -x /usr/bin/chromium ]; then
  echo "== Chromium is missing: installing Debian's chromium (apt) =="
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
dpkg-query -W -f='Chromium ${Version} (Debian package)\n' chromium 2>/dev/null || echo "Chromium at /usr/bin/chromium"

# ---- PostgreSQL: a temporary cluster for this run (no systemd, no Docker needed) ----
start_postgres() {
  local pgbin port
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
    echo "== PostgreSQL is missing: installing Debian's postgresql (apt) =="
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
    pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  port=${SYNCKIT_TEST_POSTGRES_PORT:-55432}
  PG_TMP=$(mktemp -d "${TMPDIR:-/tmp}/synckit-pg.XXXXXX")
  PG_DATA="$PG_TMP/data"
  # initdb refuses to run as root: as root the cluster belongs to the postgres user, else to the caller.
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$PG_TMP"
    PG_AS=(runuser -u postgres --)
  else
    PG_AS=()
  fi
  PG_CTL=("${PG_AS[@]}" "$pgbin/pg_ctl" -D "$PG_DATA")
  trap stop_postgres EXIT
  "${PG_AS[@]}" "$pgbin/initdb" -D "$PG_DATA" -U postgres --auth-local=trust --auth-host=trust -E UTF8 --no-sync >"$PG_TMP/initdb.log" 2>&1 \
    || { cat "$PG_TMP/initdb.log"; exit 1; }
  # The socket goes in the temp directory, so clusters of parallel runs on other ports never collide.
  "${PG_CTL[@]}" -l "$PG_TMP/server.log" -w -t 60 \
    -o "-p $port -k $PG_TMP -c listen_addresses=127.0.0.1" start >/dev/null \
    || { cat "$PG_TMP/server.log"; echo "PostgreSQL did not start on 127.0.0.1:$port (in use? set SYNCKIT_TEST_POSTGRES_PORT)" >&2; exit 1; }
  "${PG_AS[@]}" "$pgbin/psql" -h "$PG_TMP" -p "$port" -U postgres -qc "CREATE DATABASE synckit"
  echo "$("${PG_AS[@]}" "$pgbin/psql" -h "$PG_TMP" -p "$port" -U postgres -Atc "SELECT version()") on 127.0.0.1:$port (temporary cluster)"
  export SYNCKIT_TEST_POSTGRES_URL="jdbc:postgresql://127.0.0.1:$port/synckit?user=postgres"
}

stop_postgres() {
  if [ -n "${PG_DATA:-}" ] && [ -f "$PG_DATA/postmaster.pid" ]; then
    "${PG_CTL[@]}" -m fast -w stop >/dev/null || true
  fi
  [ -n "${PG_TMP:-}" ] && rm -rf "$PG_TMP"
}

if [ -n "${SYNCKIT_TEST_POSTGRES_URL:-}" ]; then
  echo "PostgreSQL: using SYNCKIT_TEST_POSTGRES_URL from the environment"
else
  start_postgres
fi

# Not exec: the EXIT trap stops PostgreSQL when Maven is done.
mvn -B verify "$@"
