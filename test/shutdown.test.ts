/**
 * Graceful shutdown of the HTTP server: stop accepting at once, let in-flight requests finish
 * within the grace period, and cut whatever is still open when it runs out.
 */
import { Agent, get as httpGet } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/platform/log.ts';
import { listen, type RunningServer } from '../src/server.ts';

interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A server whose `/slow` answers only when `release` is resolved; `entered` says it started. */
async function startServer() {
  const entered = deferred();
  const release = deferred();
  const fetch = async (req: Request) => {
    if (new URL(req.url).pathname === '/slow') {
      entered.resolve();
      await release.promise;
      return new Response('slow done', { status: 200 });
    }
    return new Response('fast', { status: 200 });
  };
  const server = await listen(fetch, { host: '127.0.0.1', port: 0 }, createLogger('silent'));
  return { server, entered, release };
}

/** Opens a fresh TCP connection: 'connected', or the error code when it is refused. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/**
 * GET over node:http. Without an agent the request says `Connection: close`; with a keep-alive
 * agent the connection stays open after the response, as browsers and load balancers keep it.
 */
function get(port: number, path: string, agent: Agent | false = false): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpGet({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.once('error', reject);
    }).once('error', reject);
  });
}

function track<T>(promise: Promise<T>) {
  const state = { settled: false };
  void promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

const running: RunningServer[] = [];
const agents: Agent[] = [];
afterEach(async () => {
  // shutdown(0) cuts anything a failed test left open; on a server already shut down it is a no-op.
  await Promise.all(running.splice(0).map((s) => s.shutdown(0)));
  for (const agent of agents.splice(0)) agent.destroy();
});

describe('graceful shutdown', () => {
  it('refuses new connections at once while an in-flight request still completes', async () => {
    const { server, entered, release } = await startServer();
    running.push(server);
    expect(await tryConnect(server.port)).toBe('connected');

    const inFlight = get(server.port, '/slow');
    await entered.promise;

    const shutdown = server.shutdown(5000);
    const shutdownState = track(shutdown);
    expect(await tryConnect(server.port)).toBe('ECONNREFUSED');
    expect(shutdownState.settled, 'shutdown waits for the in-flight request').toBe(false);

    release.resolve();
    expect(await inFlight).toEqual({ status: 200, body: 'slow done' });
    expect(await shutdown).toEqual({ cutConnections: false });
    expect(server.server.listening).toBe(false);
  });

  it('cuts a request that outlives the grace period', async () => {
    const { server, entered } = await startServer();
    running.push(server);

    const inFlight = fetch(`http://127.0.0.1:${server.port}/slow`).then(
      (r) => `status ${r.status}`,
      (err: Error) => `failed: ${err.message}`,
    );
    await entered.promise;

    const started = performance.now();
    expect(await server.shutdown(100)).toEqual({ cutConnections: true });
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    expect(await inFlight).toMatch(/^failed/);
  });

  it('a keep-alive connection whose request finished during the grace period is closed without waiting for the grace', async () => {
    const { server, entered, release } = await startServer();
    running.push(server);
    const agent = new Agent({ keepAlive: true });
    agents.push(agent);

    const inFlight = get(server.port, '/slow', agent);
    await entered.promise;
    const shutdown = server.shutdown(500);
    release.resolve();
    expect(await inFlight).toEqual({ status: 200, body: 'slow done' });
    expect(await shutdown).toEqual({ cutConnections: false });
  });

  it('a second shutdown call joins the first', async () => {
    const { server } = await startServer();
    running.push(server);
    const first = server.shutdown(5000);
    expect(server.shutdown(1)).toBe(first);
    expect(await first).toEqual({ cutConnections: false });
  });
});
