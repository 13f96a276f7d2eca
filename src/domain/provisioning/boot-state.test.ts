// The next-boot rules, table-driven: every state × install status × one-shot × expiry gives one answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideNextBoot, parseTarget, type BootState } from './boot-state.ts';

const NOW = 1_000_000;
const base: BootState = {
  node: 'n1', target: 'boot', profile: null, oneshot: false, expiresAt: null, installStatus: null, statusReason: null,
  installDeadline: null, actor: 't', cause: null, updatedAt: '2026-01-01T00:00:00.000Z',
};
const st = (p: Partial<BootState>): BootState => ({ ...base, ...p });

test('decideNextBoot: the rule table', () => {
  const cases: [string, BootState | undefined, string, boolean, boolean][] = [
    // name, state, next kind (+detail), expired, consumed
    ['no state: legacy attribute path', undefined, 'legacy', false, false],
    ['boot: local', st({ target: 'boot' }), 'local', false, false],
    ['boot one-shot is not consumed (it is the fallback)', st({ target: 'boot', oneshot: true }), 'local', false, false],
    ['install pending: installer', st({ target: 'install', profile: 'p', installStatus: 'pending' }), 'install:p', false, false],
    ['install installing (reboot midway): installer again', st({ target: 'install', profile: 'p', installStatus: 'installing' }), 'install:p', false, false],
    ['install failed: hold, never the installer', st({ target: 'install', profile: 'p', installStatus: 'failed', statusReason: 'disk' }), 'hold', false, false],
    ['install installed: local', st({ target: 'install', profile: 'p', installStatus: 'installed' }), 'local', false, false],
    ['install one-shot: installer, consumed', st({ target: 'install', profile: 'p', oneshot: true, installStatus: 'pending' }), 'install:p', false, true],
    ['failed one-shot: still hold, not consumed', st({ target: 'install', profile: 'p', oneshot: true, installStatus: 'failed' }), 'hold', false, false],
    ['stateless: profile', st({ target: 'stateless', profile: 'diskless' }), 'stateless:diskless', false, false],
    ['shell', st({ target: 'shell' }), 'env:shell', false, false],
    ['rescue one-shot: consumed', st({ target: 'rescue', oneshot: true }), 'env:rescue', false, true],
    ['discover', st({ target: 'discover' }), 'env:discover', false, false],
    ['expired install: local and expired', st({ target: 'install', profile: 'p', expiresAt: NOW }), 'local', true, false],
    ['expired shell: local and expired', st({ target: 'shell', expiresAt: NOW - 1 }), 'local', true, false],
    ['not yet expired: still the state', st({ target: 'shell', expiresAt: NOW + 1 }), 'env:shell', false, false],
  ];
  for (const [name, state, want, expired, consumed] of cases) {
    const d = decideNextBoot(state, NOW);
    const got = d.next.kind === 'install' || d.next.kind === 'stateless' ? `${d.next.kind}:${d.next.profile}` : d.next.kind === 'env' ? `env:${d.next.mode}` : d.next.kind;
    assert.equal(got, want, name);
    assert.equal(d.expired, expired, `${name}: expired`);
    assert.equal(d.consumed, consumed, `${name}: consumed`);
  }
});

test('a failed install says why and how to leave the hold', () => {
  const d = decideNextBoot(st({ target: 'install', profile: 'p', installStatus: 'failed', statusReason: 'checksum mismatch' }), NOW);
  assert.equal(d.next.kind, 'hold');
  assert.match(d.next.reason, /checksum mismatch/);
  assert.match(d.next.reason, /nodeset/);
});

test('parseTarget: xCAT spellings', () => {
  const cases: [string, ReturnType<typeof parseTarget>][] = [
    ['osimage=rocky9', { target: 'install', profile: 'rocky9' }],
    ['osimage', { target: 'install', inherit: true }],
    ['osimage=', { target: 'install', inherit: true }],
    ['install=esxi8', { target: 'install', profile: 'esxi8' }],
    ['boot', { target: 'boot' }],
    ['local', { target: 'boot' }],
    ['shell', { target: 'shell' }],
    ['discover', { target: 'discover' }],
    ['rescue', { target: 'rescue' }],
    ['stateless=diskless', { target: 'stateless', profile: 'diskless' }],
    ['stateless', { target: 'stateless', inherit: true }],
    ['boot=x', undefined],
    ['reboot', undefined],
    ['', undefined],
    ['OSIMAGE=x', undefined],
  ];
  for (const [text, want] of cases) assert.deepEqual(parseTarget(text), want, text);
});
