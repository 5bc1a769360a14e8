/** The Node HTTP server around the app, with graceful shutdown. */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { Logger } from './platform/log.ts';

export interface RunningServer {
  server: Server;
  port: number;
  /** Stops accepting, lets in-flight requests finish within `graceMs`, then cuts what is left. */
  shutdown(graceMs: number): Promise<{ cutConnections: boolean }>;
}

/**
 * @example
 * const s = await listen(app.fetch, { host: '127.0.0.1', port: 0 }, log); await s.shutdown(5000);
 */
export async function listen(
  fetch: (req: Request, env: unknown) => Response | Promise<Response>,
  where: { host: string; port: number },
  log: Logger,
): Promise<RunningServer> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch, hostname: where.host, port: where.port }, () => resolve(s as Server)) as Server;
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ host: where.host, port }, 'listening');

  let closing: Promise<{ cutConnections: boolean }> | undefined;
  // While closing, a keep-alive connection whose last request just finished must be closed too,
  // or shutdown would wait out the whole grace period for clients that keep connections open.
  server.on('request', (_req, res) => {
    if (closing) res.setHeader('Connection', 'close');
    res.once('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });
  const shutdown = (graceMs: number) =>
    (closing ??= new Promise((resolve) => {
      let cut = false;
      const timer = setTimeout(() => {
        cut = true;
        server.closeAllConnections();
      }, graceMs);
      server.close(() => {
        clearTimeout(timer);
        resolve({ cutConnections: cut });
      });
      server.closeIdleConnections();
    }));
  return { server, port, shutdown };
}
