// rpower, rsetboot, rinv, rinstall: bulk BMC commands; one line per node as results stream in, a progress bar on a
// terminal (stderr), --json for one JSON object per node, exit 1 naming the nodes that failed.
import { Argument, type Command } from 'commander';
import { CliError } from '../api-client.ts';
import { clientOf } from '../cli-context.ts';

interface NodeResult {
  node: string;
  ok: boolean;
  result?: unknown;
  error?: string;
  errorCode?: string;
  attempted: string[];
  ms: number;
}

/** The text after "node: " for a result. */
export function describeResult(command: string, r: NodeResult): string {
  if (!r.ok) return `error${r.errorCode ? ` (${r.errorCode})` : ''}: ${r.error ?? 'failed'}`;
  const v = r.result;
  if (command === 'rinv' && v && typeof v === 'object') {
    const i = v as { vendor?: string; model?: string; serial?: string };
    return `vendor=${i.vendor || '-'} model=${i.model || '-'} serial=${i.serial || '-'}`;
  }
  if (command === 'rsetboot' && v && typeof v === 'object') {
    const b = v as { device: string; persistent: boolean; firmware: string };
    return `${b.device === 'network' ? 'net' : 'hd'} (${b.persistent ? 'persistent' : 'next boot only'}, ${b.firmware})`;
  }
  if (command === 'rinstall') return 'nodeset done, network boot once, power cycled';
  return String(v);
}

/** A one-line bar redrawn on stderr; cleared before each stdout line so both read well on one terminal. */
function progressBar(enabled: boolean) {
  let total = 0;
  let done = 0;
  let failed = 0;
  const draw = () => {
    if (!enabled || total === 0) return;
    const width = 30;
    const filled = Math.round((done / total) * width);
    process.stderr.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}${failed ? ` ${failed} failed` : ''}\x1b[K`);
  };
  return {
    start(n: number) {
      total = n;
      draw();
    },
    line(text: string, ok: boolean) {
      done++;
      if (!ok) failed++;
      if (enabled) process.stderr.write('\r\x1b[K');
      process.stdout.write(`${text}\n`);
      draw();
    },
    end() {
      if (enabled && total) process.stderr.write('\r\x1b[K');
    },
  };
}

async function runBulk(cmd: Command, command: string, body: Record<string, unknown>, json: boolean): Promise<void> {
  const bar = progressBar(!json && process.stderr.isTTY === true);
  const failed: string[] = [];
  let total = 0;
  try {
    for await (const line of clientOf(cmd).lines('POST', `/power/${command}`, body)) {
      const l = line as Partial<NodeResult> & { total?: number; done?: boolean };
      if (typeof l.node === 'string') {
        const r = l as NodeResult;
        if (!r.ok) failed.push(r.node);
        bar.line(json ? JSON.stringify(r) : `${r.node}: ${describeResult(command, r)}`, r.ok);
      } else if (!l.done && typeof l.total === 'number') {
        total = l.total;
        bar.start(total);
      }
    }
  } finally {
    bar.end();
  }
  if (failed.length) {
    const shown = failed.length > 50 ? `${failed.slice(0, 50).join(',')},… (${failed.length - 50} more)` : failed.join(',');
    throw new CliError(`${command}: ${failed.length} of ${total} nodes failed: ${shown}`, 1);
  }
}

export function registerPowerCommands(program: Command): void {
  program
    .command('rpower')
    .description('power on, off, softoff, cycle, reset or query (stat) the nodes of a noderange through their BMCs')
    .argument('<noderange>')
    .addArgument(new Argument('<state>').choices(['on', 'off', 'softoff', 'cycle', 'reset', 'stat']))
    .option('--json', 'one JSON object per node')
    .action((noderange: string, state: string, o: { json?: boolean }, cmd: Command) => runBulk(cmd, 'rpower', { noderange, state }, o.json === true));

  program
    .command('rsetboot')
    .description('next boot device of the nodes of a noderange: net or hd, next boot only unless --persistent')
    .argument('<noderange>')
    .addArgument(new Argument('<device>').choices(['net', 'hd']))
    .option('--persistent', 'every boot, not only the next one')
    .option('--uefi', 'UEFI boot (default: the node\'s firmware attribute, else UEFI)')
    .option('--bios', 'legacy BIOS boot')
    .option('--json', 'one JSON object per node')
    .action((noderange: string, device: string, o: { persistent?: boolean; uefi?: boolean; bios?: boolean; json?: boolean }, cmd: Command) => {
      if (o.uefi && o.bios) throw new CliError('rsetboot: --uefi and --bios exclude each other', 2);
      const firmware = o.uefi ? 'uefi' : o.bios ? 'bios' : undefined;
      return runBulk(cmd, 'rsetboot', { noderange, device, ...(o.persistent && { persistent: true }), ...(firmware && { firmware }) }, o.json === true);
    });

  program
    .command('rinv')
    .description('inventory (vendor, model, serial) of the nodes of a noderange, from their BMCs')
    .argument('<noderange>')
    .option('--json', 'one JSON object per node')
    .action((noderange: string, o: { json?: boolean }, cmd: Command) => runBulk(cmd, 'rinv', { noderange }, o.json === true));

  program
    .command('rinstall')
    .description('provision the nodes of a noderange: nodeset osimage=<profile>, next boot from the network, power cycle (on if off)')
    .argument('<noderange>')
    .argument('<osimage>', 'osimage=<profile>')
    .option('--uefi', 'network boot in UEFI mode')
    .option('--bios', 'network boot in legacy BIOS mode')
    .option('--json', 'one JSON object per node')
    .action((noderange: string, assignment: string, o: { uefi?: boolean; bios?: boolean; json?: boolean }, cmd: Command) => {
      const m = /^osimage=(.+)$/.exec(assignment);
      if (!m) throw new CliError(`rinstall: expected osimage=<profile>, got '${assignment}'`, 2);
      if (o.uefi && o.bios) throw new CliError('rinstall: --uefi and --bios exclude each other', 2);
      const firmware = o.uefi ? 'uefi' : o.bios ? 'bios' : undefined;
      return runBulk(cmd, 'rinstall', { noderange, osimage: m[1], ...(firmware && { firmware }) }, o.json === true);
    });
}
