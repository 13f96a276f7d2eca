// RFC 2132 options with plain values: addresses, times, sizes, names (sections cited per option).
import { bytesOption, ipv4ListOption, ipv4Option, stringOption, u16Option, u32Option, u8ListOption } from './option-codec.ts';

export const subnetMask = ipv4Option(1); // §3.3
export const routers = ipv4ListOption(3); // §3.5
export const dnsServers = ipv4ListOption(6); // §3.8
export const hostname = stringOption(12); // §3.14
export const domainName = stringOption(15); // §3.17
export const broadcastAddress = ipv4Option(28); // §5.3
export const vendorSpecific = bytesOption(43); // §8.4, raw; PXE view in option-pxe-vendor.ts
export const requestedIp = ipv4Option(50); // §9.1
export const leaseTime = u32Option(51); // §9.2
export const serverId = ipv4Option(54); // §9.7
export const parameterRequestList = u8ListOption(55); // §9.8
export const message = stringOption(56); // §9.9
export const maxMessageSize = u16Option(57); // §9.10
export const renewalTime = u32Option(58); // §9.11 T1
export const rebindingTime = u32Option(59); // §9.12 T2
export const vendorClass = stringOption(60); // §9.13
export const clientId = bytesOption(61, 1); // §9.14 (type byte + identifier)
export const tftpServerName = stringOption(66); // §9.4
export const bootfileName = stringOption(67); // §9.5
