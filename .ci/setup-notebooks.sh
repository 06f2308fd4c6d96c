#!/usr/bin/env bash
# Installs what the notebook tests need: Debian's Jupyter (nbconvert, nbclient, jupyter-client) and the Deno kernel
# (deno comes from the project's node_modules). Idempotent; `--check` only says whether everything is there.
set -uo pipefail
cd "$(dirname "$0")/.."
deno=node_modules/.bin/deno

have_jupyter() { jupyter nbconvert --version >/dev/null 2>&1 && /usr/bin/python3 -c "import nbclient, jupyter_client" >/dev/null 2>&1; }
# the registered kernel must run this checkout's deno (a kernel left by another checkout may point nowhere)
have_kernel() {
  local registered
  registered=$(jupyter kernelspec list --json 2>/dev/null | /usr/bin/python3 -c 'import json,sys,os; k=json.load(sys.stdin)["kernelspecs"].get("deno"); print(json.load(open(os.path.join(k["resource_dir"],"kernel.json")))["argv"][0] if k else "")' 2>/dev/null)
  [ -n "$registered" ] && [ "$registered" -ef "$deno" ]
}

if [ "${1:-}" = "--check" ]; then
  have_jupyter && have_kernel && exit 0
  exit 1
fi

if ! have_jupyter; then
  echo "setup: installing Debian's Jupyter (notebook tests)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel >/dev/null || { echo "setup: Jupyter install failed" >&2; exit 1; }
fi
if ! have_kernel; then
  [ -x "$deno" ] || { echo "setup: $deno is missing: run npm install first" >&2; exit 1; }
  echo "setup: registering the Deno Jupyter kernel" >&2
  "$deno" jupyter --install --force >/dev/null 2>&1 || { echo "setup: deno jupyter --install failed" >&2; exit 1; }
fi
