/**
 * The deployment examples (Dockerfile, compose.yaml, deploy/nginx, deploy/systemd) checked by
 * what runs here, since no container engine does: every command they run is a real `cardquant`
 * command with real options, every setting they set is a setting, every port and health check
 * points at a route that exists, the load balancer points at the serve service, the image is
 * multi-stage and runs as a non-root user, and the health-check commands themselves pass against
 * a running `cardquant serve` and fail once it stops.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { program } from '../src/cli.ts';
import { configSchema, loadConfig } from '../src/config.ts';
import { healthRoute, readyRoute } from '../src/features/ops/health.routes.ts';
import { BUDGET } from './budget.ts';
import { startCliReady, stopAll } from './process.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const SETTINGS = new Set(Object.keys(configSchema.shape));
/** Variables the examples may set that are not settings: the JSON settings file, Node's mode. */
const NOT_SETTINGS = new Set(['CARDQUANT_CONFIG', 'NODE_ENV']);
const PROBES = new Set([healthRoute.path, readyRoute.path]);

/**
 * What is wrong with `cardquant <argv>` according to the real command tree: an unknown command,
 * a group without its subcommand, an unknown option, a missing option value or a value outside
 * its choices, too few or too many arguments. Empty when the command would parse.
 */
function commandProblems(argv: string[]): string[] {
  let cmd: Command = program();
  let i = 0;
  const path = ['cardquant'];
  while (i < argv.length && !argv[i]!.startsWith('-') && cmd.commands.length > 0) {
    const sub = cmd.commands.find((c) => c.name() === argv[i] || c.aliases().includes(argv[i]!));
    if (!sub) return [`${path.join(' ')}: no command "${argv[i]}"`];
    cmd = sub;
    path.push(argv[i]!);
    i++;
  }
  const where = path.join(' ');
  if (cmd.commands.length > 0)
    return [`${where}: needs a subcommand (${cmd.commands.map((c) => c.name()).join(', ')})`];
  const problems: string[] = [];
  const positional: string[] = [];
  for (; i < argv.length; i++) {
    const token = argv[i]!;
    if (!token.startsWith('-')) {
      positional.push(token);
      continue;
    }
    const [flag, inline] = token.split(/=(.*)/s, 2) as [string, string | undefined];
    const option = cmd.options.find((o) => o.long === flag || o.short === flag);
    if (!option) {
      problems.push(`${where}: no option ${flag}`);
      continue;
    }
    let value = inline;
    if (option.required && value === undefined) {
      value = argv[++i];
      if (value === undefined) problems.push(`${where}: ${flag} needs a value`);
    }
    if (value !== undefined && option.argChoices && !option.argChoices.includes(value))
      problems.push(`${where}: ${flag} takes one of ${option.argChoices.join(', ')}, not ${value}`);
  }
  const declared = cmd.registeredArguments;
  const required = declared.filter((a) => a.required).length;
  const variadic = declared.some((a) => a.variadic);
  if (positional.length < required) problems.push(`${where}: needs ${required} argument(s)`);
  if (!variadic && positional.length > declared.length)
    problems.push(`${where}: takes ${declared.length} argument(s), got ${positional.join(' ')}`);
  return problems;
}

/** Setting names of `env` that are not settings (nor the two allowed other variables). */
const unknownNames = (names: Iterable<string>) => [...names].filter((n) => !SETTINGS.has(n) && !NOT_SETTINGS.has(n));

/** Instructions of a Dockerfile: continuation lines joined, comments and blank lines dropped. */
function dockerInstructions(text: string): { op: string; args: string }[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [op = '', ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

/** The command a JSON-form (exec) Dockerfile or compose health check runs, as argv. */
function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) throw new Error(`not exec form: ${args}`);
  return parsed as string[];
}

/** Sections of a systemd unit: key → values (a key may repeat). */
function unitFile(text: string): Record<string, Record<string, string[]>> {
  const sections: Record<string, Record<string, string[]>> = {};
  let current: Record<string, string[]> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = sections[header[1]!] ??= {};
      continue;
    }
    const eq = line.indexOf('=');
    (current[line.slice(0, eq)] ??= []).push(line.slice(eq + 1));
  }
  return sections;
}

/** `KEY=value` pairs of an environment file or a systemd `Environment=` line. */
function envPairs(text: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const line of text.split(/\n| (?=[A-Z_]+=)/)) {
    const m = /^\s*([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) pairs.set(m[1]!, m[2]!.trim());
  }
  return pairs;
}

/** The arguments after `bin/cardquant.js` in a command line (or null when it runs something else). */
function cardquantArgv(argv: string[]): string[] | null {
  const at = argv.findIndex((a) => a.endsWith('bin/cardquant.js'));
  return at === -1 ? null : argv.slice(at + 1);
}

describe('the command checker', () => {
  it('accepts real commands and refuses wrong ones', () => {
    expect(commandProblems(['serve'])).toEqual([]);
    expect(commandProblems(['migrate', 'up'])).toEqual([]);
    expect(commandProblems(['keys', 'create', '--role', 'admin', '--name=ops'])).toEqual([]);
    expect(commandProblems(['serv'])).toEqual(['cardquant: no command "serv"']);
    expect(commandProblems(['migrate'])).toEqual(['cardquant migrate: needs a subcommand (up, status)']);
    expect(commandProblems(['serve', '--replicas=3'])).toEqual(['cardquant serve: no option --replicas']);
    expect(commandProblems(['serve', 'now'])).toEqual(['cardquant serve: takes 0 argument(s), got now']);
    expect(commandProblems(['keys', 'create', '--role', 'root'])).toEqual([
      'cardquant keys create: --role takes one of viewer, operator, admin, not root',
    ]);
    expect(commandProblems(['keys', 'revoke'])).toEqual(['cardquant keys revoke: needs 1 argument(s)']);
  });
});

describe('Dockerfile and .dockerignore', () => {
  const steps = dockerInstructions(read('Dockerfile'));
  const stages = steps.filter((s) => s.op === 'FROM');
  const finalStage = steps.slice(steps.lastIndexOf(stages.at(-1)!));

  it('builds in one stage and runs from a slim one holding the built app and production dependencies', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const buildStage = /\bAS\s+(\S+)/i.exec(stages[0]!.args)?.[1];
    expect(buildStage, 'the first stage is named').toBeDefined();
    const build = steps.slice(0, steps.indexOf(stages[1]!)).map((s) => `${s.op} ${s.args}`);
    expect(build.some((l) => /^RUN .*npm ci\b/.test(l))).toBe(true);
    expect(
      build.some((l) => /^RUN .*npm run build\b/.test(l)),
      'dist/ and the web app',
    ).toBe(true);
    expect(
      build.some((l) => /^RUN .*npm prune --omit=dev\b/.test(l)),
      'production dependencies only',
    ).toBe(true);
    const copied = finalStage
      .filter((s) => s.op === 'COPY' && s.args.includes(`--from=${buildStage}`))
      .flatMap((s) => s.args.split(/\s+/).filter((a) => a.startsWith('/app/')));
    for (const needed of ['/app/dist', '/app/bin', '/app/web/build', '/app/node_modules', '/app/package.json'])
      expect(copied, needed).toContain(needed);
    // What those copies hold: dist/ carries the migrations, the web app is served from web/build.
    expect(read('scripts/build.mjs')).toMatch(/platform', 'db', 'migrations'/);
    expect(read('src/features/web/web-app.ts')).toMatch(/'\.\.\/\.\.\/\.\.\/web\/build'/);
  });

  it('runs cardquant as a non-root user with a health check on a probe route', () => {
    const users = finalStage.filter((s) => s.op === 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0', '0:0']).not.toContain(users.at(-1)!.args.trim());
    const health = finalStage.find((s) => s.op === 'HEALTHCHECK');
    expect(health).toBeDefined();
    expect(PROBES).toContain(/'(\/[a-z]+)'/.exec(health!.args)?.[1]);
    expect(health!.args).not.toMatch(/\bcurl\b|\bwget\b/);
    const entry = execForm(finalStage.find((s) => s.op === 'ENTRYPOINT')!.args);
    const cmd = execForm(finalStage.find((s) => s.op === 'CMD')!.args);
    const argv = cardquantArgv([...entry, ...cmd]);
    expect(argv, 'the entry point runs bin/cardquant.js').not.toBeNull();
    expect(commandProblems(argv!)).toEqual([]);
    const env = envPairs(
      finalStage
        .filter((s) => s.op === 'ENV')
        .map((s) => s.args)
        .join(' '),
    );
    expect(unknownNames(env.keys())).toEqual([]);
    expect(env.get('HOST'), 'reachable from outside the container').toBe('0.0.0.0');
  });

  it('keeps local builds, data and secrets out of the build context, and every build input in', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    for (const p of ['node_modules', 'dist', '.git', 'data', '.env', 'deploy/secrets']) expect(ignored).toContain(p);
    const matches = (pattern: string, path: string) =>
      pattern.startsWith('*.') ? path.endsWith(pattern.slice(1)) : path === pattern || path.startsWith(`${pattern}/`);
    const inputs = [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'bin/cardquant.js',
      'scripts/build.mjs',
      'src/main.ts',
      // The web app's sources: what is in web/ and not a local build output (.gitignore).
      ...readdirSync(join(ROOT, 'web'))
        .map((f) => `web/${f}`)
        .filter((f) => !read('.gitignore').split('\n').includes(`${f}/`)),
    ];
    for (const input of inputs)
      expect(
        ignored.filter((p) => matches(p, input)),
        input,
      ).toEqual([]);
  });
});

describe('compose.yaml', () => {
  const compose = parseYaml(read('compose.yaml'), { merge: true }) as {
    services: Record<string, Service>;
    secrets?: Record<string, { file: string }>;
    volumes?: Record<string, unknown>;
  };
  type Service = {
    image?: string;
    build?: unknown;
    command?: string[] | string;
    environment?: Record<string, string> | string[];
    deploy?: { replicas?: number };
    healthcheck?: { test?: string[]; disable?: boolean };
    depends_on?: Record<string, { condition: string }>;
    volumes?: string[];
    secrets?: string[];
    ports?: string[];
  };
  const services = compose.services;
  const cardquant = Object.entries(services).filter(([, s]) => s.build !== undefined);
  const env = (s: Service): Record<string, string> =>
    Array.isArray(s.environment)
      ? Object.fromEntries(s.environment.map((kv) => kv.split(/=(.*)/s, 2) as [string, string]))
      : (s.environment ?? {});
  const serve = services.serve!;
  const worker = services.worker!;

  it('runs real cardquant commands with real settings', () => {
    expect(cardquant.map(([name]) => name).sort()).toEqual(['migrate', 'serve', 'worker']);
    for (const [name, service] of cardquant) {
      const argv = typeof service.command === 'string' ? service.command.split(/\s+/) : service.command!;
      expect(commandProblems(argv), name).toEqual([]);
      expect(unknownNames(Object.keys(env(service))), name).toEqual([]);
      // Every value parses (CARDQUANT_CONFIG names the secret file, which exists only on the host).
      const { CARDQUANT_CONFIG: _file, ...plain } = env(service);
      expect(() => loadConfig(plain), name).not.toThrow();
    }
    expect(serve.command).toEqual(['serve']);
    expect(worker.command).toEqual(['worker']);
    expect(services.migrate!.command).toEqual(['migrate', 'up']);
  });

  it('runs N serve and M worker processes after one migration', () => {
    expect(serve.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(worker.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(services.migrate!.depends_on?.postgres?.condition).toBe('service_healthy');
    for (const s of [serve, worker]) expect(s.depends_on?.migrate?.condition).toBe('service_completed_successfully');
    expect(services.postgres!.healthcheck?.test).toContain('pg_isready');
  });

  it('checks serve readiness on its port and leaves the health check off where nothing listens', () => {
    const port = env(serve).PORT;
    expect(port).toBe('8787');
    expect(env(serve).HOST).toBe('0.0.0.0');
    const check = serve.healthcheck!.test!.join(' ');
    expect(check).toMatch(/process\.env\.PORT/);
    expect(PROBES).toContain(/'(\/[a-z]+)'/.exec(check)?.[1]);
    expect(worker.healthcheck?.disable).toBe(true);
    expect(services.migrate!.healthcheck?.disable).toBe(true);
  });

  it('puts nginx in front of the serve service and port, trusted as the one proxy', () => {
    const lb = services.lb!;
    expect(lb.depends_on?.serve?.condition).toBe('service_healthy');
    const mount = lb.volumes!.find((v) => v.includes('/etc/nginx/'))!;
    const confPath = mount.split(':')[0]!.replace(/^\.\//, '');
    const conf = read(confPath);
    const upstream = /upstream\s+(\S+)\s*\{([^}]*)\}/.exec(conf);
    expect(upstream).not.toBeNull();
    const servers = [...upstream![2]!.matchAll(/^\s*server\s+([^\s:;]+):(\d+)/gm)].map((m) => [m[1], m[2]]);
    expect(servers).toEqual([['serve', env(serve).PORT]]);
    expect(conf).toMatch(new RegExp(`proxy_pass\\s+http://${upstream![1]};`));
    expect(conf).toMatch(/proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;/);
    expect(env(serve).TRUST_PROXY).toBe('true');
    expect(env(serve).TRUSTED_PROXIES).toBe('1');
    expect(serve.ports, 'serve is reached only through the load balancer').toBeUndefined();
  });

  it('takes secrets from a settings file whose example names real settings and the compose database', () => {
    for (const [name, service] of cardquant) {
      expect(service.secrets, name).toContain('cardquant');
      expect(env(service).CARDQUANT_CONFIG).toBe('/run/secrets/cardquant');
    }
    expect(compose.secrets!.cardquant!.file).toBe('./deploy/secrets/cardquant.json');
    const example = JSON.parse(read('deploy/secrets.example.json')) as Record<string, string>;
    expect(unknownNames(Object.keys(example))).toEqual([]);
    const url = new URL(example.DATABASE_URL!);
    const pgEnv = env(services.postgres!);
    expect([url.hostname, url.port, url.username, url.pathname]).toEqual([
      'postgres',
      '5432',
      pgEnv.POSTGRES_USER,
      `/${pgEnv.POSTGRES_DB}`,
    ]);
    // The placeholders are refused, so nobody runs with them by mistake.
    expect(() => loadConfig(example)).toThrow(/DATA_ENCRYPTION_KEY/);
    expect(read('deploy/secrets/.gitignore')).toMatch(/^\*$/m);
  });
});

describe('systemd units', () => {
  const dir = 'deploy/systemd';
  const units = readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.service'));
  const envFile = envPairs(read(`${dir}/cardquant.env.example`));

  it('has a migration, a serve template (port as instance) and a worker template', () => {
    expect(units.sort()).toEqual([
      'cardquant-migrate.service',
      'cardquant-serve@.service',
      'cardquant-worker@.service',
    ]);
  });

  it.each(units)('%s runs a real command, as a non-root user, hardened, with real settings', (unit) => {
    const { Unit = {}, Service = {} } = unitFile(read(`${dir}/${unit}`));
    const argv = cardquantArgv(Service.ExecStart![0]!.split(/\s+/));
    expect(argv).not.toBeNull();
    expect(commandProblems(argv!)).toEqual([]);
    expect(Service.User?.[0]).toMatch(/^(?!root$)\w+$/);
    expect(Service.EnvironmentFile).toEqual(['/etc/cardquant/cardquant.env']);
    const own = envPairs((Service.Environment ?? []).join('\n'));
    expect(unknownNames(own.keys())).toEqual([]);
    for (const [key, value] of [
      ['NoNewPrivileges', 'yes'],
      ['ProtectSystem', 'strict'],
      ['ProtectHome', 'yes'],
      ['PrivateTmp', 'yes'],
      ['CapabilityBoundingSet', ''],
    ])
      expect(Service[key!], key).toEqual([value]);
    expect(Unit.After?.join(' ')).toMatch(/postgresql\.service/);
    if (unit !== 'cardquant-migrate.service') {
      expect(Service.Restart).toEqual(['on-failure']);
      expect(Unit.Wants?.join(' ')).toMatch(/cardquant-migrate\.service/);
      // Stopping waits longer than the process's own grace, so SIGKILL never cuts a clean shutdown.
      const graceMs = Number(envFile.get('SHUTDOWN_GRACE_MS'));
      expect(Number(/^(\d+)s$/.exec(Service.TimeoutStopSec![0]!)![1]) * 1000).toBeGreaterThan(graceMs);
      expect(Service.KillSignal).toEqual(['SIGTERM']);
    }
    if (unit === 'cardquant-serve@.service') expect(own.get('PORT')).toBe('%i');
  });

  it('has an environment file of real settings that parse', () => {
    expect(unknownNames(envFile.keys())).toEqual([]);
    const { DATA_ENCRYPTION_KEY: _placeholder, ...rest } = Object.fromEntries(envFile);
    expect(() => loadConfig(rest)).not.toThrow();
  });

  const verifier = spawnSync('systemd-analyze', ['--version']).status === 0 && existsSync('/usr/bin/node');
  it.skipIf(!verifier)(
    `systemd-analyze verify accepts every unit${verifier ? '' : ' (skipped: needs systemd-analyze and /usr/bin/node)'}`,
    () => {
      const tmp = mkdtempSync(join(tmpdir(), 'cq-units-'));
      try {
        for (const unit of units) {
          // A template is verified as an instance of itself.
          const name = unit.replace('@.', unit.includes('serve') ? '@8787.' : '@1.');
          copyFileSync(join(ROOT, dir, unit), join(tmp, name));
          const r = spawnSync('systemd-analyze', ['verify', '--man=no', join(tmp, name)], { encoding: 'utf8' });
          expect(`${r.stdout}${r.stderr}`.trim(), unit).toBe('');
          expect(r.status, unit).toBe(0);
        }
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    },
  );
});

describe('the health-check commands against a running serve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cq-deploy-'));
  afterAll(async () => {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pass while it answers and fail once it stops', async () => {
    const dockerfile = dockerInstructions(read('Dockerfile'));
    const imageCheck = execForm(dockerfile.find((s) => s.op === 'HEALTHCHECK')!.args.replace(/^.*?\bCMD\s+/, ''));
    const composeCheck = (
      parseYaml(read('compose.yaml'), { merge: true }) as { services: { serve: { healthcheck: { test: string[] } } } }
    ).services.serve.healthcheck.test.slice(1);
    const server = await startCliReady(['serve'], {
      cwd: dir,
      env: { DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`, HOST: '127.0.0.1', PORT: '0', WEB_APP: 'false' },
    });
    const port = String(server.jsonLines().find((l) => l.msg === 'listening')!.port);
    const run = (argv: string[]) =>
      spawnSync(argv[0] === 'node' ? process.execPath : argv[0]!, argv.slice(1), {
        env: { ...process.env, PORT: port },
        timeout: BUDGET.processStartMs,
      }).status;
    expect(run(imageCheck)).toBe(0);
    expect(run(composeCheck)).toBe(0);
    await server.stop('SIGTERM');
    expect(run(imageCheck)).toBe(1);
    expect(run(composeCheck)).toBe(1);
  });
});
