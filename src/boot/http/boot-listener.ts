// The plain-HTTP listener for firmware and installers (they cannot do our TLS): the same routes as the API app,
// but only the boot ones (under /boot, /boot.ipxe, or marked config.public 'boot'); everything else is a 404 there.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RawRequestHandler } from './boot-script-fast-path.ts';

export interface BootListener {
  /** http://host:port as bound (port 0 resolved). */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface BootGate {
  /**
   * Starts the listener; call after the app is ready (after app.listen). `lean` sees each request first and may
   * answer it without the app (boot-script-fast-path.ts); what it declines goes through the app and its hooks.
   */
  listen(host: string, port: number, lean?: RawRequestHandler): Promise<BootListener>;
}

/** Whether a request may be served on the boot listener: firmware paths and routes that declare themselves public for boot. */
export function isBootRequest(req: Pick<FastifyRequest, 'url' | 'routeOptions'>): boolean {
  const p = req.url.split('?')[0] ?? '';
  if (p === '/boot.ipxe' || p.startsWith('/boot/')) return true;
  return (req.routeOptions.config as { public?: unknown } | undefined)?.public === 'boot';
}

/**
 * Must be called before the app is ready: adds the hook that confines requests that came in through the boot
 * listener. One fastify app serves both listeners (one set of routes, hooks and limits); the raw requests of the
 * boot listener are remembered in a WeakSet, so the gate cannot be fooled by headers.
 */
export function bootGate(app: FastifyInstance): BootGate {
  const viaBoot = new WeakSet<http.IncomingMessage>();
  app.addHook('onRequest', async (req, reply) => {
    if (!viaBoot.has(req.raw)) return;
    if (!isBootRequest(req)) return reply.code(404).type('text/plain').send('stage0: not served on the boot listener\n');
    // Firmware GETs carry no body; one that does is not firmware (and would only cost us memory).
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if ((req.method === 'GET' || req.method === 'HEAD') && hasBody) return reply.code(400).type('text/plain').send('stage0: GET with a body\n');
    return undefined;
  });
  return {
    async listen(host, port, lean) {
      // Timeouts bound slow clients (slowloris); 16 KiB of headers is plenty for firmware.
      const server = http.createServer({ requestTimeout: 60_000, headersTimeout: 15_000, maxHeaderSize: 16 * 1024 }, (req, res) => {
        if (lean?.(req, res)) return;
        viaBoot.add(req);
        app.routing(req, res);
      });
      server.keepAliveTimeout = 10_000;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const bound = (server.address() as AddressInfo).port;
      const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
      return {
        url: `http://${shown}:${bound}`,
        port: bound,
        close: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      };
    },
  };
}
