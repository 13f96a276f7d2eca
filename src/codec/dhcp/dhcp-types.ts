// Types of a decoded DHCPv4 packet (RFC 2131 §2) and of its options (RFC 2132 and successors).

/** RFC 2132 §9.6 option 53 values, by name (numbers in DHCP_MESSAGE_TYPES). */
export type DhcpMessageType = 'DISCOVER' | 'OFFER' | 'REQUEST' | 'DECLINE' | 'ACK' | 'NAK' | 'RELEASE' | 'INFORM';

/** One option as on the wire, after RFC 3396 concatenation and RFC 2131 overload merging. */
export interface DhcpRawOption {
  code: number;
  data: Uint8Array;
}

/** RFC 3004 user class (option 77), or the plain-string form iPXE and others send ("iPXE"). */
export interface DhcpUserClass {
  format: 'rfc3004' | 'plain';
  /** Each user class (latin1); the plain form has exactly one. */
  classes: string[];
}

/** RFC 3046 relay agent information (option 82). The raw bytes are in rawOptions and echoed as they are. */
export interface DhcpRelayAgentInfo {
  circuitId?: Uint8Array; // sub-option 1
  remoteId?: Uint8Array; // sub-option 2
  subOptions: DhcpRawOption[];
}

/** RFC 4578 §2.2 client network device interface (option 94): UNDI version. */
export interface DhcpClientNdi {
  type: number; // 1 = UNDI
  major: number;
  minor: number;
}

/** RFC 4578 §2.3 client machine identifier (option 97). */
export interface DhcpClientGuid {
  type: number; // 0 = GUID
  /** The 16 bytes in wire order, as 8-4-4-4-12 lower-case hex (no byte swapping). */
  guid: string;
}

/** RFC 3442 classless static route (option 121). */
export interface DhcpClasslessRoute {
  destination: string; // network address, e.g. "10.0.0.0"
  prefixLength: number; // 0..32
  router: string;
}

/** PXE 2.1 §2.4 boot server type/address entry (option 43.8). */
export interface PxeBootServer {
  type: number;
  addresses: string[];
}

/** PXE 2.1 §2.4 boot menu entry (option 43.9). */
export interface PxeBootMenuItem {
  type: number;
  description: string;
}

/** PXE 2.1 / RFC 4578 vendor-specific sub-options carried in option 43 (vendor class PXEClient). */
export interface PxeVendorOptions {
  discoveryControl?: number; // 43.6
  bootServers?: PxeBootServer[]; // 43.8
  bootMenu?: PxeBootMenuItem[]; // 43.9
  menuPrompt?: { timeout: number; prompt: string }; // 43.10
  bootItem?: { type: number; layer: number }; // 43.71
  subOptions: DhcpRawOption[];
}

/** iPXE bus id (175.177): bus type 1 = PCI, with vendor and device ids. */
export interface IpxeBusId {
  type: number;
  vendor: number;
  device: number;
}

/** iPXE encapsulated options (option 175); see ipxe src/include/ipxe/dhcp.h. */
export interface IpxeOptions {
  noPxeDhcp?: boolean; // 175.176
  busId?: IpxeBusId; // 175.177
  subOptions: DhcpRawOption[];
}

/** The typed view of a packet's options. Every field names its option code. */
export interface DhcpOptions {
  subnetMask?: string; // 1
  routers?: string[]; // 3
  dnsServers?: string[]; // 6
  hostname?: string; // 12
  domainName?: string; // 15
  broadcastAddress?: string; // 28
  vendorSpecific?: Uint8Array; // 43, raw
  pxe?: PxeVendorOptions; // 43 decoded, when it parses as PXE sub-options
  requestedIp?: string; // 50
  leaseTime?: number; // 51, seconds
  overload?: number; // 52: 1 file, 2 sname, 3 both
  messageType?: DhcpMessageType; // 53
  serverId?: string; // 54
  parameterRequestList?: number[]; // 55
  message?: string; // 56
  maxMessageSize?: number; // 57
  renewalTime?: number; // 58 (T1)
  rebindingTime?: number; // 59 (T2)
  vendorClass?: string; // 60
  clientId?: Uint8Array; // 61
  tftpServerName?: string; // 66
  bootfileName?: string; // 67
  userClass?: DhcpUserClass; // 77
  relayAgentInfo?: DhcpRelayAgentInfo; // 82
  clientArch?: number[]; // 93
  clientNdi?: DhcpClientNdi; // 94
  clientGuid?: DhcpClientGuid; // 97
  domainSearch?: string[]; // 119
  classlessRoutes?: DhcpClasslessRoute[]; // 121
  ipxe?: IpxeOptions; // 175
}

/**
 * A DHCPv4 message (RFC 2131 §2, figure 1).
 * `rawOptions` is the wire truth and the only thing encodeDhcp writes; `options` is the typed view
 * of it, made by decodeDhcp / buildReply / withOptions. Change options with withOptions(), not by hand.
 * rawOptions keeps option 52 when the sender overloaded; encodeDhcp ignores it and decides overload itself.
 */
export interface DhcpPacket {
  op: number; // 1 BOOTREQUEST, 2 BOOTREPLY
  htype: number; // 1 Ethernet
  hlen: number; // 6 for Ethernet
  hops: number;
  xid: number; // u32
  secs: number;
  flags: number; // bit 15 (0x8000) = broadcast
  ciaddr: string;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  chaddr: Uint8Array; // 16 bytes as on the wire; the first hlen matter
  sname: string; // '' when overloaded with options
  file: string; // '' when overloaded with options
  options: DhcpOptions;
  rawOptions: DhcpRawOption[];
}
