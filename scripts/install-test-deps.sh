#!/usr/bin/env bash
# Installs the Debian packages the test suite starts for real (PostgreSQL, QEMU, iPXE, OVMF, dnsmasq, TFTP clients, Chromium for the web UI,
# ipmi_sim, cloud-init's schema checker, sushy…). Only what is missing; apt is retried on transient network errors.
set -euo pipefail
pkgs=(postgresql-15 qemu-system-x86 ipxe-qemu ipxe ovmf busybox-static dnsmasq-base cpio xz-utils iproute2
      tftp-hpa atftp curl python3 openssl chromium chromium-driver make g++  # make, g++: node-gyp (native/)
      openipmi ipmitool python3-sushy cloud-init)  # ipmi_sim BMCs, ipmitool cross-checks, sushy (Redfish client), cloud-init schema
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-test-deps: installing ${missing[*]}" >&2
for attempt in 1 2 3 4; do
  # Short network timeouts: an unreachable mirror should fail in minutes with a clear message, not hang CI.
  if apt-get -o Acquire::Retries=2 -o Acquire::http::Timeout=30 update -qq &&
     DEBIAN_FRONTEND=noninteractive apt-get -o Acquire::Retries=2 -o Acquire::http::Timeout=30 install -y -qq --no-install-recommends "${missing[@]}"; then
    # The tests only run `cloud-init schema`; a cloud-init we installed must not take over this machine at its next boot.
    if [[ " ${missing[*]} " == *" cloud-init "* ]]; then mkdir -p /etc/cloud && touch /etc/cloud/cloud-init.disabled; fi
    exit 0
  fi
  echo "install-test-deps: apt failed (attempt $attempt), retrying in $((attempt * 15)) s" >&2
  sleep $((attempt * 15))
done
echo "install-test-deps: could not install ${missing[*]} (is the Debian mirror reachable? try: getent hosts deb.debian.org)" >&2
exit 1
