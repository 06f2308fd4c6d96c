#!/usr/bin/env bash
# Installs what the test suite needs beyond node_modules: Debian's Chromium (site tests) and Jupyter (notebook tests).
# Idempotent and quick when everything is present. Runs as `pretest`; without root it only says what is missing.
set -uo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# the wire battery's reference database (test/tabular/postgres.test.ts), and localedef for its en_US.UTF-8
[ -x /usr/lib/postgresql/15/bin/postgres ] && command -v localedef >/dev/null 2>&1 || need+=(postgresql)
[ -f .ci/setup-notebooks.sh ] && { bash .ci/setup-notebooks.sh --check >/dev/null 2>&1 || need+=(notebooks); }

[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: missing ${need[*]}; the browser and notebook tests need them (Debian: run .ci/setup.sh as root)" >&2
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
if [[ " ${need[*]} " == *" chromium "* ]]; then
  echo "setup: installing Debian's chromium (browser tests)" >&2
  apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null || { echo "setup: chromium install failed" >&2; exit 1; }
fi
if [[ " ${need[*]} " == *" postgresql "* ]]; then
  echo "setup: installing Debian's postgresql-15 and locales (the PostgreSQL reference test)" >&2
  apt-get update -qq >/dev/null && apt-get install -y -qq postgresql-15 locales >/dev/null || { echo "setup: postgresql-15 install failed" >&2; exit 1; }
fi
if [[ " ${need[*]} " == *" notebooks "* ]]; then
  bash .ci/setup-notebooks.sh || { echo "setup: notebook tools install failed" >&2; exit 1; }
fi
