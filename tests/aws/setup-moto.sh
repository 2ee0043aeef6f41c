#!/usr/bin/env bash
# Installs the local AWS API server (moto) that the AWS integration tests start, into a venv
# outside the clone (reused by later runs), and prints the path of its moto_server.
set -euo pipefail
venv="${BKOPS_MOTO_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/bkops-moto-venv}"
if [ ! -x "$venv/bin/moto_server" ]; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'moto[server]==5.2.5' 'cbor2==5.*' >&2
fi
if ! "$venv/bin/python" -c 'import cbor2' 2>/dev/null; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'cbor2==5.*' >&2
fi
echo "$venv/bin/moto_server"
