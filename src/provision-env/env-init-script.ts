// /init of the provisioning environment (busybox sh): mounts, loads drivers, DHCPs, then runs the mode from the cmdline.
import { CONSOLE_REDIRECT, INIT_MOUNTS } from '../lab/busybox-init.ts';

/** Every progress line on the serial console starts with this; tests and operators grep for it. */
export const ENV_LOG_PREFIX = 'stage0-env:';
/** Printed right before the environment powers off or reboots after a discovery report: `... action=poweroff`. */
export const DISCOVERY_DONE_MARKER = 'STAGE0-DISCOVERY-DONE';
/** Printed when the discovery report could not be delivered (the machine powers off anyway). */
export const DISCOVERY_FAILED_MARKER = 'STAGE0-DISCOVERY-FAILED';
/** Printed when a shell/rescue console is ready (network up). */
export const SHELL_READY_MARKER = 'STAGE0-SHELL-READY';

/** Where the mode scripts live inside the initramfs. */
export const DISCOVER_SCRIPT_PATH = '/usr/lib/stage0/discover.sh';
export const INSTALL_SCRIPT_PATH = '/usr/lib/stage0/install.sh';

/**
 * Kernel command line read by /init: `stage0.mode=discover|install|shell|rescue` (default discover),
 * `stage0.server=<http base>`, `stage0.token=<per-node token>`. They are exported to the mode scripts as
 * STAGE0_MODE, STAGE0_SERVER, STAGE0_TOKEN, with STAGE0_IFACE / STAGE0_MAC / STAGE0_IP of the booted NIC.
 * Modules are insmod-ed in /lib/modules/order (dependencies first, from the modules' depends= metadata): the
 * environment has no modprobe database on purpose, it carries only the drivers listed in env-modules.ts.
 * The NIC that DHCPs is the first with carrier: e1000 needs 1–2 s after link up and DISCOVERs sent before are lost.
 */
export const ENV_INIT_SCRIPT = `#!/bin/sh
${INIT_MOUNTS}
mkdir -p /dev/pts /run /tmp
mount -t devpts devpts /dev/pts 2>/dev/null
${CONSOLE_REDIRECT}
log() { echo "${ENV_LOG_PREFIX} $*"; }
log "init up, kernel $(uname -r), $(cat /etc/stage0-env-version 2>/dev/null)"
STAGE0_MODE=discover; STAGE0_SERVER=; STAGE0_TOKEN=
for arg in $(cat /proc/cmdline); do
  case "$arg" in
    stage0.mode=*) STAGE0_MODE=\${arg#stage0.mode=} ;;
    stage0.server=*) STAGE0_SERVER=\${arg#stage0.server=} ;;
    stage0.token=*) STAGE0_TOKEN=\${arg#stage0.token=} ;;
  esac
done
export STAGE0_MODE STAGE0_SERVER STAGE0_TOKEN
log "mode=$STAGE0_MODE server=\${STAGE0_SERVER:-none}"
loaded=
for m in $(cat /lib/modules/order); do insmod /lib/modules/$m.ko 2>/dev/null && loaded="$loaded $m"; done
log "modules loaded:$loaded"
ip link set lo up
nics() { for d in /sys/class/net/*; do [ -e "$d/device" ] && echo "\${d##*/}"; done; }
n=0
while [ -z "$(nics)" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n+1)); done
for i in $(nics); do ip link set "$i" up; done
STAGE0_IFACE=; n=0
while [ -z "$STAGE0_IFACE" ] && [ $n -lt 100 ]; do
  for i in $(nics); do [ "$(cat /sys/class/net/$i/carrier 2>/dev/null)" = 1 ] && { STAGE0_IFACE=$i; break; }; done
  [ -n "$STAGE0_IFACE" ] || { sleep 0.1; n=$((n+1)); }
done
[ -n "$STAGE0_IFACE" ] || STAGE0_IFACE=$(nics | head -n 1)
net_ok=0
if [ -n "$STAGE0_IFACE" ]; then
  STAGE0_MAC=$(cat /sys/class/net/$STAGE0_IFACE/address)
  log "dhcp on $STAGE0_IFACE mac=$STAGE0_MAC"
  if udhcpc -i "$STAGE0_IFACE" -s /usr/share/udhcpc/default.script -f -q -n -t 20 -T 1 -x hostname:stage0-env; then
    net_ok=1
    STAGE0_IP=$(ip -4 -o addr show dev "$STAGE0_IFACE" | awk '{print $4}')
    log "network up $STAGE0_IFACE ip=$STAGE0_IP"
  else
    log "DHCP failed on $STAGE0_IFACE"
  fi
else
  log "no network interface found"
fi
export STAGE0_IFACE STAGE0_MAC STAGE0_IP
console_shell() {
  log "$1 shell on the console (network $([ $net_ok = 1 ] && echo up || echo down)); exit the shell to reboot"
  echo "${SHELL_READY_MARKER} mode=$STAGE0_MODE mac=$STAGE0_MAC"
  while :; do setsid cttyhack sh -l; log "shell exited: rebooting"; reboot -f; done
}
case "$STAGE0_MODE" in
  discover)
    if [ $net_ok = 1 ] && action=$(sh ${DISCOVER_SCRIPT_PATH} report); then
      log "discovery reported, server says $action"
    else
      echo "${DISCOVERY_FAILED_MARKER} mac=$STAGE0_MAC"; action=ACTION=poweroff
    fi
    case "$action" in
      *ACTION=reboot*) echo "${DISCOVERY_DONE_MARKER} mac=$STAGE0_MAC action=reboot"; sync; reboot -f ;;
      *) echo "${DISCOVERY_DONE_MARKER} mac=$STAGE0_MAC action=poweroff"; sync; poweroff -f ;;
    esac
    ;;
  install)
    log "install agent starting"
    sh ${INSTALL_SCRIPT_PATH}; rc=$?
    log "install agent exited with status $rc"
    [ $rc = 0 ] && { sync; reboot -f; }
    console_shell "install failed:"
    ;;
  shell|rescue) console_shell "$STAGE0_MODE" ;;
  *) console_shell "unknown stage0.mode=$STAGE0_MODE:" ;;
esac
`;

/** The udhcpc hook shared by every image (it also writes /etc/resolv.conf). */
export { UDHCPC_SCRIPT as ENV_UDHCPC_SCRIPT } from '../lab/busybox-init.ts';
