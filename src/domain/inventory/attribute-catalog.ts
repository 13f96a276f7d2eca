// The attributes stage0 knows, with a check each; any other well-formed name is a free-form scalar.
import {
  type ValueCheck, hostOrIp, hostname, integer, ipv4, ipv4List, netmask, oneOf, pattern, text,
} from './value-checks.ts';

export interface AttrSpec {
  name: string;
  description: string;
  check: ValueCheck;
}

/** Attribute names: lower case, digits, `_ . -`; dots group related keys (`bmc.address`). */
export const ATTR_NAME = /^[a-z][a-z0-9_.-]{0,63}$/;
/** Longest free-form string value; long enough for kernel command lines. */
export const MAX_ATTR_STRING = 4096;

const IMAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const IFACE = /^(mac|[A-Za-z0-9][A-Za-z0-9._:-]{0,14})$/;

const specs: AttrSpec[] = [
  { name: 'ip', description: 'IPv4 address of the provisioning interface', check: ipv4 },
  { name: 'netmask', description: 'IPv4 netmask of the provisioning network', check: netmask },
  { name: 'gateway', description: 'IPv4 default gateway', check: ipv4 },
  { name: 'dns', description: 'DNS servers: an IPv4 address or a comma list', check: ipv4List },
  { name: 'ntp', description: 'NTP servers: an IPv4 address or a comma list', check: ipv4List },
  { name: 'hostname', description: 'host name (RFC 1123) given to the node', check: hostname },
  { name: 'domain', description: 'DNS domain of the node', check: hostname },
  { name: 'arch', description: 'CPU architecture', check: oneOf('x86_64', 'aarch64', 'ppc64le', 's390x', 'riscv64') },
  { name: 'firmware', description: 'boot firmware', check: oneOf('bios', 'uefi') },
  { name: 'netboot', description: 'network boot loader handed out by DHCP', check: oneOf('ipxe', 'pxe', 'grub2', 'none') },
  { name: 'installnic', description: "interface used to install: a name (eth0) or 'mac' (the first MAC)", check: pattern(IFACE, "an interface name or 'mac'") },
  { name: 'primarynic', description: "interface used after install: a name or 'mac'", check: pattern(IFACE, "an interface name or 'mac'") },
  { name: 'console', description: 'serial console for kernel arguments, e.g. ttyS0,115200n8', check: pattern(/^tty[A-Za-z0-9]{1,12}(,\d{3,7}[noe]?[5-8]?)?$/, 'a console like ttyS0,115200n8') },
  { name: 'mtu', description: 'MTU of the provisioning interface', check: integer(576, 9216) },
  { name: 'vlan', description: 'VLAN id of the provisioning network', check: integer(1, 4094) },
  { name: 'osimage', description: 'name of the OS image to provision', check: pattern(IMAGE_NAME, 'an image name (letters, digits, . _ -)') },
  { name: 'kernel.args', description: 'extra kernel command line arguments', check: text(MAX_ATTR_STRING) },
  { name: 'bmc.driver', description: 'power driver for the BMC', check: oneOf('ipmi', 'redfish') },
  { name: 'bmc.address', description: 'BMC host name or IP address', check: hostOrIp },
  { name: 'bmc.port', description: 'BMC port (623 for IPMI, 443 for Redfish by default)', check: integer(1, 65535) },
  { name: 'bmc.username', description: 'BMC user name', check: text(256) },
];

/** Known attributes by name. Built from a constant list; never mutated. */
export const ATTRIBUTE_CATALOG: ReadonlyMap<string, AttrSpec> = new Map(specs.map((s) => [s.name, s]));
