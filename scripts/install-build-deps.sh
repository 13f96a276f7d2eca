#!/usr/bin/env bash
# What `npm ci` needs to build native modules (better-sqlite3 when no prebuilt binary can be fetched, and stage0's
# own addons in native/): make, a C/C++ compiler and python3 for node-gyp. Installs the missing ones as root; tells
# how otherwise. A fresh Debian 12 image may have none of them.
set -euo pipefail
missing=()
for p in make g++ python3; do command -v "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "stage0: building node modules needs ${missing[*]}; install them with: sudo apt-get install -y make g++ python3" >&2
  exit 1
fi
echo "stage0: installing ${missing[*]} (needed to build node modules)" >&2
apt-get -o Acquire::Retries=2 -o Acquire::http::Timeout=30 update -qq
DEBIAN_FRONTEND=noninteractive apt-get -o Acquire::Retries=2 -o Acquire::http::Timeout=30 install -y -qq --no-install-recommends make g++ python3
