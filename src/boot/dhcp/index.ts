// The DHCP service's public surface for the wiring (main.ts) and other stores: import from here.
export { DhcpService, type DhcpServiceDeps, type DhcpIncoming, type DhcpOutgoing } from './dhcp-service.ts';
export type {
  DhcpServiceConfig, DhcpMode, DhcpInterfaceConfig, DhcpSubnetConfig, DhcpPoolRange, DhcpBootConfig, DhcpRateLimitConfig, DhcpPorts,
} from './dhcp-config.ts';
export { DEFAULT_PORTS, DEFAULT_LEASE_SECONDS, DEFAULT_OFFER_SECONDS, DEFAULT_DECLINE_SECONDS, DEFAULT_RATE_LIMIT } from './dhcp-config.ts';
export type { ReservationLookup } from './handlers/reservation-handler.ts';
export { DefaultBootFileChooser, ARCH, type BootFileChooser, type BootAnswer, type BootRequest } from './boot-file-chooser.ts';
export { isHeld, type LeaseStore, type Lease, type LeaseClaim, type LeaseState } from './lease-store.ts';
export { MemoryLeaseStore } from './memory-lease-store.ts';
export { DhcpCounters } from './dhcp-counters.ts';
// The contract suite (imports node:test) is at './lease-store-contract.ts': runLeaseStoreContract(label, factory).
