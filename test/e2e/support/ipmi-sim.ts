// Test support: N real OpenIPMI `ipmi_sim` BMCs on 127.0.0.1 (VM-less, "chassis" mode: power/boot kept in files),
// plus an ipmitool wrapper for cross-checks. Recipe and pitfalls: shared/lab/IPMI.md.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SIM_USER = 'admin';
export const SIM_PASS = 'labpass';

/** Fails (never skips) with an install hint when a program is missing. */
export function requireIpmiTools(): void {
  for (const [cmd, pkg] of [['ipmi_sim', 'openipmi'], ['ipmitool', 'ipmitool']] as const) {
    if (spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0) {
      throw new Error(`${cmd} is missing: apt-get install -y --no-install-recommends ${pkg} (or run scripts/install-test-deps.sh)`);
    }
  }
}

/**
 * ipmi_sim runs this (popen, blocking) as `PROG DIR get power|boot` / `PROG DIR set power 1|0 | reset 1 | boot pxe | shutdown 1`.
 * VM-less (default): power, boot device and reset count live in files under DIR. With DIR/qemu.args the chassis is
 * a QEMU VM: power on starts it (PXE first when bootdev is pxe), off kills it, reset goes over the HMP monitor.
 * It must stay fast (ipmi_sim blocks meanwhile) and must not leave a child holding the popen pipe.
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
    local -a a; read -r -a a < "$args"
    [[ $(cat "$dir/boot") == pxe ]] && a+=(-boot order=n) || a+=(-boot order=cn)
    # close inherited fds (ipmi_sim's sockets, the popen pipe) before exec, or popen never sees EOF
    ( for fd in /proc/$BASHPID/fd/*; do fd=\${fd##*/}; ((fd > 2)) && eval "exec $fd>&-"; done 2>/dev/null
      exec setsid "\${a[@]}" </dev/null >>"$dir/qemu.log" 2>&1 ) &
    echo $! > "$pidf"
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
  const area = (fixed: number[], fields: string[]) => {
    const a = [...fixed];
    for (const f of fields) a.push(0xc0 | f.length, ...Buffer.from(f, 'latin1'));
    a.push(0xc1);
    while ((a.length + 1) % 8) a.push(0);
    a[1] = (a.length + 1) / 8;
    a.push((0x100 - (a.reduce((s, x) => s + x, 0) & 0xff)) & 0xff);
    return a;
  };
  const board = area([0x01, 0, 0x19, 0, 0, 0], ['OpenIPMI-Lab', 'SimBoard', serial, 'SB-0001', '']);
  const product = area([0x01, 0, 0x19], ['OpenIPMI-Lab', 'SimNode', 'SN-1', '1.0', serial, `ASSET-${serial}`, '']);
  const h = [0x01, 0, 0, 0x01, 1 + board.length / 8, 0, 0];
  h.push((0x100 - (h.reduce((s, x) => s + x, 0) & 0xff)) & 0xff);
  return [...h, ...board, ...product];
}

export interface SimBmc {
  name: string;
  port: number;
  dir: string;
  serial: string;
  child: ChildProcess;
  /** Chassis state as the chassis_control script keeps it. */
  state(): { power: 'on' | 'off'; boot: string; resets: number; soft: boolean };
  setPower(on: boolean): void;
  /** SIGSTOP: the BMC keeps its UDP port but stops answering. */
  pause(): void;
  resume(): void;
  /** VM BMCs only: the running QEMU (undefined when off), its command line, SeaBIOS banners so far. */
  qemuPid(): number | undefined;
  qemuCmdline(): string[];
  boots(): number;
}

export interface SimFarm {
  dir: string;
  bmcs: SimBmc[];
  stop(): Promise<void>;
}

/** A UDP port free right now on 127.0.0.1 (bind to 0, read it, release). */
async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** True once something is bound to 127.0.0.1:port/udp (read from /proc/net/udp, no subprocess). */
function udpBound(port: number): boolean {
  const want = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return readFileSync('/proc/net/udp', 'utf8').split('\n').some((l) => l.trim().split(/\s+/)[1] === want);
}

function writeConfig(dir: string, name: string, port: number, serial: string, controlProg: string): void {
  mkdirSync(join(dir, 'state'), { recursive: true });
  const fru = fruImage(serial);
  writeFileSync(join(dir, 'bmc.emu'), [
    'mc_setbmc 0x20',
    'mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr',
    'sel_enable 0x20 1000 0x0a',
    `mc_add_fru_data 0x20 0 ${fru.length} data ${fru.map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(' ')}`,
    'mc_enable 0x20',
    '',
  ].join('\n'));
  writeFileSync(join(dir, 'lan.conf'), [
    `name "${name}"`,
    'set_working_mc 0x20',
    '  startlan 1',
    `    addr 127.0.0.1 ${port}`,
    '    priv_limit admin',
    '    allowed_auths_callback none md2 md5 straight',
    '    allowed_auths_user md2 md5 straight',
    '    allowed_auths_operator md2 md5 straight',
    '    allowed_auths_admin md2 md5 straight',
    '    guid a123456789abcdefa123456789abcdef',
    '  endlan',
    `  user 2 true  "${SIM_USER}" "${SIM_PASS}" admin 10 md2 md5 straight`,
    `  chassis_control "${controlProg} ${dir}"`,
    '',
  ].join('\n'));
  writeFileSync(join(dir, 'power'), '0\n');
}

const pidAlive = (pid: number) => {
  try {
    const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return st.slice(st.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
};

/** A free TCP port on 127.0.0.1 for a QEMU monitor. */
async function freeTcpPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/**
 * Starts `count` ipmi_sim BMCs, each on its own free UDP port; resolves once all answer on their port.
 * With `vm: true` the first BMC's chassis is a lean QEMU VM (64 MiB, TCG, no disk, no NIC).
 */
export async function startIpmiSims(count: number, prefix = 'bmc', opts: { vm?: boolean } = {}): Promise<SimFarm> {
  requireIpmiTools();
  const root = mkdtempSync(join(tmpdir(), 's0t-ipmi-'));
  const prog = join(root, 'chassis-control');
  writeFileSync(prog, CHASSIS_CONTROL);
  chmodSync(prog, 0o755);
  const bmcs: SimBmc[] = [];
  const farm: SimFarm = {
    dir: root,
    bmcs,
    async stop() {
      // QEMU first: an ipmi_sim killed before its VM leaves the VM running (IPMI.md).
      for (const b of bmcs) {
        const pid = b.qemuPid();
        if (pid) process.kill(pid, 'SIGKILL');
      }
      for (const b of bmcs) {
        try {
          process.kill(b.child.pid!, 'SIGKILL'); // also ends a SIGSTOPped one
        } catch {
          /* gone */
        }
      }
      await Promise.all(bmcs.map((b) => (b.child.exitCode !== null || b.child.signalCode !== null ? undefined : new Promise((r) => b.child.once('exit', r)))));
      rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    for (let i = 1; i <= count; i++) {
      const name = `${prefix}${String(i).padStart(2, '0')}`;
      const dir = join(root, name);
      const port = await freeUdpPort();
      const serial = `LAB-${prefix.toUpperCase()}-${String(i).padStart(4, '0')}`;
      writeConfig(dir, name, port, serial, prog);
      if (opts.vm && i === 1) {
        const mon = await freeTcpPort();
        writeFileSync(join(dir, 'mon.port'), `${mon}\n`);
        writeFileSync(join(dir, 'qemu.args'), ['qemu-system-x86_64', '-name', `s0t-ipmi-vm-${process.pid}`, '-machine', 'pc,accel=tcg', '-m', '64', '-nodefaults',
          '-display', 'none', '-debugcon', `file:${join(dir, 'debugcon.log')}`, '-global', 'isa-debugcon.iobase=0x402',
          '-monitor', `tcp:127.0.0.1:${mon},server=on,wait=off`].join(' ') + '\n');
      }
      const child = spawn('ipmi_sim', ['-n', '-c', join(dir, 'lan.conf'), '-f', join(dir, 'bmc.emu'), '-s', join(dir, 'state')], { stdio: 'ignore' });
      child.on('error', () => {});
      const read = (f: string, d: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8').trim() : d);
      bmcs.push({
        name, port, dir, serial, child,
        state: () => ({ power: read('power', '0') === '1' ? 'on' : 'off', boot: read('boot', 'default'), resets: Number(read('resets', '0')), soft: read('soft', '0') === '1' }),
        setPower: (on) => writeFileSync(join(dir, 'power'), on ? '1\n' : '0\n'),
        pause: () => process.kill(child.pid!, 'SIGSTOP'),
        resume: () => process.kill(child.pid!, 'SIGCONT'),
        qemuPid: () => {
          const pid = Number(read('qemu.pid', '0'));
          return pid > 0 && pidAlive(pid) ? pid : undefined;
        },
        qemuCmdline() {
          const pid = this.qemuPid();
          return pid ? readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean) : [];
        },
        boots: () => read('debugcon.log', '').split('SeaBIOS (version').length - 1,
      });
    }
    const deadline = Date.now() + 10_000;
    for (const b of bmcs) {
      while (!udpBound(b.port)) {
        if (b.child.exitCode !== null || Date.now() > deadline) throw new Error(`ipmi_sim ${b.name} did not bind 127.0.0.1:${b.port}/udp`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    return farm;
  } catch (e) {
    await farm.stop();
    throw e;
  }
}

/** Runs Debian's ipmitool (lanplus, cipher suite 3, as IPMI.md advises) against a simulated BMC. */
export function ipmitool(b: { port: number }, args: string[], password = SIM_PASS): { rc: number; out: string } {
  try {
    const out = execFileSync('ipmitool', ['-I', 'lanplus', '-C', '3', '-N', '1', '-R', '2', '-H', '127.0.0.1', '-p', String(b.port), '-U', SIM_USER, '-P', password, ...args], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000,
    });
    return { rc: 0, out: out.trim() };
  } catch (e) {
    const x = e as { status?: number; stdout?: string; stderr?: string };
    return { rc: x.status ?? 1, out: `${x.stdout ?? ''}${x.stderr ?? ''}`.trim() };
  }
}
