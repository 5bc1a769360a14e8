/** The Node HTTP server around the app, with graceful shutdown. */
import type { AddressInfo, Socket } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { ErrorCode } from './platform/error-codes.ts';
import { statusTitles } from './platform/errors.ts';
import type { Logger } from './platform/log.ts';

/** What node's HTTP parser refused, as a problem: the request never reaches the app. */
function parserProblem(err: Error & { code?: string; rawPacket?: Buffer }): {
  status: number;
  code: ErrorCode;
  detail: string;
} {
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    // The request line alone overflowing means the URL is too long (node counts it with the headers).
    const packet = err.rawPacket?.subarray(0, 16 * 1024).toString('latin1') ?? '';
    const lineEnd = packet.indexOf('\r\n');
    if (/^[A-Z]+ \//.test(packet) && lineEnd === -1)
      return { status: 414, code: 'uri_too_long', detail: 'The request URL is too long.' };
    return {
      status: 431,
      code: 'header_fields_too_large',
      detail: 'The request line and headers together are too large.',
    };
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return { status: 408, code: 'request_timeout', detail: 'The request headers did not arrive in time.' };
  return {
    status: 400,
    code: 'malformed_request',
    detail: 'The request is not valid HTTP/1.1 (e.g. a control character in a header).',
  };
}

/**
 * Answers a request node's parser refused (oversized headers or URL, malformed syntax) with a
 * problem document instead of node's bare status line, then closes the connection.
 */
function answerClientError(err: Error & { code?: string; rawPacket?: Buffer }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const p = parserProblem(err);
  const body = JSON.stringify({
    type: 'about:blank',
    title: statusTitles[p.status],
    status: p.status,
    code: p.code,
    detail: p.detail,
    instance: '/',
  });
  socket.end(
    `HTTP/1.1 ${p.status} ${statusTitles[p.status]}\r\n` +
      'Content-Type: application/problem+json\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

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
  server.on('clientError', answerClientError);
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
