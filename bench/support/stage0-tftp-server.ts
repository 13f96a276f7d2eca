// stage0's TFTP listener alone (the code `stage0 serve` runs), serving one directory: the bench's server process.
// Run: node --import tsx bench/support/stage0-tftp-server.ts ROOT ADDRESS PORT   (SIGTERM stops it and prints stats)
import { startTftpServer } from '../../src/net/tftp-listener.ts';
import { directoryFileSource } from '../../src/boot/tftp/directory-file-source.ts';

const [root, address = '127.0.0.1', port = '69'] = process.argv.slice(2);
if (!root) throw new Error('usage: stage0-tftp-server.ts ROOT [ADDRESS] [PORT]');
const server = await startTftpServer({ address, port: Number(port), source: directoryFileSource(root), maxWindowsize: 64 });
console.log(JSON.stringify({ ready: server.port }));
process.on('SIGTERM', () => {
  console.log(JSON.stringify({ stats: server.stats() }));
  void server.close().then(() => process.exit(0));
});
