// nginx as the HTTP peer: one worker, sendfile on, no access log, serving one directory (config rendered per run).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes DIR/nginx.conf and returns the argv that runs nginx in the foreground with it. */
export function nginxArgv(dir: string, www: string, listen: string): string[] {
  const tmp = join(dir, 'nginx-tmp');
  mkdirSync(tmp, { recursive: true });
  const conf = `
worker_processes 1;
daemon off;
user root;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'nginx-error.log')} warn;
events { worker_connections 8192; }
http {
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  access_log off;
  default_type application/octet-stream;
  client_body_temp_path ${tmp}/body;
  proxy_temp_path ${tmp}/proxy;
  fastcgi_temp_path ${tmp}/fastcgi;
  uwsgi_temp_path ${tmp}/uwsgi;
  scgi_temp_path ${tmp}/scgi;
  server {
    listen ${listen} backlog=4096;
    root ${www};
    location / { }
  }
}
`;
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, conf);
  return ['nginx', '-p', dir, '-c', file, '-e', join(dir, 'nginx-error.log')];
}
