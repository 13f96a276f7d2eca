// The pure part of the root jail: which names are refused before touching the file system.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { jailPath } from './tftp-path-jail.ts';

const cases: [string, string | { refused: string }][] = [
  ['undionly.kpxe', 'undionly.kpxe'],
  ['pxelinux.cfg/01-52-54-00-12-34-56', 'pxelinux.cfg/01-52-54-00-12-34-56'],
  ['./a//b/./c', 'a/b/c'],
  ['boot\\x64\\wdsnbp.com', 'boot/x64/wdsnbp.com'],
  ['..', { refused: '".." segment' }],
  ['../../etc/passwd', { refused: '".." segment' }],
  ['a/../../etc/passwd', { refused: '".." segment' }],
  ['a/..', { refused: '".." segment' }],
  ['..\\..\\etc\\passwd', { refused: '".." segment' }],
  ['a\\..\\..\\x', { refused: '".." segment' }],
  ['/etc/passwd', { refused: 'absolute path' }],
  ['\\etc\\passwd', { refused: 'absolute path' }],
  ['//etc/passwd', { refused: 'absolute path' }],
  ['C:\\Windows\\win.ini', { refused: 'drive-letter path' }],
  ['a\0b', { refused: 'NUL byte in path' }],
  ['./', { refused: 'empty path' }],
  ['...', '...'], // three dots is an ordinary name
  ['..foo', '..foo'],
];

for (const [name, expected] of cases) {
  it(`jailPath(${JSON.stringify(name)})`, () => {
    const got = jailPath(name);
    assert.deepEqual(got, typeof expected === 'string' ? { ok: true, relative: expected } : { ok: false, reason: expected.refused });
  });
}
