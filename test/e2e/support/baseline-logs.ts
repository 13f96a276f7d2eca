// Reads the dnsmasq baseline's logs: dnsmasq's --log-dhcp output and the Node HTTP server's JSON lines.
import { readFileSync } from 'node:fs';
import type { HttpLogLine } from '../../../src/lab/baseline-http-server.ts';
import type { LabState } from '../../../src/lab/lab-state.ts';

export function httpLog(state: LabState): HttpLogLine[] {
  if (!state.httpLog) throw new Error(`lab ${state.name} has no HTTP log (server ${state.server})`);
  return readFileSync(state.httpLog, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as HttpLogLine);
}

/** The addresses dnsmasq acknowledged for mac (DHCPACK lines), in order. */
export function dnsmasqAcks(logFile: string, mac: string): string[] {
  const re = new RegExp(`DHCPACK\\(\\S+\\) (\\d+\\.\\d+\\.\\d+\\.\\d+) ${mac}`, 'i');
  return readFileSync(logFile, 'utf8').split('\n').map((l) => re.exec(l)?.[1]).filter((x): x is string => x !== undefined);
}

/** dnsmasq-tftp "sent <path> to <ip>" lines: the files a client fetched over TFTP. */
export function dnsmasqTftpSent(logFile: string, ip: string): string[] {
  const re = new RegExp(`dnsmasq-tftp\\[\\d+\\]: sent (\\S+) to ${ip.replace(/\./g, '\\.')}$`);
  return readFileSync(logFile, 'utf8').split('\n').map((l) => re.exec(l)?.[1]).filter((x): x is string => x !== undefined);
}
