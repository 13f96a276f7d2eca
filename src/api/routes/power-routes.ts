// /api/v1/power/{rpower,rsetboot,rinv,rinstall}: bulk BMC commands over a noderange; with Accept: application/x-ndjson
// the answer streams one JSON line per node as each finishes ({"total":N} first, a summary line last).
import { Readable } from 'node:stream';
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BulkPowerService, BulkRequest, PowerCommand } from '../../power/bulk-power-service.ts';
import type { PowerAction } from '../../power/power-action.ts';
import type { PowerResult } from '../../power/power-orchestrator.ts';
import { actorOf } from '../actor.ts';
import { problemResponses } from '../schemas.ts';

const Noderange = Type.String({ minLength: 1, maxLength: 65536, description: 'xCAT noderange, e.g. compute,-n03' });
const Firmware = Type.Union([Type.Literal('uefi'), Type.Literal('bios')], { description: "boot firmware; default: the node's firmware attribute, else uefi" });
const Result = Type.Object({ node: Type.String(), ok: Type.Boolean(), result: Type.Optional(Type.Unknown()), error: Type.Optional(Type.String()), errorCode: Type.Optional(Type.String()), attempted: Type.Array(Type.String()), ms: Type.Number() });
const Answer = Type.Object({ total: Type.Integer(), items: Type.Array(Result), failed: Type.Array(Type.String()) });

/** rpower states as xCAT spells them -> orchestrator actions. */
const RPOWER: Record<string, PowerAction> = { on: { op: 'on' }, off: { op: 'off' }, softoff: { op: 'soft' }, cycle: { op: 'cycle' }, reset: { op: 'reset' }, stat: { op: 'status' } };

type Body = { noderange: string; state?: string; device?: 'net' | 'hd'; persistent?: boolean; firmware?: 'uefi' | 'bios'; osimage?: string };

const summaryOf = (results: PowerResult[]) => ({ ok: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).map((r) => r.node) });

async function answer(power: BulkPowerService, command: PowerCommand, req: FastifyRequest<{ Body: Body }>, reply: FastifyReply, request: BulkRequest) {
  const run = await power.start(req.body.noderange, request, actorOf(req));
  if (!String(req.headers.accept ?? '').includes('application/x-ndjson')) {
    const items: PowerResult[] = [];
    for await (const r of run.results) items.push(r);
    return { total: run.total, items, failed: summaryOf(items).failed };
  }
  async function* lines(): AsyncGenerator<string> {
    const seen: PowerResult[] = [];
    yield `${JSON.stringify({ command, total: run.total })}\n`;
    for await (const r of run.results) {
      seen.push(r);
      yield `${JSON.stringify(r)}\n`;
    }
    yield `${JSON.stringify({ done: true, total: run.total, ...summaryOf(seen) })}\n`;
  }
  // A client that goes away destroys the stream, which returns the generator and cancels the nodes still running.
  return reply.type('application/x-ndjson; charset=utf-8').header('cache-control', 'no-store').send(Readable.from(lines()));
}

function route(app: FastifyInstance, power: BulkPowerService, command: PowerCommand, summary: string, props: Record<string, TSchema>, toRequest: (b: Body) => BulkRequest): void {
  app.post<{ Body: Body }>(
    `/power/${command}`,
    {
      config: { command, noderange: (req: FastifyRequest) => (req.body as Body).noderange },
      schema: {
        summary,
        tags: ['power'],
        body: Type.Object({ noderange: Noderange, ...props }, { additionalProperties: false }),
        response: { 200: Answer, ...problemResponses },
      },
    },
    (req, reply) => answer(power, command, req, reply, toRequest(req.body)),
  );
}

export function powerRoutes(app: FastifyInstance, power: BulkPowerService): void {
  route(app, power, 'rpower', 'Power on, off, soft off, cycle, reset or query every node of a noderange through its BMC',
    { state: Type.Union(Object.keys(RPOWER).map((s) => Type.Literal(s))) }, (b) => ({ command: 'rpower', action: RPOWER[b.state!]! }));
  route(app, power, 'rsetboot', 'Next boot device (network or disk; once unless persistent) of every node of a noderange',
    { device: Type.Union([Type.Literal('net'), Type.Literal('hd')]), persistent: Type.Optional(Type.Boolean()), firmware: Type.Optional(Firmware) },
    (b) => ({ command: 'rsetboot', device: b.device === 'net' ? 'network' : 'disk', persistent: b.persistent ?? false, firmware: b.firmware ?? 'auto' }));
  route(app, power, 'rinv', 'Inventory (vendor, model, serial) of every node of a noderange, from its BMC', {}, () => ({ command: 'rinv' }));
  route(app, power, 'rinstall', 'Provision: nodeset osimage, next boot from the network once, power cycle (on if off)',
    { osimage: Type.String({ minLength: 1, maxLength: 128 }), firmware: Type.Optional(Firmware) },
    (b) => ({ command: 'rinstall', osimage: b.osimage!, firmware: b.firmware ?? 'auto' }));
}
