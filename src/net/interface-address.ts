// The IPv4 address of a named interface, read from the OS at start-up (inside a network namespace: its interfaces).
import { execFileSync } from 'node:child_process';
import os from 'node:os';

/**
 * os.networkInterfaces() (libuv) skips interfaces that are not RUNNING, and a provisioning bridge whose ports have
 * no carrier yet (machines still off) is exactly that; so ask iproute2, which lists configured addresses regardless.
 */
export function interfaceIpv4(name: string): string {
  const fromNode = os.networkInterfaces()[name]?.find((a) => a.family === 'IPv4');
  if (fromNode) return fromNode.address;
  let out: string;
  try {
    out = execFileSync('ip', ['-j', '-4', 'addr', 'show', 'dev', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    throw new Error(`interface ${name} does not exist here (have: ${Object.keys(os.networkInterfaces()).join(', ')})`);
  }
  const entries = JSON.parse(out || '[]') as { addr_info?: { family: string; local: string }[] }[];
  const v4 = entries.flatMap((e) => e.addr_info ?? []).find((a) => a.family === 'inet');
  if (!v4) throw new Error(`interface ${name} has no IPv4 address`);
  return v4.local;
}
