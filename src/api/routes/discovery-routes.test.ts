// Discovery over the real API (SQLite and PostgreSQL): reports, the queue, rules, approval, events, strict validation.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { call, startTestServer, type TestServer } from '../../../test/support/stage0-server.ts';
import { runCli } from '../../../test/support/run-cli.ts';
import { sampleReport } from '../../domain/discovery/sample-facts.ts';

/** The agent's own request: a public boot endpoint, no credentials. */
const report = (url: string, body: unknown) => call(url, 'POST', '/api/v1/discovery', body, { anonymous: 'true' });

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`discovery API (${kind})`, () => {
    let s: TestServer;
    before(async () => { s = await startTestServer(kind); });
    after(async () => { await s?.stop(); });

    it('an unknown machine without rules waits; approval enrolls it with hw.* attributes; events record both', async () => {
      const r = await report(s.url, sampleReport({ mac: '52:54:00:00:01:01', serial: 'A1' }));
      assert.equal(r.status, 200);
      assert.match(String(r.body), /^ACTION=poweroff ENTRY=\d+ STATUS=pending\n$/);
      const id = Number(/ENTRY=(\d+)/.exec(String(r.body))![1]);
      const again = await report(s.url, sampleReport({ mac: '52:54:00:00:01:01', serial: 'A1', memoryMiB: 1024 }));
      assert.match(String(again.body), new RegExp(`ENTRY=${id} STATUS=pending`));
      const entry = (await call(s.url, 'GET', `/api/v1/discovery/${id}`)).body;
      assert.deepEqual([entry.reports, entry.facts.memory.totalMiB, entry.status, entry.sourceIp], [2, 1024, 'pending', '127.0.0.1']);
      const ok = await call(s.url, 'POST', `/api/v1/discovery/${id}/approve`, { name: 'web{##}', groups: ['web'] });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.deepEqual([ok.body.status, ok.body.node, ok.body.decidedBy], ['enrolled', 'web01', 'admin']);
      const node = (await call(s.url, 'GET', '/api/v1/nodes/web01')).body;
      assert.deepEqual(node.macs, ['52:54:00:00:01:01']);
      assert.deepEqual(node.groups, ['web']);
      assert.equal(node.attrs['hw.memory.mib'], 1024);
      assert.equal(node.attrs['hw.cpu.cores'], 2);
      assert.equal(node.attrs['hw.disk.0.size'], 2147483648);
      assert.equal(node.attrs['hw.disk.0.serial'], 'DISK-SN-42');
      assert.equal(node.attrs['hw.dmi.serial'], 'A1');
      const twice = await call(s.url, 'POST', `/api/v1/discovery/${id}/approve`, {});
      assert.equal(twice.status, 409);
      const events = (await call(s.url, 'GET', '/api/v1/events?nodes=web01')).body.items.map((e: { kind: string }) => e.kind);
      assert.ok(events.includes('node.created') && events.includes('discovery.enrolled'), events.join(','));
    });

    it('a rule enrolls matching machines as node001, node002 ...; a known MAC refreshes the node facts', async () => {
      const add = await call(s.url, 'POST', '/api/v1/discovery-rules', { name: 'qemu', priority: 10, match: { cpuModel: 'qemu', minMemoryMiB: 256 }, namePattern: 'node{###}', groups: ['compute'] });
      assert.equal(add.status, 201, JSON.stringify(add.body));
      const a = await report(s.url, sampleReport({ mac: '52:54:00:00:02:01', serial: 'B1' }));
      assert.match(String(a.body), /STATUS=enrolled NODE=node001\n$/);
      const b = await report(s.url, sampleReport({ mac: '52:54:00:00:02:02', serial: 'B2' }));
      assert.match(String(b.body), /NODE=node002/);
      const small = await report(s.url, sampleReport({ mac: '52:54:00:00:02:03', memoryMiB: 128 }));
      assert.match(String(small.body), /STATUS=pending/);
      const refreshed = await report(s.url, sampleReport({ mac: '52:54:00:00:02:01', serial: 'B1', memoryMiB: 2048 }));
      assert.match(String(refreshed.body), /ACTION=poweroff .*NODE=node001/);
      assert.equal((await call(s.url, 'GET', '/api/v1/nodes/node001')).body.attrs['hw.memory.mib'], 2048);
      const timeline = (await call(s.url, 'GET', '/api/v1/events?nodes=node001')).body.items as { kind: string; actor: string; details: Record<string, unknown> }[];
      const enrolled = timeline.find((e) => e.kind === 'discovery.enrolled')!;
      assert.deepEqual([enrolled.actor, enrolled.details.rule], ['rule:qemu', 'qemu']);
      assert.deepEqual(timeline.map((e) => e.kind).filter((k) => k !== 'node.updated'), ['node.created', 'discovery.enrolled', 'discovery.reported']);
      const rules = (await call(s.url, 'GET', '/api/v1/discovery-rules')).body.items;
      assert.deepEqual(rules.map((r: { name: string }) => r.name), ['qemu']);
      assert.equal((await call(s.url, 'DELETE', '/api/v1/discovery-rules/qemu')).status, 204);
      assert.equal((await call(s.url, 'DELETE', '/api/v1/discovery-rules/qemu')).status, 404);
    });

    it('refuses malformed reports with 422 naming the field, and oversized ones with 413', async () => {
      const base = sampleReport({ mac: '52:54:00:00:03:01' });
      const bad: [Record<string, unknown>, string][] = [
        [{ ...base, bootMac: 'not-a-mac' }, 'bootMac'],
        [{ ...base, extra: 1 }, 'facts.extra'],
        [{ ...base, memory: { totalMiB: -1, usableMiB: 0 } }, 'memory.totalMiB'],
        [{ ...base, disks: [{ name: 'vda', sizeBytes: 1.5, model: '', serial: '', rotational: false }] }, 'disks[0].sizeBytes'],
        [{ ...base, nics: [{ name: 'eth0', mac: 'zz:zz', driver: 'e1000', carrier: true, speedMbps: null }] }, 'nics[0].mac'],
        [{ ...base, dmi: { uuid: 'nope', serial: '', vendor: '', product: '', boardSerial: '' } }, 'dmi.uuid'],
        [{ ...base, cpu: { ...(base.cpu as object), model: 'x'.repeat(300) } }, 'cpu.model'],
        [{ ...base, cpu: { ...(base.cpu as object), flags: ['ok', 'Bad Flag'] } }, 'cpu.flags[1]'],
        [{ ...base, agent: 'curl/8' }, 'facts.agent'],
      ];
      for (const [body, field] of bad) {
        const r = await report(s.url, body);
        assert.equal(r.status, 422, `${field}: ${JSON.stringify(r.body)}`);
        assert.match(JSON.stringify(r.body), new RegExp(field.replace(/[[\].]/g, '\\$&')), field);
      }
      const huge = await report(s.url, { ...base, cpu: { ...(base.cpu as object), flags: Array.from({ length: 20000 }, (_, i) => `f${i}`) } });
      assert.equal(huge.status, 413);
      assert.equal((await call(s.url, 'GET', '/api/v1/discovery?status=pending')).body.items.some((e: { mac: string }) => e.mac === '52:54:00:00:03:01'), false);
    });

    it('the queue is not public: listing, approving and rules need credentials', async () => {
      for (const [method, path] of [['GET', '/api/v1/discovery'], ['POST', '/api/v1/discovery/1/approve'], ['GET', '/api/v1/discovery-rules'], ['POST', '/api/v1/discovery-rules']] as const) {
        const r = await call(s.url, method, path, method === 'POST' ? {} : undefined, { anonymous: 'true' });
        assert.equal(r.status, 401, `${method} ${path}`);
      }
    });

    if (kind === 'sqlite') {
      it('CLI: discover rule add|ls, discover ls|show|approve|reject (each runs bin/stage0)', async () => {
        const env = { STAGE0_URL: s.url };
        const add = await runCli(['discover', 'rule', 'add', 'by-serial', '--serial', 'ZZ9', '--name-pattern', '{serial}', '--groups', 'g1,g2', '--priority', '5'], env);
        assert.equal(add.code, 0, add.stderr);
        assert.match((await runCli(['discover', 'rule', 'ls'], env)).stdout, /5\s+by-serial\s+serial=ZZ9\s+\{serial\}\s+g1,g2/);
        const r = await report(s.url, sampleReport({ mac: '52:54:00:00:04:01', serial: 'ZZ9' }));
        assert.match(String(r.body), /NODE=zz9/);
        const p = await report(s.url, sampleReport({ mac: '52:54:00:00:04:02', serial: 'P1' }));
        const pid = /ENTRY=(\d+)/.exec(String(p.body))![1]!;
        const q = await report(s.url, sampleReport({ mac: '52:54:00:00:04:03', serial: 'P2' }));
        const qid = /ENTRY=(\d+)/.exec(String(q.body))![1]!;
        const ls = await runCli(['discover', 'ls', '--status', 'pending'], env);
        assert.equal(ls.code, 0, ls.stderr);
        assert.match(ls.stdout, /52:54:00:00:04:02\s+pending\s+-\s+QEMU Virtual CPU version 2\.5\+\s+2\s+512M\s+2G\s+P1/);
        assert.match((await runCli(['discover', 'show', pid], env)).stdout, /disk 0\s+vda 2147483648 bytes \(2G\) model= serial=DISK-SN-42/);
        const ap = await runCli(['discover', 'approve', pid, 'rack1-{##}', '--groups', 'rack1'], env);
        assert.equal(ap.code, 0, ap.stderr);
        assert.match(ap.stdout, /as node rack1-01/);
        const rj = await runCli(['discover', 'reject', qid], env);
        assert.match(rj.stdout, /rejected discovery entry/);
        assert.match(String((await report(s.url, sampleReport({ mac: '52:54:00:00:04:03', serial: 'P2' }))).body), /STATUS=rejected/);
        const missing = await runCli(['discover', 'approve', '99999'], env);
        assert.equal(missing.code, 4, 'not found');
        assert.match(missing.stderr, /not found/);
      });
    }
  });
}
