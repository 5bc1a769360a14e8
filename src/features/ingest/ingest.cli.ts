import { InvalidArgumentError, type Command } from 'commander';
import type { Config } from '../../config.ts';
import { print, progressReporter, type WithRuntime } from '../../platform/cli.ts';
import { isoInstant } from '../../platform/clock.ts';
import { NotFound, ValidationFailed } from '../../platform/errors.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/log.ts';
import { reportRun } from '../../shared/run-report.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { listOverrides, upsertOverride, type OverrideRejectReason } from '../catalog/mapping-overrides.ts';
import type { IngestContext } from './context.ts';
import { prepareForRealData } from './dataset.ts';
import type { IngestionRuns } from './ingestion-run.ts';
import type { RunSummary } from '../../shared/run-accounting.ts';
import { rematchRun } from './rematch.ts';
import { importSearchInterestCsv } from './search-interest.ts';
import {
  RESUMABLE_SOURCES,
  catalogImporters,
  fxImporter,
  priceImporters,
  type ImportOptions,
  type Importer,
} from './sources/registry.ts';
import { checkSources } from './sources/sources-check.ts';

const date = (flag: string) => (v: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new InvalidArgumentError(`${flag} must be YYYY-MM-DD`);
  return v;
};

interface CommonFlags {
  path?: string;
  from?: string;
  to?: string;
  map?: string;
  sets?: string;
  resume?: string;
  replaceDemo?: boolean;
  aliases?: string;
  products?: string;
  currencies?: string;
}

const list = (v: string | undefined) =>
  v
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** The part of the runtime the import commands use. */
export interface IngestCliRuntime {
  database: Database;
  clock: Clock;
  log: Logger;
  ingest: IngestContext;
  runs: IngestionRuns;
  audit: AuditService;
}

/** What the composition root passes to the import and product commands. */
export interface IngestCli {
  withRuntime: WithRuntime<IngestCliRuntime>;
  config: () => Config;
}

function contextOf(runtime: IngestCliRuntime) {
  return {
    ...runtime.ingest,
    progress: progressReporter(runtime.log, Boolean(process.stderr.isTTY), () => Date.now()),
  };
}

async function runImport(
  kind: 'catalog' | 'prices',
  table: Record<string, Importer>,
  source: string,
  flags: CommonFlags,
  { withRuntime }: IngestCli,
): Promise<void> {
  const importer = table[source];
  if (!importer) {
    throw new ValidationFailed([
      { field: 'source', message: `unknown ${kind} source "${source}"; one of: ${Object.keys(table).join(', ')}` },
    ]);
  }
  if (flags.resume && !RESUMABLE_SOURCES[kind].has(source)) {
    throw new ValidationFailed([
      {
        field: '--resume',
        message: `source ${source} keeps no checkpoint and cannot resume; run the import again (it is idempotent). Sources that resume: ${[...RESUMABLE_SOURCES[kind]].join(', ')}`,
      },
    ]);
  }
  await withRuntime(async (runtime) => {
    await prepareForRealData(runtime.database.db, {
      replaceDemo: Boolean(flags.replaceDemo),
      nowIso: isoInstant(runtime.clock.now()),
    });
    const options: ImportOptions = {
      path: flags.path,
      from: flags.from,
      to: flags.to,
      map: flags.map,
      sets: list(flags.sets),
      aliases: flags.aliases,
      products: list(flags.products)?.map(Number),
      currencies: list(flags.currencies),
    };
    if (options.products?.some((p) => !Number.isSafeInteger(p) || p <= 0)) {
      throw new ValidationFailed([{ field: '--products', message: 'must be comma-separated TCGplayer product ids' }]);
    }
    if (flags.resume) {
      const previous = await runtime.runs.get(flags.resume);
      if (!previous) throw new NotFound('ingestion_run', flags.resume);
      if (previous.importer !== source || previous.kind !== kind) {
        throw new ValidationFailed([
          {
            field: '--resume',
            message: `run ${previous.id} is a ${previous.kind} run of ${previous.importer}, not of ${source}`,
          },
        ]);
      }
      options.resume = previous.checkpoint ? (JSON.parse(previous.checkpoint) as unknown) : undefined;
      options.resumesRun = previous.id;
    }
    const summary: RunSummary = await importer(contextOf(runtime), options);
    process.exitCode = reportRun(summary);
  });
}

function addCommonFlags(cmd: Command): Command {
  return cmd
    .option('--path <path>', 'file or folder for the local sources')
    .option('--from <date>', 'first date to import (YYYY-MM-DD)', date('--from'))
    .option('--to <date>', 'last date to import (YYYY-MM-DD)', date('--to'))
    .option('--map <file>', 'cross-walk CSV: tcgplayer_product_id → pokemontcg_card_id')
    .option('--sets <ids>', 'only these set ids, comma-separated (API sources)')
    .option('--resume <runId>', 'continue a failed or partial run from its checkpoint')
    .option('--aliases <file>', 'TCGdex ⇄ pokemontcg.io set alias CSV (tcgdex)')
    .option('--products <ids>', 'TCGplayer product ids, comma-separated (justtcg)')
    .option('--replace-demo', 'delete the demo dataset first (real data is never mixed with demo data)');
}

export function registerImportCommands(root: Command, cli: IngestCli): void {
  const { withRuntime, config } = cli;
  const cfg = () => config();
  const imp = root.command('import').description('Import catalogue, prices, search interest and mappings.');
  addCommonFlags(
    imp
      .command('catalog')
      .description('Import the card catalogue. Sources: pokemontcg, tcgdex, pokemontcg-files --path DIR.')
      .argument('<importer>', 'importer name'),
  ).action((source: string, flags: CommonFlags) => runImport('catalog', catalogImporters(cfg()), source, flags, cli));
  addCommonFlags(
    imp
      .command('prices')
      .description(
        'Import prices. Sources: tcgcsv, pokemontcg, tcgdex, justtcg, pokemontcg-files --path DIR|FILE, tcgcsv-files --path DIR, tcgcsv-archive --path DIR, csv --path FILE.',
      )
      .argument('<importer>', 'importer name'),
  ).action((source: string, flags: CommonFlags) => runImport('prices', priceImporters(cfg()), source, flags, cli));
  imp
    .command('fx')
    .description('Import ECB euro reference rates (default FX_CURRENCIES, the last days).')
    .option('--from <date>', 'first date (YYYY-MM-DD)', date('--from'))
    .option('--to <date>', 'last date (YYYY-MM-DD)', date('--to'))
    .option('--currencies <codes>', 'ISO 4217 codes, comma-separated')
    .action((flags: CommonFlags) =>
      withRuntime(async (runtime) => {
        const summary = await fxImporter(config())(contextOf(runtime), {
          from: flags.from,
          to: flags.to,
          currencies: list(flags.currencies),
        });
        process.exitCode = reportRun(summary);
      }),
    );
  imp
    .command('search-interest')
    .description('Import search interest (SVI) from a CSV file: card_id,date,value,granularity,batch,anchor.')
    .requiredOption('--path <file>', 'CSV file')
    .action((flags: { path: string }) =>
      withRuntime(async (runtime) => {
        process.exitCode = reportRun(await importSearchInterestCsv(contextOf(runtime), { path: flags.path }));
      }),
    );
  imp
    .command('rematch')
    .description('Re-process the raw payloads of a price run after a mapping fix.')
    .argument('<runId>', 'the run to re-match')
    .action((runId: string) =>
      withRuntime(async (runtime) => {
        process.exitCode = reportRun(await rematchRun(contextOf(runtime), runId));
      }),
    );

  root
    .command('sources')
    .description('Upstream sources.')
    .command('check')
    .description('Probe each configured live endpoint with one cheap request and report what it finds.')
    .action(async () => {
      const results = await checkSources(config());
      for (const r of results)
        print(
          `${r.ok ? 'ok  ' : 'FAIL'} ${r.source.padEnd(11)} ${String(r.status ?? '-').padStart(3)} ${String(r.ms).padStart(6)} ms  ${r.detail}  (${r.url})`,
        );
      if (results.some((r) => !r.ok)) process.exitCode = 1;
    });

  const mapping = root.command('mapping').description('Operator overrides of the TCGplayer product → card mapping.');
  mapping
    .command('add')
    .description('Link a TCGplayer product to a card, or pin a reject reason for it.')
    .requiredOption('--product <id>', 'TCGplayer product id', (v) => {
      if (!/^\d+$/.test(v)) throw new InvalidArgumentError('--product must be a number');
      return Number(v);
    })
    .option('--card <cardId>', 'the card it is')
    .option('--reject <reason>', 'sealed_product, code_card, accessory, unknown_card or unmapped_product')
    .option('--note <text>', 'why')
    .action((flags: { product: number; card?: string; reject?: OverrideRejectReason; note?: string }) =>
      withRuntime(async (runtime) => {
        const nowIso = isoInstant(runtime.clock.now());
        await upsertOverride(
          runtime.database.db,
          {
            productId: flags.product,
            cardId: flags.card,
            rejectReason: flags.reject,
            note: flags.note,
            createdBy: 'cli',
          },
          { newId: `map_${flags.product}`, nowIso },
        );
        await runtime.audit.record({
          actor: 'cli',
          action: 'mapping_override.upsert',
          target: String(flags.product),
          result: 'success',
          detail: { card: flags.card ?? null, reject: flags.reject ?? null },
        });
        print(
          `product ${flags.product} → ${flags.card ?? `rejected as ${flags.reject}`}; run \`cardquant import rematch RUN\` to apply it to stored payloads`,
        );
      }),
    );
  mapping
    .command('list')
    .description('List mapping overrides.')
    .action(() =>
      withRuntime(async (runtime) => {
        for (const o of await listOverrides(runtime.database.db))
          print([o.source, o.external_id, o.card_id ?? `reject:${o.reject_reason}`, o.note ?? ''].join('\t'));
      }),
    );
}
