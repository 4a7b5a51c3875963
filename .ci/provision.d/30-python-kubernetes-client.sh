#!/usr/bin/env bash
# The official Python client (PyPI `kubernetes`), a peer the proxy's compatibility test drives through kapi proxy
# (kapi-proxy's PythonClientThroughProxyTest). In a venv of its own, so its pins do not disturb the machine's
# Python. Idempotent: nothing happens when the venv already imports it.
set -euo pipefail
VENV=${KAPI_PYTHON_PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/kapi/python-peers}
VERSION=37.0.2
if "$VENV/bin/python3" -c "import kubernetes, sys; sys.exit(kubernetes.__version__ != '$VERSION')" 2>/dev/null; then
  exit 0
fi
if ! python3 -m venv "$VENV"; then # Debian's own python3 keeps venv's pip in a package of its own
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
  rm -rf "$VENV"
  python3 -m venv "$VENV"
fi
"$VENV/bin/python3" -m pip install -q --disable-pip-version-check "kubernetes==$VERSION"
"$VENV/bin/python3" -c 'import kubernetes; print("python-peers: kubernetes", kubernetes.__version__)'
