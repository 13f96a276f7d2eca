// dnsmasq command lines for the lab: the baseline boot server, and a plain "other DHCP server" for ProxyDHCP tests.

export interface DnsmasqOptions {
  iface: string;
  /** First and last pool address, e.g. 10.99.3.100 and 10.99.3.199. */
  range: [string, string];
  leaseFile: string;
  /** Boot decision (as stage0's): iPXE -> HTTP script URL; arch 7/9 -> TFTP snponly.efi; else undionly.kpxe. */
  boot?: { tftpRoot: string; scriptUrl: string };
  /** Send IPv6 router advertisements for the prefix on iface (iPXE then skips its ~13 s IPv6 autoconf wait). */
  ra6Prefix?: string;
  extra?: string[];
}

/**
 * Flags that keep dnsmasq inside the lab: no config file, no DNS (--port=0), lease file in the lab dir (the
 * default lives in /var/lib/misc), bound to one interface only, logging to stdout with --log-dhcp.
 */
export function dnsmasqArgs(o: DnsmasqOptions): string[] {
  const args = [
    '--conf-file=/dev/null', '--no-daemon', '--log-facility=-', '--log-dhcp', '--port=0', '--no-resolv', '--no-hosts',
    '--bind-interfaces', `--interface=${o.iface}`, '--except-interface=lo',
    `--dhcp-range=${o.range[0]},${o.range[1]},255.255.255.0,1h`, `--dhcp-leasefile=${o.leaseFile}`, '--dhcp-authoritative',
  ];
  if (o.boot) {
    args.push(
      '--enable-tftp', `--tftp-root=${o.boot.tftpRoot}`,
      '--dhcp-userclass=set:ipxe,iPXE',
      '--dhcp-match=set:efi64,option:client-arch,7', '--dhcp-match=set:efi64,option:client-arch,9',
      '--dhcp-boot=tag:!ipxe,tag:!efi64,undionly.kpxe', '--dhcp-boot=tag:!ipxe,tag:efi64,snponly.efi',
      `--dhcp-boot=tag:ipxe,${o.boot.scriptUrl}`,
    );
  }
  if (o.ra6Prefix) args.push('--enable-ra', `--dhcp-range=${o.ra6Prefix},ra-only,64`);
  return [...args, ...(o.extra ?? [])];
}

/**
 * dnsmasq as an IPv6 router-advertisement sender only (no DHCPv4, no DNS): lets a stage0 lab have RAs on the link
 * so iPXE skips its ~13 s IPv6 wait, for fair comparisons with the baseline while stage0 sends none itself.
 */
export function dnsmasqRaOnlyArgs(iface: string, prefix: string, leaseFile: string): string[] {
  return [
    '--conf-file=/dev/null', '--no-daemon', '--log-facility=-', '--port=0', '--no-resolv', '--no-hosts',
    '--bind-interfaces', `--interface=${iface}`, '--except-interface=lo', `--dhcp-leasefile=${leaseFile}`,
    '--enable-ra', `--dhcp-range=${prefix},ra-only,64`,
  ];
}
