#!/usr/bin/env bash
# Installs the peer programs the side-by-side benches run against (not needed by any test): nginx (one worker,
# sendfile), wrk, hyperfine, tftpd-hpa, dnsmasq, the atftp client, Kea (kea-dhcp4 + perfdhcp), and atftpd unpacked
# beside tftpd-hpa (the two conflict as packages) under /opt/stage0-bench/atftpd. Uses apt; when the mirror is unreachable it falls
# back to .debs already in apt's cache (dpkg -i), which is how the 2026-11-23 session installed nginx and wrk.
# Services are never started (policy-rc.d in containers, and the benches start their own instances).
# Without a mirror: bench/dhcp-rate.ts takes KEA_DHCP4= and PERFDHCP= (programs built elsewhere), bench/tftp.ts finds
# atftpd under $ATFTPD_DIR/usr/sbin and in.tftpd on PATH (bench/RESULTS.md, session 7: built from upstream sources).
set -euo pipefail
pkgs=(nginx wrk hyperfine tftpd-hpa dnsmasq-base atftp curl iproute2 util-linux kea-dhcp4-server kea-admin)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
# atftpd conflicts with tftpd-hpa: its binary is unpacked, not installed (bench/tftp.ts runs it from there).
ATFTPD_DIR=/opt/stage0-bench/atftpd
if [ ! -x "$ATFTPD_DIR/usr/sbin/atftpd" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download atftpd >/dev/null) && mkdir -p "$ATFTPD_DIR" && dpkg -x "$tmp"/atftpd_*.deb "$ATFTPD_DIR" ||
    echo "install-peers: could not fetch atftpd (apt-get download atftpd); the atftpd cells will be missing" >&2
  rm -rf "$tmp"
fi
[ ${#missing[@]} -eq 0 ] && { echo "install-peers: all present"; exit 0; }
echo "install-peers: installing ${missing[*]}" >&2
stop_services() {
  # A packaged DHCP server must never serve this host's interfaces: the benches start their own, in namespaces.
  if command -v systemctl >/dev/null && systemctl is-system-running >/dev/null 2>&1; then
    systemctl disable --now kea-dhcp4-server kea-dhcp6-server kea-ctrl-agent kea-dhcp-ddns-server tftpd-hpa nginx 2>/dev/null || true
  fi
}
if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
  stop_services
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
