#!/usr/bin/env bash
# Installs the peer programs the side-by-side benches run against (not needed by any test): nginx (one worker,
# sendfile), wrk, hyperfine, tftpd-hpa, dnsmasq, the atftp client. Uses apt; when the mirror is unreachable it falls
# back to .debs already in apt's cache (dpkg -i), which is how the 2026-11-23 session installed nginx and wrk.
# Services are never started (policy-rc.d in containers, and the benches start their own instances).
set -euo pipefail
pkgs=(nginx wrk hyperfine tftpd-hpa dnsmasq-base atftp curl iproute2 util-linux)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && { echo "install-peers: all present"; exit 0; }
echo "install-peers: installing ${missing[*]}" >&2
if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
  exit 0
fi
echo "install-peers: apt failed; trying the .debs in /var/cache/apt/archives" >&2
debs=()
for p in "${missing[@]}"; do
  for d in /var/cache/apt/archives/"${p}"_*.deb; do [ -e "$d" ] && debs+=("$d"); done
done
# nginx and wrk need these from the cache too
for d in /var/cache/apt/archives/{nginx-common,libluajit-5.1-common,libluajit-5.1-2}_*.deb; do [ -e "$d" ] && debs+=("$d"); done
[ ${#debs[@]} -gt 0 ] && DEBIAN_FRONTEND=noninteractive dpkg -i "${debs[@]}"
for p in "${missing[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || { echo "install-peers: $p still missing" >&2; exit 1; }; done
