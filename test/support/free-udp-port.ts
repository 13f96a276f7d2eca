// A UDP port free on loopback right now (bind to 0, read it, close): for tests that start a TFTP or DHCP listener.
import { createSocket } from 'node:dgram';

export function freeUdpPort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}
