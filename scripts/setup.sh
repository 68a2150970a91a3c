#!/usr/bin/env bash
# Installs everything nslab needs on Debian/Ubuntu, then builds it.
#   scripts/setup.sh          system tools + npm packages + build (for npm start)
#   scripts/setup.sh --test   the same, plus what the tests need (Chromium)
# Idempotent: packages already present are not installed again.
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(iproute2 iptables tcpdump iputils-ping traceroute procps util-linux kmod cgroup-tools)
[ "${1:-}" = "--test" ] && pkgs+=(chromium fonts-dejavu-core)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "nslab setup: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "nslab setup: missing system packages: ${missing[*]}" >&2
    echo "  install them with: sudo apt-get install ${missing[*]}" >&2
  fi
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "nslab setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "nslab setup: building"
npm run --silent build
