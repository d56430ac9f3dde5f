#!/usr/bin/env bash
# Make sure "$1 -m venv" works: Debian's python3 needs the python3-venv package for it.
set -euo pipefail
python=${1:-python3}
if "$python" -c 'import ensurepip, venv' 2>/dev/null; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "error: $python cannot create virtual environments; install python3-venv" >&2
  exit 1
fi
echo "installing python3-venv (needed to create the project's environment)" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
