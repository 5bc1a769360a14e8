/**
 * Real peers on loopback for the webhook and Discord channels: an HTTP receiver that records every
 * request and answers from a script, and a DNS server (dns2) whose answers a test changes.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import dns2 from 'dns2';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The address the request arrived on (which local address the sender connected to). */
  localAddress: string;
}

/** How to answer one request: a status with headers and body, or `hang` (never answer). */
export type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

export interface Receiver {
  port: number;
  url(path?: string, host?: string): string;
  received: Received[];
  /** Answers for the next requests, in order; 200 `ok` when the script is empty. */
  script: Answer[];
  close(): Promise<void>;
}

export async function startReceiver(host = '127.0.0.1', listenPort = 0): Promise<Receiver> {
  const received: Received[] = [];
  const script: Answer[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        localAddress: req.socket.localAddress ?? '',
      });
      const answer = script.shift() ?? { status: 200, body: 'ok' };
      if (answer === 'hang') {
        hanging.push(res);
        return;
      }
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(listenPort, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (path = '/hook', name = host) => `http://${name}:${port}${path}`,
    received,
    script,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface DnsPeer {
  /** `127.0.0.1:<port>`, for DNS_SERVERS. */
  server: string;
  /** Answers per name, consumed in order (the last one repeats). */
  answers: Map<string, string[]>;
  /** Every name asked (A queries). */
  asked: string[];
  close(): Promise<void>;
}

export async function startDns(): Promise<DnsPeer> {
  const answers = new Map<string, string[]>();
  const asked: string[] = [];
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = dns2.Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      const name = question?.name ?? '';
      if (question?.type === dns2.Packet.TYPE.A) {
        asked.push(name);
        const list = answers.get(name) ?? [];
        const address = list.length > 1 ? list.shift() : list[0];
        if (address !== undefined)
          // dns2's types ask for a `toBuffer` its own encoder does not need on answers.
          response.answers.push({
            name,
            type: dns2.Packet.TYPE.A,
            class: dns2.Packet.CLASS.IN,
            ttl: 0,
            address,
          } as unknown as (typeof response.answers)[number]);
      }
      send(response);
    },
  });
  const bound = await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  const port = (bound.udp as AddressInfo).port;
  return {
    server: `127.0.0.1:${port}`,
    answers,
    asked,
    close: () => server.close(),
  };
}
