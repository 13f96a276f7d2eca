// Lab BMC: OpenIPMI's `ipmi_sim` (Debian package openipmi) as a real IPMI 2.0 (RMCP+) BMC. Its chassis is either
// VM-less (power and boot device kept in files) or a QEMU machine that power on/off/reset and the boot device really
// start, stop, reset and redirect. Used by `stage0 lab up --bmc ipmi` and the tests. Recipe and pitfalls: shared/lab/IPMI.md
// (Debian ships no sample config; chassis_control is needed for the boot device; ipmi_sim offers cipher suite 3, not 17).
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { encodeFruImage } from '../codec/ipmi/fru-inventory.ts';

/**
 * ipmi_sim runs this (popen, blocking) as `PROG DIR get power|boot` / `PROG DIR set power 1|0 | reset 1 | boot pxe | shutdown 1`.
 * VM-less (default): power, boot device and reset count live in files under DIR. With DIR/qemu.args (NUL-separated)
 * the chassis is a QEMU VM: power on starts it (PXE first when bootdev is pxe), off kills it, reset goes over the HMP
 * monitor. It must stay fast (ipmi_sim blocks meanwhile) and must not leave a child holding the popen pipe.
 */
export const CHASSIS_CONTROL = `#!/bin/bash
dir=$1 op=$2; shift 2
args=$dir/qemu.args pidf=$dir/qemu.pid
[[ -s $dir/boot ]] || echo default > "$dir/boot"
echo "$op $*" >> "$dir/chassis.log"
pid_alive() { local st; st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1; st=\${st##*) }; [[ \${st%% *} != Z ]]; }
alive() { [[ -s $pidf ]] && pid_alive "$(cat "$pidf")"; }
hmp() { timeout 3 bash -c 'exec 3<>/dev/tcp/127.0.0.1/$1 || exit 1; printf "%s\\n" "$2" >&3; sleep 0.3' _ "$(cat "$dir/mon.port")" "$1"; }
power_get() { if [[ -f $args ]]; then alive && echo 1 || echo 0; else cat "$dir/power" 2>/dev/null || echo 0; fi; }
power_set() {
  if [[ ! -f $args ]]; then echo "$1" > "$dir/power"; return; fi
  if [[ $1 == 1 ]]; then
    alive && return
    local -a a; mapfile -d '' -t a < "$args"  # NUL-separated: an argument may hold spaces
    [[ $(cat "$dir/boot") == pxe ]] && a+=(-boot order=n) || a+=(-boot order=cn)
    # close inherited fds (ipmi_sim's sockets, the popen pipe) before exec, or popen never sees EOF
    ( for fd in /proc/$BASHPID/fd/*; do fd=\${fd##*/}; ((fd > 2)) && eval "exec $fd>&-"; done 2>/dev/null
      exec setsid "\${a[@]}" </dev/null >>"$dir/qemu.log" 2>&1 ) &
    local pid=$! i; echo $pid > "$pidf"
    # answer once the subshell has become QEMU (2 s at most): "power on" then means a machine, not a fork in flight
    for ((i = 0; i < 20; i++)); do [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == *qemu-system* ]] && break; sleep 0.1; done
  else
    alive || { rm -f "$pidf"; return; }
    local pid i; pid=$(cat "$pidf"); kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < 8; i++)); do pid_alive "$pid" || break; sleep 0.1; done
    pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null
    rm -f "$pidf"
  fi
}
case $op in
  get) for p in "$@"; do case $p in
         power) echo "power:$(power_get)" ;;
         boot) echo "boot:$(cat "$dir/boot")" ;;
         *) echo "Invalid parameter: $p"; exit 1 ;; esac; done ;;
  set) while (($#)); do p=$1 v=\${2:-}; shift 2 || { echo "No value for $p"; exit 1; }
         case $p in
           power) power_set "$v" ;;
           reset) echo $(( $(cat "$dir/resets" 2>/dev/null || echo 0) + 1 )) > "$dir/resets"; [[ -f $args ]] && alive && hmp system_reset ;;
           shutdown) if [[ -f $args ]]; then alive && hmp system_powerdown; else echo 0 > "$dir/power"; echo 1 > "$dir/soft"; fi ;;
           boot) case $v in none|pxe|default|cdrom|bios) echo "$v" > "$dir/boot" ;; *) echo "Invalid boot value: $v"; exit 1 ;; esac ;;
           identify) shift ;;
           *) echo "Invalid parameter: $p"; exit 1 ;;
         esac; done ;;
  check) exit 1 ;;
  *) echo "Invalid operation: $op"; exit 1 ;;
esac
exit 0
`;

/** FRU image (FRU spec v1.0): common header, board area, product area; same shape as ipmi-lab.sh's fru_bytes. */
export function fruImage(serial: string): number[] {
  return encodeFruImage(['OpenIPMI-Lab', 'SimBoard', serial, 'SB-0001', ''], ['OpenIPMI-Lab', 'SimNode', 'SN-1', '1.0', serial, `ASSET-${serial}`, '']);
}


/** Fails (never skips) with an install hint when ipmi_sim is missing. */
export function requireIpmiSim(): void {
  if (spawnSync('sh', ['-c', 'command -v ipmi_sim']).status !== 0) {
    throw new Error('ipmi_sim is missing: apt-get install -y --no-install-recommends openipmi (or run scripts/install-test-deps.sh)');
  }
}

export interface IpmiSimConfig {
  /** BMC name (lan.conf `name`). */
  name: string;
  /** Its own directory: configuration, chassis state, QEMU pid and logs. */
  dir: string;
  address: string;
  port: number;
  /** FRU board and product serial. */
  serial: string;
  username: string;
  password: string;
  /** The chassis is this QEMU machine (arguments after the program name, without -boot and -monitor). */
  machineArgs?: readonly string[];
  /** TCP port of that QEMU's HMP monitor on 127.0.0.1 (the chassis program resets the machine through it). */
  monitorPort?: number;
}

/** Writes the chassis program once per directory tree; returns its path. */
export function writeChassisControl(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const prog = join(dir, 'chassis-control');
  writeFileSync(prog, CHASSIS_CONTROL);
  chmodSync(prog, 0o755);
  return prog;
}

/** Writes bmc.emu, lan.conf (mode 0600: it holds the password), the initial chassis state and, for a VM, qemu.args. */
export function writeIpmiSimFiles(c: IpmiSimConfig, controlProg: string): void {
  mkdirSync(join(c.dir, 'state'), { recursive: true });
  const fru = fruImage(c.serial);
  writeFileSync(join(c.dir, 'bmc.emu'), [
    'mc_setbmc 0x20',
    'mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr',
    'sel_enable 0x20 1000 0x0a',
    `mc_add_fru_data 0x20 0 ${fru.length} data ${fru.map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(' ')}`,
    'mc_enable 0x20',
    '',
  ].join('\n'));
  writeFileSync(join(c.dir, 'lan.conf'), [
    `name "${c.name}"`,
    'set_working_mc 0x20',
    '  startlan 1',
    `    addr ${c.address} ${c.port}`,
    '    priv_limit admin',
    '    allowed_auths_callback none md2 md5 straight',
    '    allowed_auths_user md2 md5 straight',
    '    allowed_auths_operator md2 md5 straight',
    '    allowed_auths_admin md2 md5 straight',
    '    guid a123456789abcdefa123456789abcdef',
    '  endlan',
    `  user 2 true  "${c.username}" "${c.password}" admin 10 md2 md5 straight`,
    `  chassis_control "${controlProg} ${c.dir}"`,
    '',
  ].join('\n'), { mode: 0o600 });
  writeFileSync(join(c.dir, 'power'), '0\n');
  if (c.machineArgs) {
    if (c.monitorPort === undefined) throw new Error(`ipmi_sim ${c.name}: a QEMU chassis needs a monitor port`);
    writeFileSync(join(c.dir, 'mon.port'), `${c.monitorPort}\n`);
    const args = ['qemu-system-x86_64', ...c.machineArgs, '-monitor', `tcp:127.0.0.1:${c.monitorPort},server=on,wait=off`];
    writeFileSync(join(c.dir, 'qemu.args'), args.map((a) => `${a}\0`).join(''));
  }
}

/** ipmi_sim's command line for a directory written by writeIpmiSimFiles (-n: no daemon; state under DIR/state). */
export function ipmiSimArgs(dir: string): string[] {
  return ['-n', '-c', join(dir, 'lan.conf'), '-f', join(dir, 'bmc.emu'), '-s', join(dir, 'state')];
}

/**
 * True once something is bound to address:port/udp in the network namespace of `pid` (its /proc/<pid>/net/udp;
 * the caller's own namespace without a pid). No subprocess, so it can be polled.
 */
export function udpBound(address: string, port: number, pid?: number): boolean {
  const hexIp = address.split('.').map((o) => Number(o).toString(16).toUpperCase().padStart(2, '0')).reverse().join('');
  const want = `${hexIp}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const file = pid === undefined ? '/proc/net/udp' : `/proc/${pid}/net/udp`;
  if (!existsSync(file)) return false;
  return readFileSync(file, 'utf8').split('\n').some((l) => l.trim().split(/\s+/)[1] === want);
}

/** The QEMU the chassis program started for this BMC, if it is running (its pid file names the exec'd process). */
export function chassisQemuPid(dir: string): number | undefined {
  const file = join(dir, 'qemu.pid');
  const pid = existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : 0;
  if (!(pid > 0)) return undefined;
  try {
    const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return st.slice(st.lastIndexOf(')') + 2)[0] !== 'Z' ? pid : undefined;
  } catch {
    return undefined;
  }
}
