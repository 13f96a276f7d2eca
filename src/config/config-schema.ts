// The configuration file's shape: one TypeBox schema gives defaults, validation and the TypeScript type.
import { Type, type Static } from '@sinclair/typebox';

const Ipv4 = Type.String({ pattern: '^\\d{1,3}(\\.\\d{1,3}){3}$', description: 'IPv4 address' });
const Cidr = Type.String({ pattern: '^\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}$', description: 'IPv4 network, e.g. 10.0.0.0/24' });

const PoolRange = Type.Object({ start: Ipv4, end: Ipv4 }, { additionalProperties: false });

const Subnet = Type.Object(
  {
    cidr: Cidr,
    pool: Type.Array(PoolRange, { default: [] }),
    router: Type.Optional(Ipv4),
    dns: Type.Optional(Type.Array(Ipv4)),
    domain: Type.Optional(Type.String()),
    leaseSeconds: Type.Integer({ minimum: 60, maximum: 31_536_000, default: 3600 }),
    interface: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const ConfigSchema = Type.Object(
  {
    dataDir: Type.String({ default: './data', description: 'SQLite database, leases and generated files live here' }),
    store: Type.Object(
      {
        kind: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')], { default: 'sqlite' }),
        /** PostgreSQL connection URL; for secrets prefer the STAGE0_DATABASE_URL environment variable. */
        url: Type.Optional(Type.String()),
        /** SQLite only: hold the database file's lock for as long as stage0 runs (locking_mode EXCLUSIVE). Faster (no
         *  file lock per statement: bench/RESULTS.md, session 7), but no other process may open the file meanwhile. */
        exclusive: Type.Boolean({ default: false }),
      },
      { additionalProperties: false, default: {} },
    ),
    api: Type.Object(
      {
        listen: Type.String({ default: '127.0.0.1' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
        /** TLS for the API and web UI (docs/tls.md); without certFile/keyFile a self-signed pair under <dataDir>/tls. */
        tls: Type.Object(
          {
            /** auto: TLS unless api.listen is loopback. */
            mode: Type.Union([Type.Literal('auto'), Type.Literal('on'), Type.Literal('off')], { default: 'auto' }),
            /** PEM files of your own certificate (chain) and key; without them a self-signed pair is made at first start. */
            certFile: Type.Optional(Type.String({ minLength: 1 })),
            keyFile: Type.Optional(Type.String({ minLength: 1 })),
            /** mode 'off' on a non-loopback address must be asked for explicitly. */
            insecure: Type.Boolean({ default: false }),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    log: Type.Object(
      { level: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info' }) },
      { additionalProperties: false, default: {} },
    ),
    boot: Type.Object(
      {
        /** URL that booting machines use to reach this controller's HTTP boot endpoints. */
        httpBase: Type.Optional(Type.String({ pattern: '^https?://' })),
        assetsDir: Type.Optional(Type.String()),
        ipxeDir: Type.String({ default: '/usr/lib/ipxe' }),
        /** Plain-HTTP listener for firmware (which cannot do our TLS): boot endpoints only. See docs/tls.md. */
        http: Type.Object(
          {
            /** Default: on when the API speaks TLS (firmware needs plain HTTP), off when the API itself is plain. */
            enabled: Type.Optional(Type.Boolean()),
            /** Default: api.listen. */
            listen: Type.Optional(Type.String()),
            port: Type.Integer({ minimum: 0, maximum: 65535, default: 8081 }),
          },
          { additionalProperties: false, default: {} },
        ),
        default: Type.Optional(
          Type.Object(
            { kernel: Type.String(), initrd: Type.Optional(Type.String()), cmdline: Type.String({ default: '' }) },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    tftp: Type.Object(
      {
        enabled: Type.Boolean({ default: false }),
        listen: Type.String({ default: '0.0.0.0' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 69 }),
        maxBlksize: Type.Integer({ minimum: 512, maximum: 65464, default: 1468 }),
      },
      { additionalProperties: false, default: {} },
    ),
    dhcp: Type.Object(
      {
        /** off by default: stage0 never answers DHCP unless configured to. */
        mode: Type.Union([Type.Literal('off'), Type.Literal('authoritative'), Type.Literal('proxy')], { default: 'off' }),
        interfaces: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
        port: Type.Integer({ minimum: 1, maximum: 65535, default: 67 }),
        subnets: Type.Array(Subnet, { default: [] }),
        /** Kernel receive buffer per DHCP socket: room for a rack's burst of DISCOVERs (capped by net.core.rmem_max). */
        receiveBufferBytes: Type.Integer({ minimum: 65_536, maximum: 256 * 1024 * 1024, default: 4 * 1024 * 1024 }),
        /**
         * Before the DHCP sockets open, run the packet path on synthetic clients for up to this long (ms; 0: off), so a
         * controller restarted into a storm answers at full speed from its first packet (dhcp-warmup.ts).
         */
        warmupMs: Type.Integer({ minimum: 0, maximum: 30_000, default: 1000 }),
        /** Packets from MACs not in the inventory (known nodes are never limited): per MAC, and all of them together. */
        unknownRate: Type.Object(
          {
            perMacBurst: Type.Integer({ minimum: 1, maximum: 1000, default: 8 }),
            perMacPerSecond: Type.Number({ exclusiveMinimum: 0, maximum: 1000, default: 2 }),
            totalBurst: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1024 }),
            totalPerSecond: Type.Number({ exclusiveMinimum: 0, maximum: 1_000_000, default: 256 }),
          },
          { additionalProperties: false, default: {} },
        ),
        /** OFFERs to MACs not in the inventory (a random-MAC flood): how long they hold, how many per subnet (docs/security.md). */
        unknownOffers: Type.Object(
          {
            holdSeconds: Type.Integer({ minimum: 1, maximum: 3600, default: 10 }),
            /** Default: a quarter of the subnet's pool. */
            maxPerSubnet: Type.Optional(Type.Integer({ minimum: 1 })),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    ipv6RouterAdvertisements: Type.Boolean({ default: false }),
    /** Next-boot states, profiles and install callbacks (issue 5). */
    provisioning: Type.Object(
      {
        /** Operator templates, searched before the shipped templates/ directory. */
        templatesDir: Type.Optional(Type.String()),
        /** A known node with no boot state and no boot.kernel: its disk (boot) or boot.default (fallback). */
        knownNodeDefault: Type.Union([Type.Literal('boot'), Type.Literal('fallback')], { default: 'boot' }),
        tokenTtlSeconds: Type.Integer({ minimum: 60, maximum: 7 * 86400, default: 3 * 3600 }),
        upTokenTtlSeconds: Type.Integer({ minimum: 60, maximum: 30 * 86400, default: 86400 }),
        installTimeoutSeconds: Type.Integer({ minimum: 1, maximum: 7 * 86400, default: 3 * 3600 }),
        /** How often expired states and timed-out installs are swept. */
        sweepIntervalMs: Type.Integer({ minimum: 10, maximum: 3_600_000, default: 30_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** Bulk BMC commands (rpower, rsetboot, rinv, rinstall). */
    power: Type.Object(
      {
        /** Nodes whose BMCs are talked to at once. */
        concurrency: Type.Integer({ minimum: 1, maximum: 4096, default: 64 }),
        /** Time allowed to one driver attempt on one BMC, in milliseconds. */
        timeoutMs: Type.Integer({ minimum: 100, maximum: 600_000, default: 20_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
export type SubnetConfig = Static<typeof Subnet>;
