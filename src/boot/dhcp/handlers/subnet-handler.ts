// Chooses the subnet a request belongs to (by giaddr when relayed, else by interface); none: not ours to answer.
import { drop, type DhcpHandler } from '../dhcp-handler.ts';
import type { SubnetTable } from '../dhcp-subnets.ts';

export function subnetHandler(table: SubnetTable): DhcpHandler {
  return {
    name: 'subnet',
    async handle(req, res, ctx) {
      const subnet = table.select(req.interface, req.relay ?? '0.0.0.0');
      if (!subnet) return drop(req.relay ? 'no-subnet-for-giaddr' : 'no-subnet-for-interface');
      ctx.subnet = subnet;
      return res;
    },
  };
}
