#!/usr/bin/env bash
# Install what the test suite needs from Debian, if it is missing:
# the PostgreSQL server binaries, the pgSphere extension, STILTS (taplint, votlint,
# datalinklint) and Chromium (the browser tests drive it with Playwright). Never skips silently:
# if something cannot be installed, this fails and so does `make test`.
set -euo pipefail

need=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  need+=(postgresql-15 postgresql-15-pgsphere)
else
  version=$(basename "$(dirname "$pg_bin")")
  if [ ! -f "/usr/share/postgresql/$version/extension/pg_sphere.control" ]; then
    need+=("postgresql-$version-pgsphere")
  fi
fi

if ! command -v stilts >/dev/null 2>&1; then
  need+=(stilts)
fi

if ! command -v chromium >/dev/null 2>&1; then
  need+=(chromium)
fi

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "error: the tests need ${need[*]}; install them (as root: apt-get install ${need[*]})" >&2
  exit 1
fi
echo "installing ${need[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
