// What the service answers to each kind of request, before any transfer starts.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decodeTftpPacket } from '../../codec/tftp/tftp-packet.ts';
import { Opcode } from '../../codec/tftp/tftp-constants.ts';
import type { TftpRequest } from '../../codec/tftp/request-packet.ts';
import { decideRequest } from './tftp-request-handler.ts';
import { memoryFile, TftpAccessDenied, type TftpFileSource } from './tftp-file-source.ts';

const source: TftpFileSource = {
  async open(path) {
    if (path === 'boom') throw new Error('EIO');
    if (path === 'secret') throw new TftpAccessDenied('outside the root');
    return path === 'ipxe.efi' ? memoryFile(Buffer.alloc(3000)) : undefined;
  },
};
const client = { address: '192.0.2.1', port: 1000 };
const rrq = (filename: string, o: Partial<TftpRequest> = {}): TftpRequest => ({ opcode: Opcode.RRQ, filename, mode: 'octet', options: new Map(), ...o });

const rejects: [string, TftpRequest, string, number][] = [
  ['WRQ: read-only server', rrq('ipxe.efi', { opcode: Opcode.WRQ }), 'refused', 2],
  ['mail mode', rrq('ipxe.efi', { mode: 'mail' }), 'refused', 4],
  ['source refuses', rrq('secret'), 'refused', 2],
  ['missing file', rrq('nope'), 'not-found', 1],
  ['source error', rrq('boom'), 'failed', 0],
];
for (const [name, req, outcome, code] of rejects) {
  it(`rejects: ${name} -> ${outcome}, ERROR ${code}`, async () => {
    const d = await decideRequest(req, client, source);
    assert.equal(d.kind, 'reject');
    if (d.kind !== 'reject') return;
    assert.equal(d.outcome, outcome);
    const err = decodeTftpPacket(d.reply);
    assert.equal(err.opcode === Opcode.ERROR && err.code, code);
  });
}

it('netascii is served like octet, with negotiated options', async () => {
  const d = await decideRequest(rrq('ipxe.efi', { mode: 'netascii', options: new Map([['tsize', '0'], ['blksize', '9000']]) }), client, source, { maxBlksize: 1468 });
  assert.equal(d.kind, 'transfer');
  if (d.kind !== 'transfer') return;
  assert.equal(d.file.size, 3000);
  assert.deepEqual([...(d.negotiated.oack ?? [])], [['blksize', '1468'], ['tsize', '3000']]);
});
