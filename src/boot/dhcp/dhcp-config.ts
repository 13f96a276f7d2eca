// Typed configuration of the DHCPv4 service; the entry point maps the user's config file onto it.

/** 'authoritative' hands out addresses; 'proxy' only adds boot info next to another DHCP server (PXE proxyDHCP). */
export type DhcpMode = 'authoritative' | 'proxy' | 'off';

export interface DhcpInterfaceConfig {
  /** Kernel interface name, e.g. "br-prov". The listener binds one socket to it (SO_BINDTODEVICE). */
  name: string;
  /** Our IPv4 address on that interface: option 54 server identifier and default next-server. */
  serverAddress: string;
}

export interface DhcpPoolRange {
  /** First and last address handed out, inclusive. */
  start: string;
  end: string;
}

export interface DhcpSubnetConfig {
  /** e.g. "10.99.0.0/24". */
  cidr: string;
  /** Ranges for machines not in the inventory. Empty: only reserved (known) nodes get addresses. */
  pools: DhcpPoolRange[];
  /** Option 3. */
  router?: string;
  /** Option 6. */
  dns?: string[];
  /** Option 15. */
  domain?: string;
  /** Option 51; 3600 when absent. */
  leaseSeconds?: number;
  /** Interface this subnet is served on (directly attached). Absent: matched by the interface's serverAddress. */
  interface?: string;
}

export interface DhcpBootConfig {
  /** next-server (siaddr) and option 66 for TFTP answers. */
  tftpServer: string;
  /** Base URL of the HTTP boot service, without a trailing slash, e.g. "http://10.99.0.1:8080". */
  httpBase: string;
}

export interface DhcpRateLimitConfig {
  /** Packets an unknown MAC may send at once. */
  burst: number;
  /** Tokens refilled per second per unknown MAC. */
  perSecond: number;
  /** Most unknown MACs tracked at once; beyond that new unknown MACs are refused until buckets age out. */
  maxTracked: number;
  /** Packets all unknown MACs together may send at once, and per second: bounds a random-MAC flood. */
  totalBurst: number;
  totalPerSecond: number;
}

export interface DhcpServiceConfig {
  mode: DhcpMode;
  interfaces: DhcpInterfaceConfig[];
  subnets: DhcpSubnetConfig[];
  boot: DhcpBootConfig;
  rateLimit?: Partial<DhcpRateLimitConfig>;
  /** UDP ports; the defaults (67, 68, 4011) are the standard ones, tests move them. */
  ports?: Partial<DhcpPorts>;
  /** How long an OFFER holds an address for the client's REQUEST; 60 when absent. */
  offerSeconds?: number;
  /** How long a DECLINEd address stays out of the pool; 600 when absent. */
  declineSeconds?: number;
  /** OFFERs to MACs not in the inventory: hold (default 10 s) and live OFFERs per subnet (default a quarter of the pool). */
  unknownOffers?: { holdSeconds?: number; maxPerSubnet?: number };
}

export interface DhcpPorts {
  /** Server port (RFC 2131 §4.1): requests arrive here, relayed replies go to giaddr on it. */
  server: number;
  /** Client port: direct replies go here. */
  client: number;
  /** PXE boot server port (PXE 2.1 §2.2.1): proxyDHCP REQUESTs arrive here. */
  proxy: number;
}

export const DEFAULT_PORTS: DhcpPorts = { server: 67, client: 68, proxy: 4011 };
export const DEFAULT_LEASE_SECONDS = 3600;
export const DEFAULT_OFFER_SECONDS = 60;
export const DEFAULT_DECLINE_SECONDS = 600;
/**
 * A new machine needs 4 packets to reach iPXE (DISCOVER/REQUEST from the PXE ROM, again from iPXE), and the ROM gives
 * up after ~60 s of retries: 256/s lets a rack of 1,000 never-seen machines (a discovery storm) through in ~16 s,
 * while a random-MAC flood still costs us at most 256 packets of work a second (known nodes are never limited).
 */
export const DEFAULT_RATE_LIMIT: DhcpRateLimitConfig = { burst: 8, perSecond: 2, maxTracked: 4096, totalBurst: 1024, totalPerSecond: 256 };
