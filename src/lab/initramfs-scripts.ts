// The two shell scripts of the lab's busybox initramfs: /init (boot, DHCP, call back, power off) and udhcpc's hook.
import { CONSOLE_REDIRECT, INIT_MOUNTS, LOAD_MODULES, firstNicDhcp } from './busybox-init.ts';

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
${INIT_MOUNTS}
${CONSOLE_REDIRECT}
echo "stage0-lab: init up, kernel $(uname -r)"
${LOAD_MODULES}
${firstNicDhcp(
  `echo "stage0-lab: no network interface"; echo ${CALLBACK_FAILED_MARKER}; poweroff -f`,
  `echo "stage0-lab: DHCP failed on $ifc"; echo ${CALLBACK_FAILED_MARKER} mac=$mac; poweroff -f`,
)}
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

/** The udhcpc hook, shared by every image (src/lab/busybox-init.ts). */
export { UDHCPC_SCRIPT } from './busybox-init.ts';
