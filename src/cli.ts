/**
 * The `cardquant` command. Every command reads configuration once, migrates a fresh database
 * first (except `migrate status`, which only reports), and exits non-zero on failure:
 * 2 for invalid configuration, 1 for anything else.
 */
import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { config, withRuntime } from './cli-support.ts';
import { print } from './platform/cli.ts';
import { ConfigError } from './config.ts';
import { writeDigests } from './features/alerts/digest.ts';
import { registerDemoCommand } from './features/demo/demo.cli.ts';
import { registerEmailCommands } from './features/email/email.cli.ts';
import { seedDemo } from './features/demo/demo.service.ts';
import { datasetKind } from './features/ingest/dataset.ts';
import { registerImportCommands } from './features/ingest/ingest.cli.ts';
import { registerProductCommands } from './features/ingest/products.cli.ts';
import { registerPipelineCommands } from './features/pipeline/pipeline.cli.ts';
import { registerBacktestCommands } from './features/backtests/backtests.cli.ts';
import { registerDataKeyCommands } from './features/webhooks/data-key.cli.ts';
import { registerBackupCommands } from './features/backups/backups.cli.ts';
import { deriveReadModels } from './features/market/derive.ts';
import { moverRules } from './features/market/movers.repo.ts';
import { isoInstant } from './platform/clock.ts';
import { openDatabase } from './platform/db/database.ts';
import { runtimeKind } from './platform/entrypoints.ts';
import { AppError } from './platform/errors.ts';
import { MigrationError, migrationStatus } from './platform/db/migrator.ts';
import { createAccessLogger, createLogger } from './platform/log.ts';
import { logShippingFromConfig } from './platform/logship/log-shipping.ts';
import { Scheduler, type Job } from './platform/scheduler.ts';
import { createRuntime, openMigrated, type Runtime } from './runtime.ts';
import { listen } from './server.ts';
import { startHeld } from './platform/background.ts';
import { deliveryWorker } from './delivery-channels.ts';
import { resolveDataKeys } from './platform/data-key.ts';
import { joinServeCluster, resolveProcesses, runServePrimary } from './platform/serve-cluster.ts';

/** `stopping` aborts when the process is told to stop: an in-process pipeline run records its step as interrupted. */
function platformJobs(runtime: Runtime, pipelineInProcess: boolean, stopping: AbortSignal): Job[] {
  return [
    {
      name: 'pipeline.daily',
      cron: runtime.config.PIPELINE_CRON,
      description: 'Run every pipeline step in order (`cardquant pipeline steps` lists them).',
      run: async () => {
        if (pipelineInProcess) {
          const records = await runtime.pipeline.run([], { trigger: 'schedule', signal: stopping });
          return { steps: records.map((r) => `${r.step}:${r.status}`).join(',') };
        }
        // The HTTP process hands the heavy work to a child process, in a background slot (waiting for one).
        const slot = await runtime.background.wait('the scheduled pipeline run');
        const { done } = await startHeld(slot, () => runtime.launcher.launch({ steps: [], trigger: 'schedule' }));
        const code = await done;
        if (code !== 0) throw new Error(`pipeline process exited with code ${code}`);
        return { exitCode: code };
      },
    },
    {
      name: 'alert-digest',
      cron: runtime.config.DIGEST_CRON,
      description:
        'Write the daily digest e-mail of every subscriber who chose one (the firings no digest has listed yet).',
      run: async () => ({
        ...(await writeDigests({
          database: runtime.database,
          clock: runtime.clock,
          newId: runtime.newId,
          box: runtime.dataKeys.box,
        })),
      }),
    },
    {
      name: 'idempotency.purge',
      cron: '17 * * * *',
      description: 'Delete expired Idempotency-Key records.',
      run: async () => ({ deleted: await runtime.platform.idempotency.purgeExpired() }),
    },
    {
      name: 'slo.evaluate',
      cron: '* * * * *',
      description:
        "Evaluate every service level objective and send each burn-rate alert that starts or stops to the operators' channels.",
      run: async () => runtime.slo.evaluate(),
    },
  ];
}

/** First start without sources: an empty database gets the demo dataset before the API is ready. */
async function seedDemoIfEmpty(runtime: Runtime): Promise<void> {
  const cfg = runtime.config;
  if (cfg.PRICE_SOURCES.length > 0 || (await datasetKind(runtime.database.db)) !== 'empty') return;
  const end = isoInstant(runtime.clock.now()).slice(0, 10);
  const summary = await seedDemo(runtime.ingest, {
    cards: cfg.DEMO_CARDS,
    printingsPerCard: 1.5,
    days: cfg.DEMO_DAYS,
    seed: cfg.DEMO_SEED,
    end,
  });
  const derived = await deriveReadModels(runtime.database, runtime.clock, moverRules(runtime.config));
  await runtime.pipeline.run(['signals'], { trigger: 'cli' });
  runtime.log.info(
    { runId: summary.id, rows: summary.accepted, series: derived.series, end },
    'demo data seeded (no PRICE_SOURCES configured)',
  );
}

/**
 * Runs until SIGTERM/SIGINT, then shuts down within SHUTDOWN_GRACE_MS: the HTTP server stops
 * accepting and lets in-flight requests finish while every child process gets SIGTERM (and
 * SIGKILL when the grace runs out) and the delivery worker stops claiming and lets its sends in
 * flight settle; then the scheduler, batched writes, database.
 */
async function runProcess(roles: {
  role: 'start' | 'serve' | 'worker';
  http: boolean;
  scheduler: boolean;
  bootstrap: boolean;
  deliveries: boolean;
}): Promise<void> {
  const startedAt = performance.now();
  const cfg = config();
  const instance = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const logShipping = await logShippingFromConfig(cfg, { role: roles.role });
  // A worker of `serve --processes N` names itself on every line (which worker answered a request).
  const worker = cluster.worker ? { worker: cluster.worker.id, pid: process.pid } : null;
  const runtime = await createRuntime(cfg, {
    instance,
    logShipping,
    replicated: roles.role === 'serve',
    serving: roles.http,
    ...(worker && {
      log: createLogger(cfg.LOG_LEVEL, logShipping?.destination).child(worker),
      accessLog: createAccessLogger(cfg.LOG_LEVEL, logShipping?.destination).child(worker),
    }),
  });
  const { log } = runtime;
  // A worker of `serve --processes N`: its /metrics covers every worker.
  if (cluster.isWorker) joinServeCluster(runtime.metrics.registry);

  if (roles.bootstrap && !cfg.ADMIN_TOKEN) {
    const key = await runtime.keys.ensureBootstrapAdmin();
    if (key) {
      // Printed once for the person at the terminal; never passed to the logger.
      print('');
      print('  No ADMIN_TOKEN is set, so a one-time admin API key was created. It is shown only now:');
      print('');
      print(`    ${key}`);
      print('');
      print(
        '  Use it as "Authorization: Bearer <key>". Only its hash is stored; revoke it with `cardquant keys revoke`.',
      );
      print('');
    }
  }
  if (roles.bootstrap) await seedDemoIfEmpty(runtime);

  const stopping = new AbortController();
  const scheduler = roles.scheduler
    ? new Scheduler(
        runtime.database.db,
        runtime.clock,
        log,
        instance,
        platformJobs(runtime, !roles.http, stopping.signal),
      )
    : undefined;
  scheduler?.start();
  const deliveries = roles.deliveries ? deliveryWorker(runtime, instance) : undefined;
  if (deliveries && deliveries.kinds.length === 0)
    log.warn('no delivery channel is registered; deliveries stay pending until a worker that has one runs');
  deliveries?.start();
  const server = roles.http ? await listen(runtime.app.fetch, { host: cfg.HOST, port: cfg.PORT }, log) : undefined;
  log.info({ database: runtime.database.describe(), startupMs: Math.round(performance.now() - startedAt) }, 'ready');

  let stopAt = 0;
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      stopAt = performance.now();
      log.info({ signal }, 'shutting down');
      stopping.abort(new Error(`stopped by ${signal}`));
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  const [result, children, sends] = await Promise.all([
    server?.shutdown(cfg.SHUTDOWN_GRACE_MS),
    runtime.background.stop(cfg.SHUTDOWN_GRACE_MS),
    deliveries?.stop(cfg.SHUTDOWN_GRACE_MS),
  ]);
  if (children.stopped > 0) log.info(children, 'background runs stopped');
  if (sends && sends.inFlight > 0) log.info(sends, 'delivery worker stopped');
  await scheduler?.stop();
  await runtime.close();
  log.info({ cutConnections: result?.cutConnections ?? false }, 'stopped');
  // What is still buffered (the lines above included) gets what is left of the grace.
  const unsent = await logShipping?.close(Math.max(0, cfg.SHUTDOWN_GRACE_MS - (performance.now() - stopAt)));
  // Written to stdout only: the shippers are closed.
  if (unsent && Object.values(unsent).some((n) => n > 0)) log.warn({ unsent }, 'log lines not shipped before exit');
  // Work an aborted pipeline step left in flight (a call to an upstream that never answers) must
  // not keep the process alive: its step is recorded and everything is closed, so it is dropped.
  setImmediate(() => process.exit()).unref();
}

/**
 * `serve --processes N`, N > 1: migrates once, then a primary forks N workers that each run
 * `serve` (platform/serve-cluster.ts). The workers run this same command line.
 */
async function servePrimary(processes: number): Promise<void> {
  const cfg = config();
  const log = createLogger(cfg.LOG_LEVEL);
  const database = await openMigrated(cfg, log);
  await database.close();
  // A SQLite deployment's data key file is created here once, not raced for by the workers.
  resolveDataKeys(cfg);
  process.exitCode = await runServePrimary({ processes, graceMs: cfg.SHUTDOWN_GRACE_MS, log });
}

function program(): Command {
  const root = new Command('cardquant')
    .description('Price analytics, portfolios and alerts for collectible trading cards.')
    .showHelpAfterError();

  root
    .command('start')
    .description('Run everything in one process: HTTP API, scheduler and workers (SQLite by default).')
    .action(() => runProcess({ role: 'start', http: true, scheduler: true, bootstrap: true, deliveries: true }));
  root
    .command('serve')
    .description('Run only the HTTP API (scale-out role; run any number behind a load balancer).')
    .option(
      '--processes <n>',
      'HTTP processes on this machine sharing the port (default SERVE_PROCESSES, 1; 0 or auto: one per core)',
    )
    .action((opts: { processes?: string }) => {
      const processes = resolveProcesses(opts.processes ?? config().SERVE_PROCESSES);
      if (processes > 1 && cluster.isPrimary) return servePrimary(processes);
      return runProcess({ role: 'serve', http: true, scheduler: false, bootstrap: false, deliveries: false }).finally(
        () => {
          // The channel to the primary would keep a worker alive after it stopped (or failed to start).
          if (cluster.isWorker) process.disconnect();
        },
      );
    });
  root
    .command('worker')
    .description(
      'Run only the scheduler and workers, the delivery worker included (scale-out role; any number may run).',
    )
    .action(() => runProcess({ role: 'worker', http: false, scheduler: true, bootstrap: false, deliveries: true }));

  root
    .command('version')
    .description('Print the version; --verbose adds which code runs (compiled or typescript) and the Node version.')
    .option('--verbose', 'also print the runtime, the Node version and the file of this module')
    .action((opts: { verbose?: boolean }) => {
      const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
      print(`cardquant ${pkg.version}`);
      if (opts.verbose) {
        print(`runtime: ${runtimeKind}`);
        print(`node: ${process.version}`);
        print(`module: ${fileURLToPath(import.meta.url)}`);
      }
    });

  const migrate = root.command('migrate').description('Database schema migrations.');
  migrate
    .command('up')
    .description('Apply pending migrations (safe to run from several processes at once).')
    .action(async () => {
      const cfg = config();
      const database = await openMigrated(cfg, createLogger(cfg.LOG_LEVEL));
      const status = await migrationStatus(database);
      await database.close();
      print(`Database is current: ${status.length} migration(s) applied.`);
    });
  migrate
    .command('status')
    .description('Show each migration as applied, pending, modified or unknown (changes nothing).')
    .action(async () => {
      const cfg = config();
      const database = openDatabase(cfg.DATABASE_URL, { sqliteBusyTimeoutMs: cfg.SQLITE_BUSY_TIMEOUT_MS });
      try {
        const status = await migrationStatus(database);
        for (const s of status) print(`${s.state.padEnd(8)} ${s.name}${s.appliedAt ? `  (${s.appliedAt})` : ''}`);
        if (status.some((s) => s.state === 'modified' || s.state === 'unknown')) process.exitCode = 1;
      } finally {
        await database.close();
      }
    });

  const commands = { withRuntime, config };
  registerImportCommands(root, commands);
  registerProductCommands(root, commands);
  registerPipelineCommands(root, commands);
  registerBacktestCommands(root, commands);
  registerDemoCommand(root, commands);
  registerEmailCommands(root, commands);
  registerDataKeyCommands(root, commands);
  registerBackupCommands(root, commands);

  const keys = root.command('keys').description('Manage API keys.');
  keys
    .command('create')
    .description('Create an API key and print it once.')
    .addOption(
      new Option('--role <role>', 'role of the key').choices(['viewer', 'operator', 'admin']).makeOptionMandatory(),
    )
    .option('--name <name>', 'label shown in key lists', 'cli')
    .option('--owner <principalId>', 'existing owner principal (default: a new service principal)')
    .option('--expires <instant>', 'ISO-8601 expiry instant')
    .action((opts: { role: 'viewer' | 'operator' | 'admin'; name: string; owner?: string; expires?: string }) =>
      withRuntime(async (runtime) => {
        const input = { name: opts.name, role: opts.role, ownerId: opts.owner, expiresAt: opts.expires };
        const { key, record } = await runtime.keys.create(input, { actor: 'cli', role: 'admin' });
        print(`${record.id} ${record.role} ${record.name}`);
        print(key);
      }),
    );
  keys
    .command('list')
    .description('List API keys (never their secrets).')
    .option('--all', 'include revoked keys')
    .action((opts: { all?: boolean }) =>
      withRuntime(async (runtime) => {
        for (const k of await runtime.keys.list({ limit: 10_000, includeRevoked: Boolean(opts.all) })) {
          print(
            [
              k.id,
              k.prefix,
              k.role,
              k.name,
              k.revoked_at ? `revoked ${k.revoked_at}` : 'active',
              k.last_used_at ?? 'never used',
            ].join('\t'),
          );
        }
      }),
    );
  keys
    .command('revoke')
    .description('Revoke an API key by id (the record stays for audit).')
    .argument('<id>', 'key id (key_…)')
    .action((id: string) =>
      withRuntime(async (runtime) => {
        const k = await runtime.keys.revoke(id, { actor: 'cli', role: 'admin' });
        print(`revoked ${k.id} at ${k.revoked_at}`);
      }),
    );
  return root;
}

/** The `cardquant` command tree (commander), without parsing anything: `main` runs it, tests inspect it. */
export { program };

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    if (err instanceof AppError) {
      const fields = err.extra.fields?.map((f) => `\n  - ${f.field}: ${f.message}`).join('') ?? '';
      process.stderr.write(`cardquant: ${err.message}${fields}\n`);
      return 1;
    }
    if (err instanceof MigrationError) {
      process.stderr.write(`cardquant: ${err.message}\n`);
      return 1;
    }
    const e = err as Error & { status?: number; code?: string };
    process.stderr.write(`cardquant: ${e.message}\n`);
    return 1;
  }
}
