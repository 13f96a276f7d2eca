// Option negotiation: which options appear in the OACK, and how values are clamped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { negotiateOptions, type NegotiationLimits } from './tftp-option-negotiation.ts';

const cases: [string, [string, string][], NegotiationLimits, { blksize: number; windowsize: number; timeoutMs: number; oack: [string, string][] | undefined }][] = [
  ['no options: plain RFC 1350, no OACK', [], {}, { blksize: 512, windowsize: 1, timeoutMs: 1000, oack: undefined }],
  ['only unknown options: no OACK', [['multicast', ''], ['rollover', '0']], {}, { blksize: 512, windowsize: 1, timeoutMs: 1000, oack: undefined }],
  ['OVMF-style tsize probe answers the size', [['tsize', '0']], {}, { blksize: 512, windowsize: 1, timeoutMs: 1000, oack: [['tsize', '4242']] }],
  ['blksize 65464 clamped to the default max 1468', [['blksize', '65464']], {}, { blksize: 1468, windowsize: 1, timeoutMs: 1000, oack: [['blksize', '1468']] }],
  ['blksize below the cap is kept', [['blksize', '1024']], {}, { blksize: 1024, windowsize: 1, timeoutMs: 1000, oack: [['blksize', '1024']] }],
  ['blksize clamped to the MTU', [['blksize', '8192']], { maxBlksize: 9000, mtu: 1400 }, { blksize: 1368, windowsize: 1, timeoutMs: 1000, oack: [['blksize', '1368']] }],
  ['IPv6 MTU leaves 20 bytes less', [['blksize', '8192']], { maxBlksize: 9000, mtu: 1500, ipv6: true }, { blksize: 1448, windowsize: 1, timeoutMs: 1000, oack: [['blksize', '1448']] }],
  ['jumbo frames with a raised max', [['blksize', '8192']], { maxBlksize: 8192, mtu: 9000 }, { blksize: 8192, windowsize: 1, timeoutMs: 1000, oack: [['blksize', '8192']] }],
  ['blksize out of range (7) is left out', [['blksize', '7'], ['tsize', '0']], {}, { blksize: 512, windowsize: 1, timeoutMs: 1000, oack: [['tsize', '4242']] }],
  ['timeout is the initial retransmission timeout', [['timeout', '6']], {}, { blksize: 512, windowsize: 1, timeoutMs: 6000, oack: [['timeout', '6']] }],
  ['timeout 0 is invalid and ignored', [['timeout', '0']], {}, { blksize: 512, windowsize: 1, timeoutMs: 1000, oack: undefined }],
  ['windowsize clamped to the max', [['windowsize', '1000']], { maxWindowsize: 32 }, { blksize: 512, windowsize: 32, timeoutMs: 1000, oack: [['windowsize', '32']] }],
  [
    'curl asks all at once; OACK order is fixed',
    [['timeout', '6'], ['tsize', '0'], ['blksize', '1468'], ['windowsize', '16']],
    {},
    { blksize: 1468, windowsize: 16, timeoutMs: 6000, oack: [['blksize', '1468'], ['tsize', '4242'], ['timeout', '6'], ['windowsize', '16']] },
  ],
];

describe('negotiateOptions', () => {
  it('leaves tsize out for an empty file (curl rejects "tsize 0" in an OACK)', () => {
    assert.deepEqual([...(negotiateOptions(new Map([['tsize', '0'], ['blksize', '1468']]), 0).oack ?? [])], [['blksize', '1468']]);
    assert.equal(negotiateOptions(new Map([['tsize', '0']]), 0).oack, undefined);
  });

  for (const [name, requested, limits, expected] of cases) {
    it(name, () => {
      const n = negotiateOptions(new Map(requested), 4242, limits);
      assert.deepEqual(
        { blksize: n.blksize, windowsize: n.windowsize, timeoutMs: n.timeoutMs, oack: n.oack && [...n.oack] },
        expected,
      );
    });
  }
});
