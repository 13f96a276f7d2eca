// Plain-HTTP endpoints that firmware and installers use: the per-node iPXE script, boot assets, iPXE binaries, callbacks.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AttrValue } from '../../domain/inventory/types.ts';
import type { EventSink } from '../../domain/events/event-sink.ts';
import { attributeDecider, type BootDecider, type KernelSpec } from './boot-plan.ts';
import { BAD_MAC, BOOT_SCRIPT_PATH, bootScriptAnswerer, type HttpAnswer } from './boot-script-answer.ts';
import { parseMac } from './boot-query-mac.ts';
import { openInJail } from './file-jail.ts';
import { RootDirectory } from '../../lib/open-in-root.ts';
import { OpenFileCache } from '../../lib/open-file-cache.ts';
import { plainIp } from './mac-ip-guard.ts';
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
  /**
   * The MAC holding an address (our DHCP ACKs, the neighbour table): names the machine on asset events whose path
   * carries no MAC (iPXE binaries fetched by UEFI HTTP boot, shared assets), so they land on the node's timeline.
   */
  macOf?: (ip: string) => string | undefined | Promise<string | undefined>;
  fallback?: KernelSpec;
  nodes: BootNodeLookup;
  /** The boot decision (provisioning state machine); without one, the attribute path (boot.kernel, nextboot). */
  decider?: BootDecider;
  events: EventSink;
}

const send = (reply: FastifyReply, a: HttpAnswer) => reply.code(a.status).headers(a.headers).send(a.body);

function macOrProblem(raw: unknown, reply: FastifyReply): string | undefined {
  const mac = parseMac(raw);
  if (!mac) void send(reply, BAD_MAC);
  return mac;
}

export function bootHttpRoutes(app: FastifyInstance, o: BootHttpOptions): void {
  const decider = o.decider ?? attributeDecider(o.nodes, o.fallback);
  // The MAC-IP guard runs as the app's preHandler hook here (mac-ip-guard.ts); the boot listener's lean path
  // (boot-script-fast-path.ts) answers the same request with the same function, guard included.
  const script = bootScriptAnswerer({ httpBase: o.httpBase, decider, events: o.events });
  app.get<{ Querystring: { mac?: string } }>(BOOT_SCRIPT_PATH, { config: { public: 'boot' } }, async (req, reply) => send(reply, await script({ mac: req.query.mac, ip: req.ip })));

  // Descriptors shared by the requests of a second (lib/open-file-cache.ts): a storm asks for the same few files.
  const assetsDir = o.assetsDir === undefined ? undefined : new OpenFileCache(new RootDirectory(o.assetsDir));
  const ipxeDir = new OpenFileCache(new RootDirectory(o.ipxeDir));
  app.addHook('onClose', async () => {
    assetsDir?.close();
    ipxeDir.close();
  });
  const serveAsset = async (req: FastifyRequest, reply: FastifyReply, root: OpenFileCache | undefined, name: string, mac: string | undefined) => {
    if (!root) return reply.code(404).type('text/plain').send('stage0: no boot.assetsDir configured\n');
    const found = await openInJail(root, name);
    try {
      // Who asked, only for the requests that are recorded (a traversal attempt, a GET): not for HEADs and misses.
      const recorded = found.ok ? req.method === 'GET' : found.reason === 'traversal';
      const who = recorded ? mac ?? (await o.macOf?.(plainIp(req.ip))) : undefined;
      const node = who ? (await o.nodes.byMac(who))?.name ?? null : null;
      if (!found.ok) {
        if (recorded) o.events.emit({ actor: 'boot', node, kind: 'http.refused', details: { path: name, from: req.ip, reason: found.reason } });
        return reply.code(found.reason === 'traversal' ? 403 : 404).type('text/plain').send(`stage0: ${found.reason}: ${name}\n`);
      }
      if (recorded) o.events.emit({ actor: 'boot', node, kind: 'http.asset', details: { path: name, mac: who, from: req.ip, range: req.headers.range } });
    } catch (err) {
      if (found.ok) found.shared.release(); // not handed to sendFile: still ours to give back
      throw err;
    }
    return sendFile(req, reply, found); // gives the shared file back when done
  };

  // GET and HEAD explicitly: firmware (OVMF) sends HEAD first and must see the real Content-Length.
  const GET_HEAD = ['GET', 'HEAD'] as const;
  app.route<{ Params: { '*': string } }>({ config: { public: 'boot' }, method: [...GET_HEAD], url: '/boot/assets/*', handler: (req, reply) => serveAsset(req, reply, assetsDir, req.params['*'], undefined) });
  app.route<{ Params: { mac: string; '*': string } }>({ config: { public: 'boot' },
    method: [...GET_HEAD],
    url: '/boot/m/:mac/assets/*',
    handler: (req, reply) => {
      const mac = macOrProblem(req.params.mac, reply);
      return mac ? serveAsset(req, reply, assetsDir, req.params['*'], mac) : reply;
    },
  });
  app.route<{ Params: { '*': string } }>({ config: { public: 'boot' }, method: [...GET_HEAD], url: '/boot/ipxe/*', handler: (req, reply) => serveAsset(req, reply, ipxeDir, req.params['*'], undefined) });

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
