// Bulk power commands over a noderange (rpower, rsetboot, rinv, rinstall): nodes from the inventory, bounded
// concurrency and per-attempt timeouts from the orchestrator, one result per node as it finishes, one event each.
import { DomainError } from '../domain/errors.ts';
import type { EventSink } from '../domain/events/event-sink.ts';
import type { AttrValue, Page } from '../domain/inventory/types.ts';
import type { Actor } from '../domain/services/actor.ts';
import type { NodeView } from '../domain/services/node-view.ts';
import { BmcSlots } from './bmc-slots.ts';
import type { BootDevice } from './capabilities.ts';
import type { DriverRegistry } from './driver-registry.ts';
import type { PowerAction } from './power-action.ts';
import { powerNodeFromAttrs } from './power-node.ts';
import { streamPowerAction, type PowerNode, type PowerResult } from './power-orchestrator.ts';
import type { SecretBox } from './secret-box.ts';

export type PowerCommand = 'rpower' | 'rsetboot' | 'rinv' | 'rinstall';

/** What the service reads of the inventory: nodes of a range with effective attributes (bad range -> DomainError). */
export interface PowerNodeSource {
  listNodes(q: { range: string; effective: true; offset: number; limit: number }): Promise<Page<NodeView>>;
}

/** rinstall's first step (provisioning's nodeset, all nodes or none): throws a DomainError when refused. */
export interface NodeSetter {
  nodeset(range: string, osimage: string, actor: Actor): Promise<void>;
}

/** The NodeSetter over provisioning's NodesetService (`nodeset <range> osimage=<profile>`, cause "rinstall"). */
export function nodeSetterOf(svc: { nodeset(range: string, target: string, opts: { actor: Actor; cause?: string }): Promise<unknown> }): NodeSetter {
  return { nodeset: async (range, osimage, actor) => void (await svc.nodeset(range, `osimage=${osimage}`, { actor, cause: 'rinstall' })) };
}

export interface BulkPowerDeps {
  nodes: PowerNodeSource;
  drivers: DriverRegistry;
  box: SecretBox;
  events: EventSink;
  /** Nodes handled at once (config power.concurrency). */
  concurrency: number;
  /** Time allowed to one driver attempt on one node (config power.timeoutMs). */
  timeoutMs: number;
  /** Absent: rinstall answers that provisioning is not available. */
  nodeset?: NodeSetter;
}

/** A request: the command, and its action; firmware 'auto' = the node's `firmware` attribute, else UEFI. */
export type BulkRequest =
  | { command: 'rpower'; action: PowerAction }
  | { command: 'rsetboot'; device: BootDevice['device']; persistent: boolean; firmware: BootDevice['firmware'] | 'auto' }
  | { command: 'rinv' }
  | { command: 'rinstall'; osimage: string; firmware: BootDevice['firmware'] | 'auto' };

export interface BulkRun {
  total: number;
  /** One result per node in completion order; ending the loop early cancels the rest. */
  results: AsyncGenerator<PowerResult>;
}

const MAX_NODES = 100_000;
const failed = (node: string, errorCode: PowerResult['errorCode'], error: string): PowerResult => ({ node, ok: false, error, errorCode, attempted: [], ms: 0 });

function firmwareOf(effective: Record<string, AttrValue> | undefined, wanted: BootDevice['firmware'] | 'auto'): BootDevice['firmware'] {
  if (wanted !== 'auto') return wanted;
  return effective?.firmware === 'bios' ? 'bios' : 'uefi';
}

export class BulkPowerService {
  /** Shared by every request: power.concurrency bounds the BMCs in flight across concurrent bulk commands. */
  private readonly slots: BmcSlots;

  constructor(private readonly deps: BulkPowerDeps) {
    this.slots = new BmcSlots(deps.concurrency);
  }

  /**
   * Resolves the range now, and for rinstall sets the boot state of every node (a bad range, an unknown profile:
   * thrown before any result, nothing powered); the BMC work runs as results are read.
   */
  async start(range: string, req: BulkRequest, actor: Actor): Promise<BulkRun> {
    const page = await this.deps.nodes.listNodes({ range, effective: true, offset: 0, limit: MAX_NODES });
    if (req.command === 'rinstall') {
      if (!this.deps.nodeset) throw new DomainError('unavailable', 'rinstall: provisioning (nodeset) is not available on this server');
      await this.deps.nodeset.nodeset(range, req.osimage, actor);
    }
    return { total: page.items.length, results: this.run(page.items, req, actor) };
  }

  private async *run(views: readonly NodeView[], req: BulkRequest, actor: Actor): AsyncGenerator<PowerResult> {
    const early: PowerResult[] = [];
    const nodes: PowerNode[] = [];
    const firmware = new Map<string, BootDevice['firmware']>();
    for (const v of views) {
      const n = powerNodeFromAttrs(v.name, v.effective ?? {}, this.deps.box);
      if (typeof n === 'string') early.push(failed(v.name, 'invalid', n.slice(v.name.length + 2)));
      else nodes.push(n);
      firmware.set(v.name, firmwareOf(v.effective, 'firmware' in req ? req.firmware : 'auto'));
    }
    const actionFor = (node: PowerNode): PowerAction => {
      switch (req.command) {
        case 'rpower':
          return req.action;
        case 'rinv':
          return { op: 'inventory' };
        case 'rsetboot':
          return { op: 'bootdev', boot: { device: req.device, persistent: req.persistent, firmware: firmware.get(node.name)! } };
        case 'rinstall':
          return { op: 'netboot', firmware: firmware.get(node.name)! };
      }
    };
    for (const r of early) yield this.record(r, req, actor);
    const opts = { drivers: this.deps.drivers, concurrency: this.deps.concurrency, timeoutMs: this.deps.timeoutMs, slots: this.slots };
    for await (const r of streamPowerAction(nodes, actionFor, opts)) yield this.record(r, req, actor);
  }

  /** The node's timeline: one event per node and command, with what was tried and how it ended. */
  private record(r: PowerResult, req: BulkRequest, actor: Actor): PowerResult {
    const { command, ...args } = req;
    this.deps.events.emit({
      actor: actor.name,
      node: r.node,
      kind: `power.${command}`,
      details: {
        from: actor.from, ...args, ok: r.ok, attempted: r.attempted, ms: r.ms,
        ...(r.ok ? { result: r.result } : { error: r.error, errorCode: r.errorCode }),
      },
    });
    return r;
  }
}
