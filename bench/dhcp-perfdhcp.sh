#!/usr/bin/env bash
# bench/dhcp-perfdhcp.sh: DHCPv4 DORA rate with perfdhcp (Debian package kea-admin), durable leases against durable
# leases: stage0 (SQLite leases committed before the ACK) vs Kea 2.x (memfile with its lease file) vs dnsmasq (lease
# file), 10,000 distinct clients, relay mode (perfdhcp always sends as a relay: giaddr = its own address, replies
# unicast to giaddr:67). Everything runs in two namespaces this script creates and deletes; DHCP only on their veth.
# Needs root, kea-dhcp4-server + kea-admin (perfdhcp), dnsmasq, iproute2, taskset.  Usage:
#   bash bench/dhcp-perfdhcp.sh [RATE...]      (default rates: 500 1000 2000 4000 8000; 30 s max each)
# Prints, per server and offered rate, perfdhcp's sent/received counts and drops; the highest rate with < 1 % drops
# is the figure to compare (issue 7: Kea memfile ≈ 2,600/s, dnsmasq with lease file ≈ 220/s on this machine kind).
set -euo pipefail
for t in perfdhcp kea-dhcp4 dnsmasq ip taskset; do
  command -v "$t" >/dev/null || { echo "missing $t: apt-get install -y kea-admin kea-dhcp4-server dnsmasq-base iproute2 util-linux" >&2; exit 2; }
done
here="$(cd "$(dirname "$0")/.." && pwd)"
rates=("${@:-500 1000 2000 4000 8000}"); read -r -a rates <<<"${rates[*]}"
tag=$$ srv="s0b-pd-s-$tag" cli="s0b-pd-c-$tag" dir="$(mktemp -d /tmp/s0b-perfdhcp-XXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  ip netns del "$cli" 2>/dev/null || true; ip netns del "$srv" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
ip netns add "$srv"; ip netns add "$cli"
ip -n "$srv" link set lo up; ip -n "$cli" link set lo up
ip -n "$srv" link add sv0 type veth peer name cv0 netns "$cli"
ip -n "$srv" addr add 10.96.0.1/24 dev sv0; ip -n "$srv" link set sv0 up
ip -n "$cli" addr add 10.96.0.2/24 dev cv0; ip -n "$cli" link set cv0 up
# perfdhcp relays from 10.96.0.2 (giaddr); the pool for that link is 10.96.0.0/24 … too small for 10,000 clients,
# so the relay's address is on a /16 and the pool is 10.95.0.0/16 reached through it.
ip -n "$cli" addr add 10.95.0.1/16 dev cv0
ip -n "$srv" route add 10.95.0.0/16 via 10.96.0.2

run_perfdhcp() { # name rate
  local out
  out=$(ip netns exec "$cli" taskset -c 1 perfdhcp -4 -l cv0 -r "$2" -R 10000 -n $(( $2 * 20 )) -p 30 -t 5 -b mac=02:5c:00:00:00:00 -L 67 -a 10.95.0.1 10.96.0.1 2>&1 || true)
  echo "| $1 | $2 | $(echo "$out" | awk '/sent packets:/ {s=s $3 "/"} /received packets:/ {r=r $3 "/"} /drops:/ {d=d $2 "/"} END {print s " | " r " | " d}') | $(cut -d' ' -f1 /proc/loadavg) |"
}

echo "# bench/dhcp-perfdhcp $(date -u +%FT%TZ) 10,000 clients, relay mode, servers on core 0, perfdhcp on core 1"
echo "| server | rate/s | sent (DISCOVER/REQUEST) | received (OFFER/ACK) | drops | load |"
echo "| --- | --- | --- | --- | --- | --- |"

# stage0: durable SQLite leases (the default store), authoritative on sv0, pool for the relayed subnet.
cat >"$dir/stage0.yaml" <<YAML
dataDir: $dir/stage0-data
api: { listen: 127.0.0.1, port: 8443 }
log: { level: warn }
boot: { httpBase: "http://10.96.0.1:8080" }
dhcp:
  mode: authoritative
  interfaces: [sv0]
  subnets:
    - { cidr: 10.96.0.0/24, pool: [] }
    - { cidr: 10.95.0.0/16, pool: [{ start: 10.95.1.0, end: 10.95.255.254 }] }
YAML
mkdir -p "$dir/stage0-data"
ip netns exec "$srv" taskset -c 0 "$here/bin/stage0" serve --config "$dir/stage0.yaml" >"$dir/stage0.log" 2>&1 & pids+=($!)
sleep 8
# Note: stage0 rate-limits unknown MACs (dhcp.unknownRate: 8 + 2/s each, 1024 + 256/s together): perfdhcp's MACs are
# all unknown, so with the default limits the figure is the limit; bench/dhcp-rate.ts also runs with them raised.
for r in "${rates[@]}"; do run_perfdhcp stage0 "$r"; done
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

# Kea with memfile persistence (lfc off during the run).
cat >"$dir/kea.json" <<JSON
{ "Dhcp4": { "interfaces-config": { "interfaces": ["sv0"], "dhcp-socket-type": "udp" },
  "lease-database": { "type": "memfile", "persist": true, "name": "$dir/kea-leases.csv", "lfc-interval": 0 },
  "valid-lifetime": 3600,
  "subnet4": [ { "id": 1, "subnet": "10.95.0.0/16", "pools": [ { "pool": "10.95.1.0 - 10.95.255.254" } ], "relay": { "ip-addresses": ["10.96.0.2"] } } ] } }
JSON
ip netns exec "$srv" taskset -c 0 kea-dhcp4 -c "$dir/kea.json" >"$dir/kea.log" 2>&1 & pids+=($!)
sleep 3
for r in "${rates[@]}"; do run_perfdhcp kea-memfile "$r"; done
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

# dnsmasq with its lease file (rewritten on every change).
ip netns exec "$srv" taskset -c 0 dnsmasq --no-daemon --conf-file=/dev/null --port=0 --no-resolv --no-hosts --user=root \
  --interface=sv0 --bind-interfaces --except-interface=lo --dhcp-range=10.95.1.0,10.95.255.254,255.255.0.0,1h \
  --dhcp-leasefile="$dir/dnsmasq.leases" --dhcp-lease-max=100000 --no-ping --dhcp-authoritative >"$dir/dnsmasq.log" 2>&1 & pids+=($!)
sleep 2
for r in "${rates[@]}"; do run_perfdhcp dnsmasq-leasefile "$r"; done
