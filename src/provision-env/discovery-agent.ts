// The discovery agent (busybox sh): reads /proc and /sys, prints the facts as JSON, and reports them to stage0.

/** Version string the agent puts in its report (`agent` field); the server accepts stage0-discover/<n>. */
export const DISCOVERY_AGENT_VERSION = 'stage0-discover/1';

/**
 * Usage: `discover.sh print` writes the facts JSON to stdout; `discover.sh report` POSTs them to
 * $STAGE0_SERVER/api/v1/discovery and writes the server's answer (`ACTION=poweroff|reboot`) to stdout,
 * progress to stderr (the console). STAGE0_ROOT (default empty) prefixes every /proc and /sys path so
 * tests can run the real script against a fake tree. STAGE0_MAC names the NIC the machine booted from.
 *
 * Strings are made JSON-safe in one place (jstr): control bytes and non-ASCII bytes are dropped (firmware
 * strings are ASCII; dropping keeps the document valid UTF-8), backslash and quote are escaped, padding trimmed.
 * Numbers are checked to be digits before they are printed bare.
 */
export const DISCOVERY_AGENT_SCRIPT = `#!/bin/sh
R="\${STAGE0_ROOT:-}"
log() { echo "stage0-env: $*" >&2; }
jstr() { printf '"%s"' "$(printf '%s' "$1" | tr '\\n\\r\\t' '   ' | tr -d '\\000-\\037\\177-\\377' | sed -e 's/^ *//' -e 's/ *$//' -e 's/\\\\/\\\\\\\\/g' -e 's/"/\\\\"/g')"; }
rd() { [ -r "$1" ] && head -c 512 "$1" 2>/dev/null; }
num() { case "$1" in ''|*[!0-9]*) echo 0 ;; *) echo "$1" ;; esac; }

cpu_json() {
  f="$R/proc/cpuinfo"
  model=$(grep -m1 '^model name' "$f" | sed 's/^[^:]*: *//')
  flags=$(grep -m1 '^flags' "$f" | sed 's/^[^:]*: *//')
  threads=$(grep -c '^processor' "$f")
  cores=$(awk -F': *' '/^physical id/{p=$2} /^core id/{print p "/" $2}' "$f" | sort -u | wc -l)
  sockets=$(awk -F': *' '/^physical id/{print $2}' "$f" | sort -u | wc -l)
  [ "$cores" -gt 0 ] || cores=$threads
  [ "$sockets" -gt 0 ] || sockets=1
  printf '{"model":%s,"sockets":%s,"cores":%s,"threads":%s,"flags":[' "$(jstr "$model")" "$(num $sockets)" "$(num $cores)" "$(num $threads)"
  sep=
  for fl in $flags; do case "$fl" in *[!a-z0-9_.]*) ;; *) printf '%s"%s"' "$sep" "$fl"; sep=, ;; esac; done
  printf ']}'
}

memory_json() {
  usable=$(awk '/^MemTotal:/{print int($2/1024)}' "$R/proc/meminfo")
  total=0; m="$R/sys/devices/system/memory"
  if [ -r "$m/block_size_bytes" ]; then
    bs=$((0x$(cat "$m/block_size_bytes"))); blocks=0
    for b in "$m"/memory[0-9]*; do [ "$(cat "$b/online" 2>/dev/null)" = 1 ] && blocks=$((blocks+1)); done
    total=$((blocks * bs / 1048576))
  fi
  [ "$total" -gt 0 ] || total=$(num "$usable")
  printf '{"totalMiB":%s,"usableMiB":%s}' "$(num $total)" "$(num "$usable")"
}

disks_json() {
  printf '['; sep=
  for d in "$R"/sys/block/*; do
    [ -e "$d" ] || continue
    name=\${d##*/}
    case "$name" in loop*|ram*|zram*|sr*|fd*|dm-*|md*|nbd*) continue ;; esac
    sectors=$(num "$(rd "$d/size")")
    serial=$(rd "$d/serial"); [ -n "$serial" ] || serial=$(rd "$d/device/serial")
    [ -n "$serial" ] || serial=$(rd "$d/device/vpd_pg80" | tail -c +5)
    model=$(rd "$d/device/model")
    rot=$(num "$(rd "$d/queue/rotational")")
    printf '%s{"name":%s,"sizeBytes":%s,"model":%s,"serial":%s,"rotational":%s}' "$sep" "$(jstr "$name")" "$((sectors * 512))" "$(jstr "$model")" "$(jstr "$serial")" "$([ "$rot" = 1 ] && echo true || echo false)"
    sep=,
  done
  printf ']'
}

nics_json() {
  printf '['; sep=
  for n in "$R"/sys/class/net/*; do
    [ -e "$n/device" ] || continue
    name=\${n##*/}
    mac=$(rd "$n/address" | tr 'A-F' 'a-f')
    driver=$(readlink "$n/device/driver" 2>/dev/null); driver=\${driver##*/}
    carrier=$(rd "$n/carrier" 2>/dev/null)
    speed=$(rd "$n/speed" 2>/dev/null); case "$speed" in ''|-*|*[!0-9]*) speed=null ;; esac
    printf '%s{"name":%s,"mac":%s,"driver":%s,"carrier":%s,"speedMbps":%s}' "$sep" "$(jstr "$name")" "$(jstr "$mac")" "$(jstr "$driver")" "$([ "$carrier" = 1 ] && echo true || echo false)" "$speed"
    sep=,
  done
  printf ']'
}

dmi_json() {
  i="$R/sys/class/dmi/id"
  printf '{"uuid":%s,"serial":%s,"vendor":%s,"product":%s,"boardSerial":%s}' "$(jstr "$(rd $i/product_uuid | tr 'A-F' 'a-f')")" "$(jstr "$(rd $i/product_serial)")" "$(jstr "$(rd $i/sys_vendor)")" "$(jstr "$(rd $i/product_name)")" "$(jstr "$(rd $i/board_serial)")"
}

facts_json() {
  printf '{"agent":"${DISCOVERY_AGENT_VERSION}","bootMac":%s,"cpu":%s,"memory":%s,"disks":%s,"nics":%s,"dmi":%s}\\n' \\
    "$(jstr "$(printf '%s' "\${STAGE0_MAC:-}" | tr 'A-F' 'a-f')")" "$(cpu_json)" "$(memory_json)" "$(disks_json)" "$(nics_json)" "$(dmi_json)"
}

case "\${1:-print}" in
  print) facts_json ;;
  report)
    [ -n "$STAGE0_SERVER" ] || { log "no stage0.server= on the kernel command line"; exit 2; }
    out="\${TMPDIR:-/tmp}/stage0-facts.$$.json"
    facts_json > "$out"
    log "facts: $(wc -c < "$out") bytes, posting to $STAGE0_SERVER/api/v1/discovery"
    try=0
    while [ $try -lt 5 ]; do
      try=$((try+1))
      if answer=$(timeout 30 wget -O- --header 'Content-Type: application/json' --post-file "$out" "$STAGE0_SERVER/api/v1/discovery"); then
        rm -f "$out"; printf '%s\\n' "$answer"; exit 0
      fi
      log "discovery report attempt $try failed"; sleep 2
    done
    exit 1 ;;
  *) echo "usage: discover.sh [print|report]" >&2; exit 2 ;;
esac
`;
