// IpmiSession against a minimal in-test RMCP+ responder on loopback UDP: the whole handshake, encrypted commands,
// retransmission after a dropped answer, wrong password, and a BMC going silent. (Interop with real BMC code is
// in test/e2e/power-ipmi.test.ts against OpenIPMI's ipmi_sim and ipmitool.)
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ipmiChecksum } from '../../../codec/ipmi/ipmi-message.ts';
import { deriveKey, rakp2AuthCode, rakp4Icv, sessionIntegrityKey, type RakpContext } from '../../../codec/ipmi/rakp-hmac.ts';
import { decodeV15, encodeV15Unauthenticated } from '../../../codec/ipmi/session-v15.ts';
import { decodeV20, encodeV20, PayloadType, type SessionKeys } from '../../../codec/ipmi/session-v20.ts';
import { PowerError } from '../../power-error.ts';
import { createIpmiDriver } from './ipmi-driver.ts';

const GUID = randomBytes(16);
let sock: Socket;
let port: number;
const bmc = { power: false, silent: false, dropNextCommand: false, commands: [] as string[] };

/** Response message: rqAddr, netFn|1, chk, rsAddr, rqSeq, cmd, cc, data, chk. */
function response(req: Buffer, cc: number, data: number[] = []): Buffer {
  const b = Buffer.from([0x81, (((req[1]! >> 2) + 1) << 2) & 0xff, 0, 0x20, req[4]!, req[5]!, cc, ...data, 0]);
  b[2] = ipmiChecksum(b, 0, 2);
  b[b.length - 1] = ipmiChecksum(b, 3, b.length - 1);
  return b;
}

before(async () => {
  sock = createSocket('udp4');
  let ctx: RakpContext | undefined;
  let keys: SessionKeys | undefined;
  const bmcSessionId = 0x11223344;
  sock.on('message', (m, r) => {
    if (bmc.silent) return;
    const reply = (b: Buffer) => sock.send(b, r.port, r.address);
    if (m[4] === 0x00) {
      const msg = decodeV15(m) as Buffer; // Get Channel Auth Capabilities: IPMI 2.0 extended data, RMCP+ supported
      return reply(encodeV15Unauthenticated(response(msg, 0, [0x01, 0x80, 0x04, 0x02, 0, 0, 0, 0])));
    }
    const p = decodeV20(m, keys);
    if (typeof p === 'string') return;
    const pre = (type: number, payload: Buffer) => reply(encodeV20({ payloadType: type, sessionId: 0, sequence: 0, payload }));
    if (p.payloadType === PayloadType.openSessionRequest) {
      const out = Buffer.concat([Buffer.from([p.payload[0]!, 0, 4, 0]), p.payload.subarray(4, 8), Buffer.alloc(4), p.payload.subarray(8, 32)]);
      out.writeUInt32LE(bmcSessionId, 8);
      keys = undefined;
      ctx = { hash: 'sha1', consoleSessionId: p.payload.readUInt32LE(4), bmcSessionId, consoleRandom: Buffer.alloc(0), bmcRandom: randomBytes(16), bmcGuid: GUID, role: 0, username: Buffer.alloc(0), password: Buffer.from('secret') };
      return pre(PayloadType.openSessionResponse, out);
    }
    if (p.payloadType === PayloadType.rakp1 && ctx) {
      Object.assign(ctx, { consoleRandom: p.payload.subarray(8, 24), role: p.payload[24], username: p.payload.subarray(28, 28 + p.payload[27]!) });
      const head = Buffer.from([p.payload[0]!, 0, 0, 0, 0, 0, 0, 0]);
      head.writeUInt32LE(ctx.consoleSessionId, 4);
      return pre(PayloadType.rakp2, Buffer.concat([head, ctx.bmcRandom, GUID, rakp2AuthCode(ctx)]));
    }
    if (p.payloadType === PayloadType.rakp3 && ctx) {
      if (p.payload[1] !== 0) return; // console reports a failed RAKP 2: no answer
      const sik = sessionIntegrityKey(ctx);
      keys = { k1: deriveKey('sha1', sik, 1), k2: deriveKey('sha1', sik, 2), integrity: 'sha1-96' };
      const head = Buffer.from([p.payload[0]!, 0, 0, 0, 0, 0, 0, 0]);
      head.writeUInt32LE(ctx.consoleSessionId, 4);
      return pre(PayloadType.rakp4, Buffer.concat([head, rakp4Icv(ctx, sik)]));
    }
    if (p.payloadType === PayloadType.ipmi && keys && ctx) {
      const req = p.payload;
      const netFn = req[1]! >> 2;
      const cmd = req[5]!;
      const name = `${netFn.toString(16)}/${cmd.toString(16)}`;
      bmc.commands.push(name);
      if (netFn === 0 && bmc.dropNextCommand) return void (bmc.dropNextCommand = false);
      let out: Buffer;
      if (netFn === 6 && cmd === 0x3b) out = response(req, 0, [4]);
      else if (netFn === 6 && cmd === 0x3c) out = response(req, 0);
      else if (netFn === 0 && cmd === 0x01) out = response(req, 0, [bmc.power ? 1 : 0, 0, 0]);
      else if (netFn === 0 && cmd === 0x02) {
        bmc.power = req[6] === 1 ? true : req[6] === 0 ? false : bmc.power;
        out = response(req, 0);
      } else out = response(req, 0xc1);
      reply(encodeV20({ payloadType: PayloadType.ipmi, sessionId: ctx.consoleSessionId, sequence: p.sequence, payload: out }, keys));
    }
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  port = sock.address().port;
});
after(() => sock.close());

const driver = createIpmiDriver({ retryMs: 150, retries: 2 });
const t = (password = 'secret') => ({ address: '127.0.0.1', port, username: 'admin', password });
const call = () => ({ signal: AbortSignal.timeout(5000) });

describe('IpmiSession vs an in-test RMCP+ responder', () => {
  it('handshake, encrypted commands, privilege raised first and session closed last', async () => {
    bmc.commands.length = 0;
    assert.equal(await driver.powerState!(t(), call()), 'off');
    assert.deepEqual(bmc.commands, ['6/3b', '0/1', '6/3c']);
    await driver.setPower!(t(), 'on', call());
    assert.equal(await driver.powerState!(t(), call()), 'on');
  });

  it('a lost answer is recovered by retransmission', async () => {
    bmc.dropNextCommand = true;
    bmc.commands.length = 0;
    assert.equal(await driver.powerState!(t(), call()), 'on');
    assert.deepEqual(bmc.commands, ['6/3b', '0/1', '0/1', '6/3c']);
  });

  it('wrong password: authentication failed from the RAKP 2 check', async () => {
    await assert.rejects(driver.powerState!(t('nope'), call()), (e: unknown) => e instanceof PowerError && e.code === 'auth' && /^authentication failed/.test(e.message));
  });

  it('a silent BMC: timeout naming the first unanswered step', async () => {
    bmc.silent = true;
    try {
      await assert.rejects(driver.powerState!(t(), call()), (e: unknown) => e instanceof PowerError && e.code === 'timeout' && /Get Channel Authentication Capabilities \(3 tries/.test(e.message));
    } finally {
      bmc.silent = false;
    }
  });
});
