// buildTemplateVars: the variables installer templates see, and the checks that keep them shell-safe.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../errors.ts';
import { IMAGES } from './fixtures/install-fixtures.ts';
import { buildTemplateVars, type InstallTemplateInput } from './install-template-vars.ts';

const input = (over: Partial<InstallTemplateInput> = {}): InstallTemplateInput => ({
  node: { name: 'n01', macs: ['52:54:00:00:00:01', '52:54:00:00:00:02'], groups: ['compute'] },
  attrs: { ip: '10.0.0.5', 'bmc.address': '10.9.0.5', name: 'shadowed', mtu: 9000 },
  site: { domain: 'lab.example' },
  image: IMAGES.rhel!,
  token: 'Abc_def-0123456789',
  server: 'http://10.0.0.1:8080/',
  ...over,
});

describe('buildTemplateVars', () => {
  it('flattens attributes into node, entity fields win, callback carries the token', () => {
    const v = buildTemplateVars(input());
    assert.deepEqual(v.node, {
      ip: '10.0.0.5', 'bmc.address': '10.9.0.5', mtu: 9000, name: 'n01',
      macs: ['52:54:00:00:00:01', '52:54:00:00:00:02'], groups: ['compute'], mac: '52:54:00:00:00:01',
    });
    assert.equal(v.server, 'http://10.0.0.1:8080');
    assert.equal(v.callback, 'http://10.0.0.1:8080/api/v1/install/Abc_def-0123456789');
    assert.equal(buildTemplateVars(input({ callbackPath: '/cb' })).callback, 'http://10.0.0.1:8080/cb/Abc_def-0123456789');
    assert.deepEqual(v.site, { domain: 'lab.example' });
    assert.equal(v.image.name, 'rocky-9.4');
  });

  it('a node without MACs has no node.mac (strict templates then say so)', () => {
    assert.equal(Object.hasOwn(buildTemplateVars(input({ node: { name: 'x', macs: [], groups: [] } })).node, 'mac'), false);
  });

  const bad: [string, Partial<InstallTemplateInput>, string][] = [
    ['server with a quote', { server: "http://x/'; rm -rf /" }, 'server'],
    ['server not http', { server: 'ftp://x' }, 'server'],
    ['server with a space', { server: 'http://a b' }, 'server'],
    ['short token', { token: 'abc' }, 'token'],
    ['token with a slash', { token: 'abcdefghijklmnop/..' }, 'token'],
    ['callback path with a quote', { callbackPath: "/a'b" }, 'callbackPath'],
  ];
  for (const [name, over, field] of bad) {
    it(`refuses ${name}`, () => {
      assert.throws(() => buildTemplateVars(input(over)), (e) => e instanceof DomainError && e.kind === 'invalid' && e.field === field);
    });
  }
});
