// stage0 discover ls|show|approve|reject and discover rule add|ls|rm: the queue of machines that booted unknown.
import { InvalidArgumentError, type Command } from 'commander';
import { clientOf, print, printJson } from '../cli-context.ts';
import { formatTable } from '../format-table.ts';
import type { DiscoveryEntry } from '../../domain/discovery/discovery-store.ts';
import type { DiscoveryRule } from '../../domain/discovery/discovery-rules.ts';

type Json = { json?: boolean };

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);
const int = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`${flag} must be a non-negative integer`);
  return n;
};
const id = (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('the id is a positive integer (see discover ls)');
  return n;
};
const gib = (bytes: number) => `${Math.round((bytes / 2 ** 30) * 10) / 10}G`;

function showEntry(e: DiscoveryEntry): string {
  const f = e.facts;
  const rows: [string, unknown][] = [
    ['id', e.id], ['mac', e.mac], ['status', e.status], ['node', e.node ?? ''], ['rule', e.rule ?? ''], ['decided by', e.decidedBy ?? ''],
    ['source ip', e.sourceIp], ['first seen', e.firstSeen], ['last seen', e.lastSeen], ['reports', e.reports],
    ['cpu', `${f.cpu.model} (${f.cpu.sockets} sockets, ${f.cpu.cores} cores, ${f.cpu.threads} threads)`],
    ['cpu flags', f.cpu.flags.join(' ')], ['memory', `${f.memory.totalMiB} MiB (${f.memory.usableMiB} usable)`],
    ...f.disks.map((d, i): [string, unknown] => [`disk ${i}`, `${d.name} ${d.sizeBytes} bytes (${gib(d.sizeBytes)}) model=${d.model} serial=${d.serial}`]),
    ...f.nics.map((n, i): [string, unknown] => [`nic ${i}`, `${n.name} ${n.mac} ${n.driver} ${n.carrier ? 'link' : 'no link'}${n.speedMbps ? ` ${n.speedMbps} Mb/s` : ''}`]),
    ['dmi', `uuid=${f.dmi.uuid} serial=${f.dmi.serial} vendor=${f.dmi.vendor} product=${f.dmi.product}`],
  ];
  return formatTable(['FIELD', 'VALUE'], rows);
}

export function registerDiscoverCommands(program: Command): void {
  const discover = program.command('discover').description('machines that booted without being in the inventory: review, approve, reject; enrollment rules');
  discover.command('ls')
    .option('--status <status>', 'pending, enrolled or rejected')
    .option('--json', 'print JSON')
    .description('list discovered machines, oldest first')
    .action(async (o: Json & { status?: string }, cmd: Command) => {
      const { items } = await clientOf(cmd).get<{ items: DiscoveryEntry[] }>('/discovery', { status: o.status });
      if (o.json) return printJson(items);
      print(formatTable(['ID', 'MAC', 'STATUS', 'NODE', 'CPU', 'CORES', 'MEMORY', 'DISKS', 'SERIAL', 'LAST SEEN'], items.map((e) => [
        e.id, e.mac, e.status, e.node ?? '-', e.facts.cpu.model, e.facts.cpu.cores, `${e.facts.memory.totalMiB}M`,
        e.facts.disks.map((d) => gib(d.sizeBytes)).join(',') || '-', e.facts.dmi.serial || '-', e.lastSeen,
      ])));
    });
  discover.command('show').argument('<id>', 'entry id', id).option('--json', 'print JSON')
    .description('one discovered machine with all its facts')
    .action(async (entry: number, o: Json, cmd: Command) => {
      const e = await clientOf(cmd).get<DiscoveryEntry>(`/discovery/${entry}`);
      o.json ? printJson(e) : print(showEntry(e));
    });
  discover.command('approve').argument('<id>', 'entry id', id).argument('[name]', 'node name or pattern (default node{###})')
    .option('--groups <g1,g2>', 'groups of the new node', list)
    .option('--json', 'print JSON')
    .description('enroll the machine as a node (facts become hw.* attributes)')
    .action(async (entry: number, name: string | undefined, o: Json & { groups?: string[] }, cmd: Command) => {
      const { body } = await clientOf(cmd).request<DiscoveryEntry>('POST', `/discovery/${entry}/approve`, { body: { ...(name && { name }), ...(o.groups && { groups: o.groups }) } });
      o.json ? printJson(body) : print(`enrolled discovery entry ${body.id} (${body.mac}) as node ${body.node}`);
    });
  discover.command('reject').argument('<id>', 'entry id', id).option('--json', 'print JSON')
    .description('ignore the machine (it stays powered off after each report until approved)')
    .action(async (entry: number, o: Json, cmd: Command) => {
      const { body } = await clientOf(cmd).request<DiscoveryEntry>('POST', `/discovery/${entry}/reject`, { body: {} });
      o.json ? printJson(body) : print(`rejected discovery entry ${body.id} (${body.mac})`);
    });

  const rule = discover.command('rule').description('enrollment rules: matching machines become nodes without approval');
  rule.command('add').argument('<name>')
    .option('--priority <n>', 'lower runs first (default 100)', int('--priority'))
    .option('--mac <mac>', 'match this MAC').option('--uuid <uuid>', 'match this DMI system UUID').option('--serial <serial>', 'match this DMI serial')
    .option('--cpu-model <text>', 'match CPU models containing text').option('--vendor <text>', 'match DMI vendors containing text')
    .option('--min-memory <MiB>', 'at least this much memory', int('--min-memory')).option('--max-memory <MiB>', 'at most this much memory', int('--max-memory'))
    .option('--min-cores <n>', 'at least this many cores', int('--min-cores'))
    .option('--name-pattern <pattern>', 'node{###} (next free number), {serial}, {uuid}, {mac}', 'node{###}')
    .option('--groups <g1,g2>', 'groups of enrolled nodes', list)
    .option('--json', 'print JSON')
    .description('add a rule')
    .action(async (name: string, o: Json & Record<string, string | number | string[] | undefined>, cmd: Command) => {
      const match = Object.fromEntries(Object.entries({ mac: o.mac, uuid: o.uuid, serial: o.serial, cpuModel: o.cpuModel, vendor: o.vendor, minMemoryMiB: o.minMemory, maxMemoryMiB: o.maxMemory, minCores: o.minCores }).filter(([, v]) => v !== undefined));
      const { body } = await clientOf(cmd).request<DiscoveryRule>('POST', '/discovery-rules', { body: { name, ...(o.priority !== undefined && { priority: o.priority }), match, namePattern: o.namePattern, ...(o.groups && { groups: o.groups }) } });
      o.json ? printJson(body) : print(`added discovery rule ${body.name}`);
    });
  rule.command('ls').option('--json', 'print JSON').description('list rules by priority')
    .action(async (o: Json, cmd: Command) => {
      const { items } = await clientOf(cmd).get<{ items: DiscoveryRule[] }>('/discovery-rules');
      if (o.json) return printJson(items);
      print(formatTable(['PRIORITY', 'NAME', 'MATCH', 'NAME PATTERN', 'GROUPS'], items.map((r) => [
        r.priority, r.name, Object.entries(r.match).map(([k, v]) => `${k}=${v}`).join(' ') || '(any machine)', r.namePattern, r.groups.join(',') || '-',
      ])));
    });
  rule.command('rm').argument('<name>').description('remove a rule')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      await clientOf(cmd).request('DELETE', `/discovery-rules/${encodeURIComponent(name)}`);
      print(`removed discovery rule ${name}`);
    });
}
