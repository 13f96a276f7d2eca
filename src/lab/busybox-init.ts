// Shell fragments every busybox /init of ours starts with (lab VMs, the provisioning environment, the test image's
// system on disk): one copy of the mounts and of the "first NIC up + DHCP" dance, whose pitfalls were found once.

/** PATH, the kernel file systems. The console redirect is left to each script (some mount more first). */
export const INIT_MOUNTS = `export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null`;

/** stdin/stdout/stderr on the console (the kernel may start /init without them). */
export const CONSOLE_REDIRECT = '[ -c /dev/console ] && exec </dev/console >/dev/console 2>&1';

/** Modules in /lib/modules/order (dependencies first); the images carry no modprobe database on purpose. */
export const LOAD_MODULES = 'for m in $(cat /lib/modules/order); do insmod /lib/modules/$m.ko 2>/dev/null; done';

/**
 * Brings the first NIC up and DHCPs on it; sets `ifc` and `mac`. The e1000 driver needs 1–2 s for carrier after
 * link up and DISCOVERs sent before it are lost, so wait for /sys/class/net/<if>/carrier. `onNoNic` and
 * `onDhcpFail` are shell commands (they should not return: power off, or call a fail function).
 */
export function firstNicDhcp(onNoNic: string, onDhcpFail: string): string {
  return `ip link set lo up
n=0; ifc=
while [ -z "$ifc" ] && [ $n -lt 100 ]; do
  for d in /sys/class/net/*; do case "\${d##*/}" in lo|sit*|tunl*) ;; *) ifc=\${d##*/}; break ;; esac; done
  [ -n "$ifc" ] || { sleep 0.1; n=$((n+1)); }
done
[ -n "$ifc" ] || { ${onNoNic}; }
mac=$(cat /sys/class/net/$ifc/address)
ip link set "$ifc" up
n=0
while [ "$(cat /sys/class/net/$ifc/carrier 2>/dev/null)" != 1 ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n+1)); done
udhcpc -i "$ifc" -s /usr/share/udhcpc/default.script -f -q -n -t 20 -T 1 || { ${onDhcpFail}; }`;
}

/** busybox udhcpc does not configure the interface itself: this hook does (deconfig / bound / renew). */
export const UDHCPC_SCRIPT = `#!/bin/sh
case "$1" in
  deconfig)
    ip -4 addr flush dev "$interface"
    ip link set "$interface" up
    ;;
  bound|renew)
    ip -4 addr flush dev "$interface"
    ip addr add "$ip/\${mask:-24}" \${broadcast:+broadcast "$broadcast"} dev "$interface"
    for r in $router; do ip route add default via "$r" dev "$interface" 2>/dev/null; break; done
    : > /etc/resolv.conf
    for d in $dns; do echo "nameserver $d" >> /etc/resolv.conf; done
    echo "stage0: udhcpc $1 $interface ip=$ip/\${mask:-24} router=$router"
    ;;
esac
exit 0
`;
