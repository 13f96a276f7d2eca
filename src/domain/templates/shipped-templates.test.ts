// Shipped templates: golden output for fixed nodes, and structure checked against each installer's documented syntax.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { FIXTURE_KINDS } from './fixtures/install-fixtures.ts';
import { esxiProblems, kickstartProblems, preseedProblems } from './fixtures/installer-syntax.ts';
import { readShipped, renderShipped } from './fixtures/render-shipped.ts';
import { SafeTemplateEngine } from './safe-template-engine.ts';
import { SHIPPED_TEMPLATES } from './shipped-templates.ts';

const UPDATE = process.env.STAGE0_UPDATE_GOLDEN === '1';
const goldenPath = (kind: string, path: string): string => fileURLToPath(new URL(`golden/${kind}/${path}`, import.meta.url));

describe('shipped templates: golden files', () => {
  for (const t of SHIPPED_TEMPLATES) {
    for (const kind of FIXTURE_KINDS) {
      it(`${t.path} for the ${kind} node`, () => {
        const out = renderShipped(t.path, kind);
        const file = goldenPath(kind, t.path);
        if (UPDATE) {
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, out);
        }
        assert.ok(existsSync(file), `missing golden ${file}; create it with STAGE0_UPDATE_GOLDEN=1 and review the diff`);
        assert.equal(out, readFileSync(file, 'utf8'));
      });
    }
  }
});

describe('shipped templates: installer syntax', () => {
  for (const kind of FIXTURE_KINDS) {
    it(`kickstart (${kind}): known commands and sections, %end closes each, crypted rootpw`, () => {
      const ks = renderShipped('kickstart/rhel9.ks', kind);
      assert.deepEqual(kickstartProblems(ks), []);
      assert.match(ks, /^network --bootproto=(static|dhcp) --device=52:54:00:12:34:0\d /m);
      assert.match(ks, /^%pre[^\n]*\n(?:[^%][^\n]*\n)*curl [^\n]*\/started'/m);
      assert.match(ks, /^%post[^\n]*\n(?:[^%][^\n]*\n)*curl -fsS -X POST 'http:\/\/10\.20\.0\.1:8080\/api\/v1\/install\/tok-n0\d-0123456789abcdef\/done'$/m);
    });

    it(`ESXi ks.cfg (${kind}): vmaccepteula first, one install --firstdisk --overwritevmfs, busybox sections call back`, () => {
      const ks = renderShipped('esxi/ks.cfg', kind);
      assert.deepEqual(esxiProblems(ks), []);
      assert.match(ks, /^%firstboot --interpreter=busybox\n(?:.*\n)*wget -q -O \/dev\/null '[^']+\/done'$/m);
      assert.match(ks, /^%post --interpreter=busybox\n(?:[^%].*\n)*wget /m);
    });

    it(`preseed (${kind}): every line is 'owner question type value'`, () => {
      const p = renderShipped('debian/preseed.cfg', kind);
      assert.deepEqual(preseedProblems(p), []);
      assert.match(p, /^d-i preseed\/late_command string .*'[^']+\/done'$/m);
      assert.equal(/^d-i netcfg\/get_ipaddress /m.test(p), kind === 'static');
    });

    it(`Ubuntu autoinstall (${kind}): YAML with the required keys`, () => {
      const text = renderShipped('ubuntu/autoinstall.yaml', kind);
      assert.ok(text.startsWith('#cloud-config\n'), 'autoinstall user-data must start with #cloud-config');
      const doc = parseYaml(text) as { autoinstall: Record<string, any> };
      const ai = doc.autoinstall;
      assert.deepEqual(Object.keys(doc), ['autoinstall']);
      const known = ['version', 'interactive-sections', 'early-commands', 'locale', 'refresh-installer', 'keyboard', 'source', 'network', 'proxy', 'apt', 'storage', 'identity', 'ssh', 'snaps', 'debconf-selections', 'packages', 'kernel', 'timezone', 'updates', 'shutdown', 'late-commands', 'error-commands', 'reporting', 'user-data', 'drivers', 'oem', 'codecs', 'ubuntu-pro', 'active-directory'];
      for (const k of Object.keys(ai)) assert.ok(known.includes(k), `unknown autoinstall key ${k}`);
      assert.equal(ai.version, 1);
      for (const k of ['hostname', 'username', 'password']) assert.equal(typeof ai.identity[k], 'string', `identity.${k}`);
      assert.match(ai.identity.password, /^\$6\$/);
      assert.equal(ai.network.version, 2);
      assert.equal(ai.network.ethernets.install0.match.macaddress, kind === 'static' ? '52:54:00:12:34:01' : '52:54:00:12:34:03');
      if (kind === 'static') assert.deepEqual(ai.network.ethernets.install0.addresses, ['10.20.0.11/24']);
      else assert.equal(ai.network.ethernets.install0.dhcp4, true);
      assert.equal(ai.storage.layout.name, 'lvm');
      assert.ok(Array.isArray(ai['late-commands']) && ai['late-commands'].every((c: unknown) => typeof c === 'string'));
      assert.match(String(ai['late-commands'].at(-1)), /\/done'$/);
      assert.match(ai['early-commands'][0], /\/started'/);
    });

    it(`cloud-init meta-data (${kind}): instance-id and local-hostname`, () => {
      const md = parseYaml(renderShipped('cloud-init/meta-data', kind)) as Record<string, unknown>;
      assert.deepEqual(Object.keys(md).sort(), ['instance-id', 'local-hostname']);
      assert.match(String(md['instance-id']), /^stage0-n0\d-debian-12-genericcloud$/);
    });
  }
});

describe('installer syntax checkers catch broken files (so the checks above can fail)', () => {
  const cases: [string, (t: string) => string[], string, RegExp][] = [
    ['kickstart unknown command', kickstartProblems, 'text\nlang C\nkeyboard us\ntimezone UTC\nnetwork --bootproto=dhcp\nrootpw --iscrypted $6$a$b\nbootloader\nfrobnicate\n%packages\n%end\n', /unknown command 'frobnicate'/],
    ['kickstart unclosed section', kickstartProblems, 'rootpw --iscrypted $6$a$b\n%packages\ncurl\n%post\n', /inside %packages|not closed/],
    ['kickstart unknown section', kickstartProblems, '%postinstall\n%end\n', /unknown section %postinstall/],
    ['kickstart plain rootpw', kickstartProblems, 'rootpw secret\n', /rootpw must be --iscrypted/],
    ['ESXi vmaccepteula not first', esxiProblems, 'install --firstdisk --overwritevmfs\nvmaccepteula\n', /first command must be vmaccepteula/],
    ['ESXi two installs', esxiProblems, 'vmaccepteula\ninstall --firstdisk --overwritevmfs\ninstall --firstdisk --overwritevmfs\n', /exactly one install/],
    ['ESXi install without --overwritevmfs', esxiProblems, 'vmaccepteula\ninstall --firstdisk\n', /install --firstdisk --overwritevmfs/],
    ['ESXi static without ip', esxiProblems, 'vmaccepteula\ninstall --firstdisk --overwritevmfs\nnetwork --bootproto=static --netmask=1 --gateway=1 --hostname=x\n', /without --ip=/],
    ['preseed missing type', preseedProblems, 'd-i netcfg/get_hostname n01\n', /not 'owner question type value'/],
    ['preseed bad boolean', preseedProblems, 'd-i partman/confirm boolean yes\n', /boolean partman\/confirm is 'yes'/],
  ];
  for (const [name, check, text, expected] of cases) {
    it(name, () => assert.match(check(text).join('\n'), expected));
  }
});

describe('shipped templates: variables match docs/templates.md', () => {
  const docs = readFileSync(new URL('../../../docs/templates.md', import.meta.url), 'utf8');
  const table = docs.slice(docs.indexOf('### Attributes the shipped templates read'), docs.indexOf('## Shipped templates'));
  const documented = new Set([...table.matchAll(/`([a-z][a-z0-9_.-]*)`/g)].map((m) => m[1] as string));
  const entity = new Set(['name', 'mac', 'macs', 'groups']);
  const engine = new SafeTemplateEngine({ strict: true });

  for (const t of SHIPPED_TEMPLATES) {
    it(`${t.path} reads only documented variables`, () => {
      assert.ok(documented.has('rootpw.hash') && documented.has('ip'), 'attribute table not found in docs/templates.md');
      for (const v of engine.variables(readShipped(t.path))) {
        const m = /^(\w+)(?:\.([a-z][a-z0-9_]*)|\['([^']+)'\])?/.exec(v);
        assert.ok(m, v);
        const [, root, dotted, bracketed] = m;
        assert.ok(['node', 'site', 'image', 'token', 'callback', 'server'].includes(root as string), `unknown variable ${v}`);
        const attr = dotted ?? bracketed;
        if (root === 'node' && attr !== undefined && !entity.has(attr)) assert.ok(documented.has(attr), `${v} is not in the attribute table of docs/templates.md`);
      }
    });
  }
});
