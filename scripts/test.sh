#!/usr/bin/env bash
# Runs every test: JVM unit tests, the core vectors on JVM / Node 22 (JS + wasm-gc) / Chromium,
# the npm package tests, and the browser tests against the real server.
# Installs what the tests need when it is missing (Chromium from apt; npm packages through Maven).
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

exec mvn -B verify "$@"
