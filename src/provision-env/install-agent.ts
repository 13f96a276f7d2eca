// The install agent: the busybox shell script the provisioning environment runs when booted with stage0.mode=install.
// It streams the profile's disk image onto the disk, verifies it, reports install-done and leaves the "up" seed on the disk.
import { SEED_LBA, SEED_MAGIC, SEED_SECTORS } from '../images/seed-region.ts';

/** Printed on the console when the image is written, verified and install-done was accepted. */
export const INSTALL_OK_MARKER = 'STAGE0-INSTALL-OK';
/** Printed (with the reason) when the install stops; the agent exits 1 and never reboots into the installer. */
export const INSTALL_FAILED_MARKER = 'STAGE0-INSTALL-FAILED';

/**
 * Installed as /usr/lib/stage0/install.sh; /init runs it with STAGE0_SERVER and STAGE0_TOKEN exported
 * (see env-init-script.ts) and drops to a console shell when it exits non-zero.
 *
 * Steps: config (KEY='value' lines, only such lines are sourced) → started → pick the disk (DISK, else the first
 * non-removable whole disk) → wget IMAGE_URL | gunzip (gz) | dd → flush caches → read back IMAGE_SIZE bytes and
 * compare SHA-256 → done (answers UP_URL='...') → seed at LBA ${SEED_LBA} → sync → reboot.
 * Any error: /failed with the reason, exit 1. Paths and the reboot command can be overridden for tests:
 * STAGE0_SYS_BLOCK (/sys/block), STAGE0_DEV_DIR (/dev), STAGE0_TMP (/tmp), STAGE0_REBOOT_CMD ("reboot -f"),
 * STAGE0_PROGRESS_SECONDS (5: a progress line to /log while the image is written), STAGE0_STALL_SECONDS (300: fail
 * when nothing reached the disk for that long).
 */
export const INSTALL_AGENT_SCRIPT = `#!/bin/sh
set -o pipefail 2>/dev/null
SYS_BLOCK=\${STAGE0_SYS_BLOCK:-/sys/block}
DEV_DIR=\${STAGE0_DEV_DIR:-/dev}
TMP=\${STAGE0_TMP:-/tmp}
REBOOT_CMD=\${STAGE0_REBOOT_CMD:-reboot -f}
PROGRESS_SECONDS=\${STAGE0_PROGRESS_SECONDS:-5}
STALL_SECONDS=\${STAGE0_STALL_SECONDS:-300}
say() { echo "stage0-install: $*"; }
[ -n "$STAGE0_SERVER" ] && [ -n "$STAGE0_TOKEN" ] || { say "no stage0.server / stage0.token on the kernel command line"; echo "${INSTALL_FAILED_MARKER} no token"; exit 1; }
BASE="$STAGE0_SERVER/api/v1/install/$STAGE0_TOKEN"
# post <endpoint> <text body>: the answer on stdout; text/plain so stage0 takes the body as is.
post() { wget -q -O- --header 'Content-Type: text/plain' --post-data "$2" "$BASE/$1"; }
log() { say "$*"; post log "$*" >/dev/null 2>&1 || say "(log line not delivered)"; }
fail() {
  say "FAILED: $*"
  post failed "$*" >/dev/null 2>&1 || say "could not report the failure to $STAGE0_SERVER"
  echo "${INSTALL_FAILED_MARKER} $*"
  exit 1
}

wget -q -O "$TMP/stage0-install.conf" "$BASE/config" || fail "cannot fetch the install config"
grep -E "^[A-Z][A-Z0-9_]*='.*'$" "$TMP/stage0-install.conf" > "$TMP/stage0-install.vars"
. "$TMP/stage0-install.vars"
post started "" >/dev/null || fail "install-started was refused"
log "node=$NODE profile=$PROFILE image=$IMAGE_URL format=$IMAGE_FORMAT size=$IMAGE_SIZE"
[ -n "$IMAGE_URL" ] || fail "profile $PROFILE has no image"
case "$IMAGE_SIZE" in ''|*[!0-9]*) fail "bad IMAGE_SIZE '$IMAGE_SIZE'" ;; esac
echo "$IMAGE_SHA256" | grep -qE '^[0-9a-f]{64}$' || fail "bad IMAGE_SHA256 '$IMAGE_SHA256'"

if [ -z "$DISK" ]; then
  for b in "$SYS_BLOCK"/*; do
    n=\${b##*/}
    case "$n" in loop*|ram*|sr*|fd*|dm-*|md*|zram*|nbd*) continue ;; esac
    [ "$(cat "$b/removable" 2>/dev/null)" = 0 ] || continue
    [ "$(cat "$b/size" 2>/dev/null || echo 0)" -gt 0 ] || continue
    DISK=$n; break
  done
  [ -n "$DISK" ] || fail "no non-removable disk found in $SYS_BLOCK"
fi
case "$DISK" in /*) DEV=$DISK ;; *) DEV="$DEV_DIR/$DISK" ;; esac
[ -e "$DEV" ] || fail "disk $DEV does not exist"
if [ -e "$SYS_BLOCK/\${DEV##*/}/size" ]; then
  sectors=$(cat "$SYS_BLOCK/\${DEV##*/}/size")
  [ $((sectors * 512)) -ge "$IMAGE_SIZE" ] || fail "disk $DEV ($((sectors * 512)) bytes) is smaller than the image ($IMAGE_SIZE bytes)"
fi

log "writing $IMAGE_URL ($IMAGE_FORMAT) to $DEV"
case "$IMAGE_FORMAT" in gz) unpack="gunzip -c" ;; raw) unpack=cat ;; *) fail "unknown image format '$IMAGE_FORMAT'" ;; esac
t0=$(date +%s)
rm -f "$TMP/write.rc"
# In the background so progress can be reported; the exit status comes back through a file (pipefail: any stage).
( wget -q -O- "$IMAGE_URL" | $unpack | dd of="$DEV" bs=1M conv=notrunc 2>"$TMP/dd.err"; echo $? > "$TMP/write.rc" ) &
writer=$!
stat_file="$SYS_BLOCK/\${DEV##*/}/stat"
w0=$(awk '{print $7}' "$stat_file" 2>/dev/null)
n=0; last=$w0; still=0
while [ ! -s "$TMP/write.rc" ]; do
  sleep 1; n=$((n+1))
  [ -n "$w0" ] || continue
  # Sectors written to the disk (field 7 of the block device's stat) since the write began.
  w=$(awk '{print $7}' "$stat_file" 2>/dev/null)
  if [ "$w" = "$last" ]; then still=$((still+1)); else still=0; last=$w; fi
  if [ $still -ge $STALL_SECONDS ] && [ ! -s "$TMP/write.rc" ]; then
    # busybox wget has no timeout: a server that stops sending would hold the install forever.
    # (no pkill in busybox here: the writer's children are found by their parent PID, field 4 of /proc/<pid>/stat)
    for p in /proc/[0-9]*; do [ "$(awk '{print $4}' "$p/stat" 2>/dev/null)" = "$writer" ] && kill "\${p#/proc/}" 2>/dev/null; done
    wait
    fail "the image download stalled: nothing written for $STALL_SECONDS s"
  fi
  [ $((n % PROGRESS_SECONDS)) = 0 ] && [ ! -s "$TMP/write.rc" ] && log "progress: $(( (\${w:-$w0} - w0) / 2048 )) of $((IMAGE_SIZE / 1048576)) MiB written after $n s"
done
wait
[ "$(cat "$TMP/write.rc")" = 0 ] || fail "writing the image failed: $(tail -n 1 "$TMP/dd.err")"
sync
log "written in $(( $(date +%s) - t0 )) s ($(tail -n 1 "$TMP/dd.err")); verifying $IMAGE_SIZE bytes"
# Read back from the disk, not from the page cache (a block device; a test's stand-in file has no such cache to drop).
if [ -b "$DEV" ]; then blockdev --flushbufs "$DEV" 2>/dev/null; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null; fi
got=$(head -c "$IMAGE_SIZE" "$DEV" | sha256sum | cut -d' ' -f1)
[ "$got" = "$IMAGE_SHA256" ] || fail "checksum mismatch on $DEV: image sha256 $got, catalog says $IMAGE_SHA256"
log "sha256 verified: $got"

answer=$(post done "") || fail "install-done was refused"
echo "$answer" | grep -q "^UP_URL='" || say "install-done answered without UP_URL: the installed system will not report up"
# The seed for the installed system: zero the region, then the magic line and the install-done answer.
dd if=/dev/zero of="$DEV" bs=512 seek=${SEED_LBA} count=${SEED_SECTORS} conv=notrunc 2>/dev/null
printf '%s\\n%s\\n' '${SEED_MAGIC}' "$answer" | dd of="$DEV" bs=512 seek=${SEED_LBA} conv=notrunc 2>/dev/null || say "could not write the seed to $DEV"
sync
echo "${INSTALL_OK_MARKER} node=$NODE disk=$DEV sha256=$got"
$REBOOT_CMD
exit 0
`;
