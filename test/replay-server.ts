/**
 * A local HTTP server on 127.0.0.1 for adapter tests: it answers from hand-written fixtures and
 * plays scripted troubles once per request key (a status with `Retry-After`, a request that never
 * answers, a body cut off mid-transfer, truncated or malformed JSON). Every request is recorded.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Behaviour =
  'ok' | 'hang' | 'truncated' | 'cut' | 'malformed' | { status: number; retryAfter?: string; body?: string };

export interface Route {
  /** Names the request in `requests` and in `script`. */
  key: string;
  body: string;
  status?: number;
  contentType?: string;
  /** What to play when the script has nothing for this key (default `ok`). */
  fallback?: Behaviour;
}

export interface Replay {
  baseUrl: string;
  /** Behaviours to play once, in order, per request key. */
  script: Map<string, Behaviour[]>;
  requests: { key: string; url: URL; headers: IncomingHttpHeaders }[];
  reset(): void;
  close(): Promise<void>;
}

function respond(res: ServerResponse, behaviour: Behaviour, route: Route, hanging: ServerResponse[]): void {
  const type = { 'content-type': route.contentType ?? 'application/json; charset=utf-8' };
  if (behaviour === 'hang') return void hanging.push(res);
  if (typeof behaviour === 'object') {
    res.writeHead(behaviour.status, {
      ...type,
      ...(behaviour.retryAfter ? { 'retry-after': behaviour.retryAfter } : {}),
    });
    return void res.end(behaviour.body ?? JSON.stringify({ error: 'Upstream trouble.', status: behaviour.status }));
  }
  const body = route.body;
  if (behaviour === 'cut') {
    res.writeHead(200, { ...type, 'content-length': String(Buffer.byteLength(body)) });
    res.write(body.slice(0, Math.min(20, body.length - 1)));
    return void setImmediate(() => res.destroy());
  }
  const text =
    behaviour === 'truncated'
      ? body.slice(0, Math.floor(body.length * 0.6))
      : behaviour === 'malformed'
        ? body.replace(/^\s*([[{])/, '$1,')
        : body;
  res.writeHead(route.status ?? 200, type);
  res.end(text);
}

/**
 * Starts a replay server; `route` turns a request into a fixture (null answers 404).
 *
 * @example
 * const replay = await startReplay((url) => (url.pathname === '/v2/en/sets' ? { key: 'sets', body: '[]' } : null));
 */
export async function startReplay(route: (url: URL, headers: IncomingHttpHeaders) => Route | null): Promise<Replay> {
  const script = new Map<string, Behaviour[]>();
  const requests: Replay['requests'] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const found = route(url, req.headers);
    const r = found ?? { key: `404:${url.pathname}`, status: 404, body: JSON.stringify({ error: 'Not Found' }) };
    requests.push({ key: r.key, url, headers: req.headers });
    respond(res, script.get(r.key)?.shift() ?? r.fallback ?? 'ok', r, hanging);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    script,
    requests,
    reset() {
      script.clear();
      requests.length = 0;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Records requested waits instead of sleeping (backoff and Retry-After). */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}
