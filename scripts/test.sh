#!/usr/bin/env bash
# Runs every test: JVM unit tests, the core vectors on JVM / Node 22 (JS + wasm-gc) / Chromium,
# the npm package tests, and the browser tests against the real server.
# Installs what the tests need when it is missing (Chromium and PostgreSQL from apt; npm packages through
# Maven), and starts a throw-away PostgreSQL cluster on 127.0.0.1:55432 for the server's PostgreSQL store
# tests (SYNCKIT_TEST_POSTGRES_URL), stopped and deleted on exit. Set SYNCKIT_TEST_POSTGRES_URL yourself to
# use another server instead; SYNCKIT_TEST_POSTGRES_PORT changes the port of the throw-away one.
# Likewise a throw-away Redis (redis-server from apt when missing) on 127.0.0.1:56379 for the scale-out test
# (SYNCKIT_TEST_REDIS_URL), stopped on exit; set SYNCKIT_TEST_REDIS_URL or SYNCKIT_TEST_REDIS_PORT to change it.
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
  trap stop_services EXIT
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

# ---- Redis: a temporary server for this run (scale-out test), no persistence ----
start_redis() {
  local port
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "== Redis is missing: installing Debian's redis-server (apt) =="
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server
  fi
  port=${SYNCKIT_TEST_REDIS_PORT:-56379}
  REDIS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/synckit-redis.XXXXXX")
  REDIS_PORT=$port
  trap stop_services EXIT
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --daemonize yes \
    --dir "$REDIS_TMP" --pidfile "$REDIS_TMP/redis.pid" --logfile "$REDIS_TMP/redis.log" \
    || { echo "Redis did not start on 127.0.0.1:$port" >&2; exit 1; }
  local tries=0
  until redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge 50 ]; then
      cat "$REDIS_TMP/redis.log"; echo "Redis did not answer on 127.0.0.1:$port (in use? set SYNCKIT_TEST_REDIS_PORT)" >&2; exit 1
    fi
    sleep 0.1
  done
  echo "Redis $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on 127.0.0.1:$port (temporary server)"
  export SYNCKIT_TEST_REDIS_URL="redis://127.0.0.1:$port"
}

stop_redis() {
  if [ -n "${REDIS_TMP:-}" ] && [ -f "$REDIS_TMP/redis.pid" ]; then
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || kill "$(cat "$REDIS_TMP/redis.pid")" 2>/dev/null || true
  fi
  [ -n "${REDIS_TMP:-}" ] && rm -rf "$REDIS_TMP"
}

stop_services() {
  stop_postgres || true
  stop_redis || true
}

if [ -n "${SYNCKIT_TEST_POSTGRES_URL:-}" ]; then
  echo "PostgreSQL: using SYNCKIT_TEST_POSTGRES_URL from the environment"
else
  start_postgres
fi

if [ -n "${SYNCKIT_TEST_REDIS_URL:-}" ]; then
  echo "Redis: using SYNCKIT_TEST_REDIS_URL from the environment"
else
  start_redis
fi

# Not exec: the EXIT trap stops PostgreSQL and Redis when Maven is done.
mvn -B verify "$@"
