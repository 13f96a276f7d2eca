// The two shell scripts of the lab's busybox initramfs: /init (boot, DHCP, call back, power off) and udhcpc's hook.

/** Printed on the serial console once the callback succeeded; tests and `lab` wait for it. */
export const CALLBACK_OK_MARKER = 'STAGE0-CALLBACK-OK';
/** Printed when every callback attempt failed (the VM powers off anyway). */
export const CALLBACK_FAILED_MARKER = 'STAGE0-CALLBACK-FAILED';

/**
 * /init: modules are loaded in the order listed in /lib/modules/order (dependencies first).
 * The e1000 driver needs 1–2 s for carrier after link up and DISCOVERs sent before it are lost,
 * so wait for /sys/class/net/<if>/carrier. The callback URL comes from `stage0.callback=` on the
 * kernel command line; the VM adds `?mac=<mac>&status=up` (or `&…` if the URL has a query already).
 */
export const INIT_SCRIPT = `#!/bin/sh
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
[ -c /dev/console ] && exec </dev/console >/dev/console 2>&1
echo "stage0-lab: init up, kernel $(uname -r)"
for m in $(cat /lib/modules/order); do insmod /lib/modules/$m.ko 2>/dev/null; done
ip link set lo up
n=0; ifc=
while [ -z "$ifc" ] && [ $n -lt 100 ]; do
  for d in /sys/class/net/*; do case "\${d##*/}" in lo|sit*|tunl*) ;; *) ifc=\${d##*/}; break ;; esac; done
  [ -n "$ifc" ] || { sleep 0.1; n=$((n+1)); }
done
[ -n "$ifc" ] || { echo "stage0-lab: no network interface"; echo ${CALLBACK_FAILED_MARKER}; poweroff -f; }
mac=$(cat /sys/class/net/$ifc/address)
ip link set "$ifc" up
n=0
while [ "$(cat /sys/class/net/$ifc/carrier 2>/dev/null)" != 1 ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n+1)); done
if ! udhcpc -i "$ifc" -s /usr/share/udhcpc/default.script -f -q -n -t 20 -T 1; then
  echo "stage0-lab: DHCP failed on $ifc"; echo ${CALLBACK_FAILED_MARKER} mac=$mac; poweroff -f
fi
url=
for arg in $(cat /proc/cmdline); do
  case "$arg" in stage0.callback=*) url=\${arg#stage0.callback=} ;; esac
done
case "$url" in *\\?*) sep='&' ;; *) sep='?' ;; esac
echo "stage0-lab: callback url=$url mac=$mac"
ok=0; try=0
while [ -n "$url" ] && [ $ok = 0 ] && [ $try -lt 5 ]; do
  try=$((try+1))
  if wget -q -O- "$url\${sep}mac=$mac&status=up"; then ok=1; else sleep 1; fi
done
echo
if [ $ok = 1 ]; then echo "${CALLBACK_OK_MARKER} mac=$mac tries=$try"; else echo "${CALLBACK_FAILED_MARKER} mac=$mac url=$url"; fi
poweroff -f
`;

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
    echo "stage0-lab: udhcpc $1 $interface ip=$ip/\${mask:-24} router=$router"
    ;;
esac
exit 0
`;
