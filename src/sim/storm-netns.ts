// The boot storm's two namespaces: the server side (one veth, 10.97.0.1/16, where DHCP is served — never a host
// interface) and the clients' side, which owns every pool address at once through a local route (the "AnyIP"
// trick), so N simulated clients can each use their leased address without N `ip addr add`.
import { run } from '../lab/exec.ts';
import { deleteNetns } from '../lab/netns.ts';

export const STORM_NET = {
  server: '10.97.0.1',
  prefix: 16,
  mask: '255.255.0.0',
  /** Pool (and reserved addresses of known nodes): 10.97.8.0/21, local to the clients' namespace. */
  poolCidr: '10.97.8.0/21',
  poolStart: '10.97.8.1',
  poolEnd: '10.97.15.254',
  /** The clients' side of the link, the server's next hop to the pool. */
  clientHop: '10.97.0.2',
  serverIf: 'sv0',
  clientIf: 'cv0',
} as const;

/** Reserved address of client i for known nodes: inside the pool range, skipping .0 and .255. */
export const stormIp = (i: number): string => `10.97.${8 + Math.floor(i / 250)}.${1 + (i % 250)}`;

export interface StormTopology {
  server: string;
  clients: string;
  remove(): Promise<void>;
}

export async function createStormTopology(tag: string): Promise<StormTopology> {
  const server = `s0b-storm-s-${tag}`;
  const clients = `s0b-storm-c-${tag}`;
  const remove = async () => {
    await deleteNetns(clients);
    await deleteNetns(server);
  };
  try {
    for (const ns of [server, clients]) {
      await run('ip', ['netns', 'add', ns]);
      await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    }
    const { serverIf, clientIf } = STORM_NET;
    await run('ip', ['-n', server, 'link', 'add', serverIf, 'type', 'veth', 'peer', 'name', clientIf, 'netns', clients]);
    await run('ip', ['-n', server, 'addr', 'add', `${STORM_NET.server}/${STORM_NET.prefix}`, 'dev', serverIf]);
    await run('ip', ['-n', server, 'link', 'set', serverIf, 'up']);
    await run('ip', ['-n', clients, 'link', 'set', clientIf, 'up']);
    // Clients: broadcasts out of the veth, the server's subnet through it, and every pool address local.
    await run('ip', ['-n', clients, 'route', 'add', '255.255.255.255/32', 'dev', clientIf]);
    await run('ip', ['-n', clients, 'route', 'add', `10.97.0.0/${STORM_NET.prefix}`, 'dev', clientIf]);
    await run('ip', ['-n', clients, 'route', 'add', 'local', STORM_NET.poolCidr, 'dev', 'lo']);
    // Many short TCP connections from the same addresses: let TIME_WAIT ports be reused.
    await run('ip', ['netns', 'exec', clients, 'sysctl', '-qw', 'net.ipv4.tcp_tw_reuse=1']);
    // 1,000 machines on one link would need 1,000 ARP entries on the server, and the kernel's neighbour table is
    // one for all namespaces (gc_thresh3 1024 by default): entries get evicted and re-resolved, stalling lock-step
    // TFTP. So the server reaches the pool through one next hop, the clients' 10.97.0.2 (one ARP entry each way).
    await run('ip', ['-n', clients, 'addr', 'add', `${STORM_NET.clientHop}/32`, 'dev', clientIf]);
    await run('ip', ['-n', server, 'route', 'add', STORM_NET.poolCidr, 'via', STORM_NET.clientHop, 'dev', serverIf]);
    return { server, clients, remove };
  } catch (err) {
    await remove();
    throw err;
  }
}
