#!/usr/bin/env bash
# Installs everything stagecraft needs on a fresh Debian machine: the system tools it drives or
# checks its output with, and its npm dependencies; then compiles it. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages: runc (the OCI runtime), skopeo and umoci (independent checkers of our OCI
# output), docker-registry (a real registry for round-trip tests), debootstrap (base images without
# Docker Hub), slirp4netns (port publishing for `stagecraft run`), gcc (compiles the small native
# addon for mount, umount, xattr, ioctl and tree-removal calls, which Node lacks: native/stagecraft-sys.c), attr
# (getfattr/setfattr: what stagecraft runs where the addon is not built, and the tests' reference
# for it), zstd (test data), chromium (renders the HTML report in its tests), openssl (a test CA for
# the NODE_EXTRA_CA_CERTS test).
packages=(runc skopeo umoci docker-registry debootstrap slirp4netns gcc attr git ca-certificates openssl xz-utils bzip2 zstd chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing system packages (${missing[*]}); run this script as root to install them" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # docker-registry's package starts a system service listening on :5000; our tests run their own.
  if command -v systemctl >/dev/null 2>&1; then systemctl stop docker-registry >/dev/null 2>&1 || true; fi
  pkill -f '^/usr/bin/docker-registry serve /etc/docker/registry/config.yml' 2>/dev/null || true
fi

npm ci --no-audit --no-fund --loglevel=error
npm run build --silent
