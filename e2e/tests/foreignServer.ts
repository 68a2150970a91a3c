import http from 'node:http';
import type net from 'node:net';

/**
 * Another web server on this host, on a port of its own: what any local user
 * or any site a tab has open could run. It serves `pages` (path → HTML) and
 * records the headers of every request it gets, so a test can see what the
 * browser hands to it (cookies for 127.0.0.1 go to every port).
 */
export class ForeignServer {
  readonly requests: Array<{ url: string; headers: http.IncomingHttpHeaders }> = [];
  private readonly server: http.Server;

  constructor(private readonly pages: Record<string, string>) {
    this.server = http.createServer((req, res) => {
      this.requests.push({ url: req.url ?? '', headers: req.headers });
      const page = this.pages[new URL(req.url ?? '/', 'http://x').pathname];
      res.writeHead(page === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page ?? 'not here');
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}
