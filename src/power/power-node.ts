// Builds the orchestrator's PowerNode from a node's effective bmc.* attributes, opening the sealed password.
import type { PowerNode } from './power-orchestrator.ts';
import { isSealed, type SecretBox } from './secret-box.ts';

type AttrValue = string | number | boolean;

/**
 * bmc.driver, bmc.address, bmc.port, bmc.username, bmc.password (sealed by SecretBox), bmc.insecure.
 * Returns a reason string when the node cannot be powered (no address, password that does not open).
 * A password stored before sealing existed (plain text) is used as is.
 */
export function powerNodeFromAttrs(name: string, attrs: Readonly<Record<string, AttrValue | undefined>>, box: SecretBox): PowerNode | string {
  const address = attrs['bmc.address'];
  if (address === undefined || address === '') return `${name}: bmc.address is not set`;
  const raw = attrs['bmc.password'];
  let password = '';
  if (raw !== undefined) {
    try {
      password = isSealed(raw) ? box.open(raw) : String(raw);
    } catch (e) {
      return `${name}: bmc.password ${(e as Error).message}`;
    }
  }
  const port = attrs['bmc.port'];
  const driver = attrs['bmc.driver'];
  const insecure = attrs['bmc.insecure'];
  return {
    name,
    bmc: {
      address: String(address),
      username: String(attrs['bmc.username'] ?? ''),
      password,
      ...(port !== undefined && port !== '' ? { port: Number(port) } : {}),
      ...(driver !== undefined && driver !== '' ? { driver: String(driver) } : {}),
      ...(insecure === true || insecure === 'true' || insecure === 1 ? { insecure: true } : {}),
    },
  };
}
