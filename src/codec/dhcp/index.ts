// The DHCPv4 codec's public surface: import from here (or dhcp-packet.ts for decode/encode alone).
export * from './dhcp-packet.ts';
export * from './dhcp-client-facts.ts';
export * from './dhcp-reply.ts';
export { DHCP_MESSAGE_TYPES } from './option-dhcp-control.ts';
export { CLIENT_ARCH_NAMES } from './option-client-system.ts';
export { knownOptionCode, optionCodeOf, setRawOption } from './dhcp-options.ts';
export { BROADCAST_FLAG } from './dhcp-header.ts';
