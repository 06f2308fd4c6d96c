#!/usr/bin/env bash
# Installs what the notebooks and their tests need: Debian's Jupyter (nbconvert, nbclient, jupyter-client) and the Deno
# kernel, registered from this checkout's node_modules (npm's `deno` package). Idempotent, and quick when all is there:
# one Python start checks everything. `--check` only says (exit status) whether anything is missing.
set -uo pipefail
cd "$(dirname "$0")/.."
deno=node_modules/.bin/deno

# prints what is missing: "jupyter", "kernel", both, or nothing
missing() {
  /usr/bin/python3 - "$deno" 2>/dev/null <<'PY' || echo jupyter
import os, sys
try:
    import nbconvert, nbclient, jupyter_client.kernelspec
except ImportError:
    print("jupyter kernel")
    sys.exit(0)
try:
    argv0 = jupyter_client.kernelspec.KernelSpecManager().get_kernel_spec("deno").argv[0]
    # a kernel registered by another checkout may point at a deno that is gone
    registered = os.path.exists(sys.argv[1]) and os.path.samefile(argv0, sys.argv[1])
except Exception:
    registered = False
print("" if registered else "kernel")
PY
}

need=$(missing)
if [ "${1:-}" = "--check" ]; then
  [ -z "$need" ]
  exit
fi

if [[ "$need" == *jupyter* ]]; then
  echo "setup: installing Debian's Jupyter (notebook tests)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel >/dev/null || { echo "setup: Jupyter install failed" >&2; exit 1; }
fi
if [[ "$need" == *kernel* ]]; then
  if [ ! -x "$deno" ]; then
    echo "setup: installing deno from npm (a devDependency)" >&2
    npm install --no-audit --no-fund >/dev/null || { echo "setup: npm install failed" >&2; exit 1; }
  fi
  echo "setup: registering the Deno Jupyter kernel" >&2
  "$deno" jupyter --install --force >/dev/null 2>&1 || { echo "setup: deno jupyter --install failed" >&2; exit 1; }
fi
