/**
 * Several `cardquant` processes on one PostgreSQL database, and a client that spreads load over
 * the `serve` processes the way the nginx example (deploy/nginx/cardquant.conf) does: round-robin,
 * and a GET that cannot connect, loses its connection before an answer, or meets a 502/503 is
 * retried on the next process (`proxy_next_upstream error timeout http_502 http_503`, 3 tries).
 * test/multi-process.test.ts proves the deployment properties with it; bench/harness.ts measures.
 */
import { Agent, request } from 'node:http';
import { BUDGET } from './budget.ts';
import { spawnCli, type CliProcess } from './process.ts';

/**
 * The port a `serve` started with `PORT=0` bound (the kernel's pick), from its `listening` log
 * line: no port is chosen here and released before the process binds it, which another test
 * running in parallel could take in between.
 */
function boundPort(serve: CliProcess): number {
  const port = serve.jsonLines().find((l) => l.msg === 'listening')?.port;
  if (typeof port !== 'number') throw new Error(`no listening line\n${serve.stdout}\n${serve.stderr}`);
  return port;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const agents = new Map<number, Agent>();
function agentFor(port: number): Agent {
  let agent = agents.get(port);
  if (!agent) agents.set(port, (agent = new Agent({ keepAlive: true, maxSockets: 64 })));
  return agent;
}

/** Closes the keep-alive connections of every port's agent. */
export function closeAgents(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}

/** One GET to one process; rejects when no answer arrives (refused, reset, timed out). */
export function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'GET', headers, agent: agentFor(port), timeout: 30_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** Polls `GET /readyz` until it answers 200 (a condition, with a deadline against a hang). */
export async function waitReady(port: number, timeoutMs: number = BUDGET.processStartMs): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let last = 'no answer';
  while (performance.now() < deadline) {
    try {
      const res = await get(port, '/readyz');
      if (res.status === 200) return;
      last = `${res.status} ${res.body}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`port ${port} not ready within ${timeoutMs} ms: ${last}`);
}

export interface BalancerCounts {
  /** Requests the client made (each counted once, whatever its tries). */
  requests: number;
  /** Answered 2xx or 304. */
  ok: number;
  /** Answered 429 (rate limited). */
  limited: number;
  /** Anything else: another status, or no answer from any try. */
  failed: number;
  /** Extra tries on the next process after a refused or lost connection or a 502/503. */
  retries: number;
  /** Answers per port. */
  byPort: Record<number, number>;
  /** The first few failures, for the assertion message. */
  failures: string[];
}

/**
 * A client-side load balancer over `ports`, as the nginx example is configured: each request
 * starts at the next port in turn and what nginx retries is retried on the following ports, up
 * to `tries` distinct ports; a port that refused or lost a connection is passed over for
 * `failTimeoutMs` (nginx's `max_fails=1 fail_timeout=…`), unless every port is.
 */
export class RoundRobin {
  private next = 0;
  private readonly downUntil = new Map<number, number>();
  counts: BalancerCounts = { requests: 0, ok: 0, limited: 0, failed: 0, retries: 0, byPort: {}, failures: [] };

  constructor(
    readonly ports: number[],
    private readonly tries = 3,
    private readonly failTimeoutMs = 1000,
  ) {}

  /** The ports this request tries, in order: live ones first, from the next in turn. */
  private order(): number[] {
    const start = this.next++;
    const now = performance.now();
    const all = this.ports.map((_, j) => this.ports[(start + j) % this.ports.length]!);
    const live = all.filter((p) => (this.downUntil.get(p) ?? 0) <= now);
    return [...live, ...all.filter((p) => !live.includes(p))].slice(0, this.tries);
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Answer | null> {
    const c = this.counts;
    c.requests++;
    let problem = '';
    const order = this.order();
    for (const [attempt, port] of order.entries()) {
      if (attempt > 0) c.retries++;
      try {
        const res = await get(port, path, headers);
        if (res.status === 502 || res.status === 503) {
          problem = `${port} ${path}: ${res.status} ${res.body.slice(0, 200)}`;
          continue;
        }
        c.byPort[port] = (c.byPort[port] ?? 0) + 1;
        if (res.status === 429) c.limited++;
        else if (res.status < 300 || res.status === 304) c.ok++;
        else {
          c.failed++;
          if (c.failures.length < 5) c.failures.push(`${port} ${path}: ${res.status} ${res.body.slice(0, 200)}`);
        }
        return res;
      } catch (err) {
        problem = `${port} ${path}: ${(err as Error).message}`;
        this.downUntil.set(port, performance.now() + this.failTimeoutMs);
      }
    }
    c.failed++;
    if (c.failures.length < 5) c.failures.push(problem);
    return null;
  }
}

/**
 * Runs `concurrency` loops of requests (each loop: the next path of `paths(i)`, from its own
 * client address) until `stop` resolves; resolves with the requests made and the elapsed time.
 */
export async function driveLoad(
  balancer: RoundRobin,
  options: { concurrency: number; path: (i: number) => string; stop: Promise<unknown> },
): Promise<{ elapsedMs: number }> {
  let stopped = false;
  void options.stop.then(() => (stopped = true));
  const started = performance.now();
  let i = 0;
  const loop = async () => {
    while (!stopped) {
      const n = i++;
      // A fresh client address per request (documentation range 198.18.0.0/15): public-read load
      // from many clients, none near its anonymous rate limit.
      const ip = `198.18.${(n >> 8) & 255}.${n & 255}`;
      await balancer.get(options.path(n), { 'X-Forwarded-For': ip });
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  return { elapsedMs: performance.now() - started };
}

export interface ClusterOptions {
  cwd: string;
  databaseUrl: string;
  serve: number;
  workers: number;
  /** Settings every process gets. */
  env: Record<string, string>;
  /** Settings of the workers only. */
  workerEnv?: Record<string, string>;
  /** Commands started together with the processes (e.g. `demo` seeding), run to completion. */
  alongside?: string[][];
}

export interface Cluster {
  /** The serve processes' ports, in order; `restartServe(i)` replaces entry i in place. */
  ports: number[];
  serves: CliProcess[];
  workers: CliProcess[];
  alongside: CliProcess[];
  /** Every process ever started (restarted serves included), for the log checks. */
  all: CliProcess[];
  /**
   * SIGTERM to serve `i`, wait for its exit, start it again on a port of the kernel's choosing,
   * wait until ready, and put that port in `ports[i]` (a balancer built over `ports` then sends
   * load there, as one whose upstream list is updated would).
   */
  restartServe(i: number): Promise<{ exitCode: number | null; cutConnections: unknown }>;
}

/** Starts every process at once (so they race for the migrations) and waits until each is ready. */
export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  const base = { DATABASE_URL: o.databaseUrl, LOG_LEVEL: 'info', ...o.env };
  const startServe = () => spawnCli(['serve'], { cwd: o.cwd, env: { ...base, HOST: '127.0.0.1', PORT: '0' } });
  const serves = Array.from({ length: o.serve }, startServe);
  const workers = Array.from({ length: o.workers }, () =>
    spawnCli(['worker'], { cwd: o.cwd, env: { ...base, ...o.workerEnv } }),
  );
  const alongside = (o.alongside ?? []).map((args) => spawnCli(args, { cwd: o.cwd, env: base }));
  const all = [...serves, ...workers, ...alongside];
  await Promise.all([
    ...[...serves, ...workers].map((p) => p.waitForStdout(/"msg":"ready"/, BUDGET.processRunMs)),
    ...alongside.map(async (p) => {
      const exit = await p.waitForExit(BUDGET.processRunMs);
      if (exit.code !== 0) throw new Error(`cardquant ${p.args.join(' ')} failed\n${p.stdout}\n${p.stderr}`);
    }),
  ]);
  const ports = serves.map(boundPort);
  await Promise.all(ports.map((port) => waitReady(port)));
  return {
    ports,
    serves,
    workers,
    alongside,
    all,
    async restartServe(i) {
      const old = serves[i]!;
      const exit = await old.stop('SIGTERM');
      const stopped = old.jsonLines().find((l) => l.msg === 'stopped');
      const fresh = startServe();
      serves[i] = fresh;
      all.push(fresh);
      await fresh.waitForStdout(/"msg":"ready"/, BUDGET.processRunMs);
      const port = boundPort(fresh);
      await waitReady(port);
      ports[i] = port;
      return { exitCode: exit.code, cutConnections: stopped?.cutConnections };
    },
  };
}
