// The baseline's HTTP side (run inside the lab namespace next to dnsmasq): stage0's boot URL layout, one JSON log line per request.
// Usage: node --import tsx baseline-http-server.ts <listenIp> <port> <wwwDir> <assetsDir> <logFile>
import { createReadStream, appendFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { basename, join } from 'node:path';

/** One line of the baseline HTTP log (JSON Lines). */
export interface HttpLogLine {
  time: string;
  remote: string;
  method: string;
  url: string;
  status: number;
}

function main(argv: string[]): void {
  const [listen, port, wwwDir, assetsDir, logFile] = argv;
  if (!listen || !port || !wwwDir || !assetsDir || !logFile) throw new Error('usage: baseline-http-server <ip> <port> <www> <assets> <log>');
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let file: string | null = null;
    if (url.pathname === '/boot.ipxe') file = join(wwwDir, 'boot.ipxe');
    else if (url.pathname.startsWith('/boot/assets/')) file = join(assetsDir, basename(url.pathname));
    let status = 404;
    if (url.pathname === '/boot/callback') {
      status = 200;
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (file) {
      try {
        const size = statSync(file).size;
        status = 200;
        res.writeHead(200, { 'content-length': size, 'content-type': 'application/octet-stream' });
        if (req.method === 'HEAD') res.end();
        else createReadStream(file).pipe(res);
      } catch {
        res.writeHead(404).end();
      }
    } else res.writeHead(404).end();
    const line: HttpLogLine = { time: new Date().toISOString(), remote: req.socket.remoteAddress ?? '', method: req.method ?? '', url: req.url ?? '', status };
    appendFileSync(logFile, JSON.stringify(line) + '\n');
  });
  server.listen(Number(port), listen);
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
