// The IPv4 address of a named interface, read from the OS at start-up (inside a network namespace: its interfaces).
import os from 'node:os';

export function interfaceIpv4(name: string): string {
  const addrs = os.networkInterfaces()[name];
  if (!addrs) throw new Error(`interface ${name} does not exist here (have: ${Object.keys(os.networkInterfaces()).join(', ')})`);
  const v4 = addrs.find((a) => a.family === 'IPv4');
  if (!v4) throw new Error(`interface ${name} has no IPv4 address`);
  return v4.address;
}
