// Plain-HTTP endpoints that firmware and installers use: the per-node iPXE script, boot assets, iPXE binaries, callbacks.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AttrValue } from '../../domain/inventory/types.ts';
import type { EventSink } from '../../domain/events/event-sink.ts';
import { attributeDecider, type BootDecider, type KernelSpec } from './boot-plan.ts';
import { renderIpxeScript } from './ipxe-script.ts';
import { resolveInJail } from './file-jail.ts';
import { sendFile } from './send-file.ts';

export interface BootNode {
  name: string;
  effective: Readonly<Record<string, AttrValue>>;
}

/** What the boot endpoints need to know about machines: the handler owns this small interface. */
export interface BootNodeLookup {
  byMac(mac: string): Promise<BootNode | undefined>;
}

export interface BootHttpOptions {
  httpBase: string;
  assetsDir?: string;
  ipxeDir: string;
  fallback?: KernelSpec;
  nodes: BootNodeLookup;
  /** The boot decision (provisioning state machine); without one, the attribute path (boot.kernel, nextboot). */
  decider?: BootDecider;
  events: EventSink;
}

const MAC = /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i;
const normMac = (m: string) => m.toLowerCase().replace(/-/g, ':');

function macOrProblem(raw: unknown, reply: FastifyReply): string | undefined {
  if (typeof raw === 'string' && MAC.test(raw)) return normMac(raw);
  void reply.code(400).type('text/plain').send('stage0: a valid mac is required, e.g. ?mac=52:54:00:12:34:56\n');
  return undefined;
}

export function bootHttpRoutes(app: FastifyInstance, o: BootHttpOptions): void {
  const decider = o.decider ?? attributeDecider(o.nodes, o.fallback);
  app.get<{ Querystring: { mac?: string } }>('/boot.ipxe', { config: { public: 'boot' } }, async (req, reply) => {
    const mac = macOrProblem(req.query.mac, reply);
    if (!mac) return reply;
    const { node, plan } = await decider.decide(mac, 'ipxe');
    o.events.emit({ actor: 'boot', node: node ?? null, kind: 'http.boot-script', details: { mac, plan: plan.kind, reason: plan.reason, from: req.ip } });
    return reply.type('text/plain').header('cache-control', 'no-store').send(renderIpxeScript(plan, { httpBase: o.httpBase, mac, ...(node && { node }) }));
  });

  const serveAsset = async (req: FastifyRequest, reply: FastifyReply, root: string | undefined, name: string, mac: string | undefined) => {
    if (!root) return reply.code(404).type('text/plain').send('stage0: no boot.assetsDir configured\n');
    const found = await resolveInJail(root, name);
    const node = mac ? await o.nodes.byMac(mac) : undefined;
    if (!found.ok) {
      if (found.reason === 'traversal') o.events.emit({ actor: 'boot', node: node?.name ?? null, kind: 'http.refused', details: { path: name, from: req.ip, reason: found.reason } });
      return reply.code(found.reason === 'traversal' ? 403 : 404).type('text/plain').send(`stage0: ${found.reason}: ${name}\n`);
    }
    if (req.method === 'GET') o.events.emit({ actor: 'boot', node: node?.name ?? null, kind: 'http.asset', details: { path: name, mac, from: req.ip, range: req.headers.range } });
    return sendFile(req, reply, found);
  };

  // GET and HEAD explicitly: firmware (OVMF) sends HEAD first and must see the real Content-Length.
  const GET_HEAD = ['GET', 'HEAD'] as const;
  app.route<{ Params: { '*': string } }>({ config: { public: 'boot' }, method: [...GET_HEAD], url: '/boot/assets/*', handler: (req, reply) => serveAsset(req, reply, o.assetsDir, req.params['*'], undefined) });
  app.route<{ Params: { mac: string; '*': string } }>({ config: { public: 'boot' },
    method: [...GET_HEAD],
    url: '/boot/m/:mac/assets/*',
    handler: (req, reply) => {
      const mac = macOrProblem(req.params.mac, reply);
      return mac ? serveAsset(req, reply, o.assetsDir, req.params['*'], mac) : reply;
    },
  });
  app.route<{ Params: { '*': string } }>({ config: { public: 'boot' }, method: [...GET_HEAD], url: '/boot/ipxe/*', handler: (req, reply) => serveAsset(req, reply, o.ipxeDir, req.params['*'], undefined) });

  const callback = async (req: FastifyRequest<{ Querystring: { mac?: string; status?: string } }>, reply: FastifyReply) => {
    const mac = macOrProblem(req.query.mac, reply);
    if (!mac) return reply;
    const status = typeof req.query.status === 'string' && /^[\w.-]{1,64}$/.test(req.query.status) ? req.query.status : 'unknown';
    const node = await o.nodes.byMac(mac);
    o.events.emit({ actor: 'boot', node: node?.name ?? null, kind: 'boot.callback', details: { mac, status, from: req.ip } });
    return reply.type('text/plain').send(`ok ${node?.name ?? 'unknown'} ${status}\n`);
  };
  app.get('/boot/callback', { config: { public: 'boot' } }, callback);
  app.post('/boot/callback', { config: { public: 'boot' } }, callback);
}
