// /init of the test image's system on disk: finds the install seed on a disk, brings the NIC up, calls UP_URL once, powers off.
import { SEED_LBA, SEED_MAGIC, SEED_SECTORS } from '../seed-region.ts';
import { CONSOLE_REDIRECT, INIT_MOUNTS, LOAD_MODULES, firstNicDhcp } from '../../lab/busybox-init.ts';

/** Printed as soon as the on-disk system's init runs (the disk booted). */
export const DISK_BOOTED_MARKER = 'STAGE0-DISK-BOOTED';
/** Printed after UP_URL answered 2xx. */
export const DISK_UP_OK_MARKER = 'STAGE0-DISK-UP-OK';
/** Printed when no disk carries a seed, DHCP failed or every UP_URL attempt failed. */
export const DISK_UP_FAILED_MARKER = 'STAGE0-DISK-UP-FAILED';

/**
 * Every block device is checked for the seed (the magic line at LBA SEED_LBA), so the script does not guess which
 * disk it booted from. UP_URL is extracted with sed, never eval'd. The call is retried only when it fails
 * (at most 5 tries): "up" is reported once per boot. The NIC bring-up follows the lab's init (carrier wait, udhcpc hook).
 */
export const DISK_INIT_SCRIPT = `#!/bin/sh
${INIT_MOUNTS}
${CONSOLE_REDIRECT}
echo "${DISK_BOOTED_MARKER} kernel $(uname -r)"
${LOAD_MODULES}
fail() { echo "${DISK_UP_FAILED_MARKER} $*"; sync; poweroff -f; sleep 5; exit 1; }
seed=; disk=; n=0
while [ -z "$seed" ] && [ $n -lt 50 ]; do
  for b in /sys/block/vd* /sys/block/sd* /sys/block/nvme*n* /sys/block/hd*; do
    [ -e "$b" ] || continue
    d=/dev/\${b##*/}
    s=$(dd if="$d" bs=512 skip=${SEED_LBA} count=${SEED_SECTORS} 2>/dev/null | tr -d '\\000')
    case "$s" in "${SEED_MAGIC}"*) seed=$s; disk=$d; break ;; esac
  done
  [ -n "$seed" ] || { sleep 0.1; n=$((n+1)); }
done
[ -n "$seed" ] || fail "no disk carries a stage0 seed"
UP_URL=$(echo "$seed" | sed -n "s/^UP_URL='\\([^']*\\)'$/\\1/p" | head -n 1)
[ -n "$UP_URL" ] || fail "seed on $disk has no UP_URL"
echo "stage0-disk: seed on $disk"
${firstNicDhcp('fail "no network interface"', 'fail "DHCP failed on $ifc mac=$mac"')}
ok=0; try=0
while [ $ok = 0 ] && [ $try -lt 5 ]; do
  try=$((try+1))
  if wget -q -O- "$UP_URL"; then ok=1; else sleep 1; fi
done
echo
[ $ok = 1 ] || fail "mac=$mac url=$UP_URL"
echo "${DISK_UP_OK_MARKER} mac=$mac tries=$try"
sync
poweroff -f
`;

/**
 * The EFI shell runs startup.nsh from the first FAT file system after its countdown; the Debian kernel is an EFI stub,
 * so the shell can start it with the initrd path on its command line. CRLF line ends, as the shell expects.
 */
export function startupNsh(cmdline: string): string {
  return ['@echo -off', 'echo stage0 test image: starting vmlinuz', 'fs0:', `\\vmlinuz initrd=\\initrd.img ${cmdline}`, ''].join('\r\n');
}
