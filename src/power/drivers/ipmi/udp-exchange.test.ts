// UdpExchange on real loopback sockets: retransmission, matching, timeout, refused port, abort.
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { PowerError } from '../../power-error.ts';
import { UdpExchange } from './udp-exchange.ts';

/** A responder that ignores the first `drop` datagrams of each payload, then answers "noise" and "ok:<payload>". */
let server: Socket;
let port: number;
const seen: string[] = [];
before(async () => {
  server = createSocket('udp4');
  const counts = new Map<string, number>();
  server.on('message', (m, r) => {
    const text = m.toString();
    seen.push(text);
    const n = (counts.get(text) ?? 0) + 1;
    counts.set(text, n);
    const drop = Number(text.split(':')[0]);
    if (n <= drop) return;
    server.send('noise', r.port, r.address);
    server.send(`ok:${text}`, r.port, r.address);
  });
  await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
  port = server.address().port;
});
after(() => server.close());

const okOf = (m: Buffer) => (m.toString().startsWith('ok:') ? m.toString() : undefined);
const isCode = (code: string, re: RegExp) => (e: unknown) => e instanceof PowerError && e.code === code && re.test(e.message);

describe('UdpExchange', () => {
  it('skips datagrams the matcher rejects and resolves with the first accepted one', async () => {
    const x = await UdpExchange.connect('127.0.0.1', port, AbortSignal.timeout(5000));
    assert.equal(await x.exchange(Buffer.from('0:a'), okOf, { retryMs: 200, retries: 0 }, 'a'), 'ok:0:a');
    x.close();
  });

  it('retransmits the same datagram until answered', async () => {
    const x = await UdpExchange.connect('127.0.0.1', port, AbortSignal.timeout(5000));
    const t0 = Date.now();
    assert.equal(await x.exchange(Buffer.from('2:b'), okOf, { retryMs: 100, retries: 3 }, 'b'), 'ok:2:b');
    assert.ok(Date.now() - t0 >= 190, 'two silent rounds first');
    assert.equal(seen.filter((s) => s === '2:b').length, 3);
    x.close();
  });

  it('gives up after retries with a timeout naming the step', async () => {
    const x = await UdpExchange.connect('127.0.0.1', port, AbortSignal.timeout(5000));
    await assert.rejects(x.exchange(Buffer.from('9:c'), okOf, { retryMs: 50, retries: 2 }, 'Get Chassis Status'), isCode('timeout', /to Get Chassis Status \(3 tries, 50 ms apart\)/));
    x.close();
  });

  it('a closed port is "connection refused" (ICMP on a connected socket)', async () => {
    const probe = createSocket('udp4');
    await new Promise<void>((r) => probe.bind(0, '127.0.0.1', r));
    const closed = probe.address().port;
    probe.close();
    const x = await UdpExchange.connect('127.0.0.1', closed, AbortSignal.timeout(5000));
    await assert.rejects(x.exchange(Buffer.from('0:d'), okOf, { retryMs: 1000, retries: 3 }, 'd'), isCode('unreachable', /connection refused/));
  });

  it('an abort rejects the pending exchange at once with the abort reason', async () => {
    const ac = new AbortController();
    const x = await UdpExchange.connect('127.0.0.1', port, ac.signal);
    setTimeout(() => ac.abort(new PowerError('timeout', 'no answer within 80 ms')), 80);
    const t0 = Date.now();
    await assert.rejects(x.exchange(Buffer.from('9:e'), okOf, { retryMs: 1000, retries: 5 }, 'e'), isCode('timeout', /within 80 ms/));
    assert.ok(Date.now() - t0 < 500);
    await assert.rejects(x.exchange(Buffer.from('0:f'), okOf, { retryMs: 10, retries: 0 }, 'f'), /within 80 ms/, 'closed for good');
  });
});
