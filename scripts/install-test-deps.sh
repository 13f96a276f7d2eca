#!/usr/bin/env bash
# Installs the Debian packages the test suite starts for real (PostgreSQL, QEMU, iPXE, OVMF, dnsmasq, TFTP clients…).
set -euo pipefail
pkgs=(postgresql-15 qemu-system-x86 ipxe-qemu ipxe ovmf busybox-static dnsmasq-base cpio xz-utils iproute2
      tftp-hpa atftp curl python3 kmod tftpd-hpa cloud-init openipmi ipmitool python3-sushy openssl)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-test-deps: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
