/**
 * `cardquant import products tcgcsv|tcgcsv-files` and `cardquant mapping unmatched`: product
 * listings into the product map, and the products a run could not link.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { print, progressReporter } from '../../platform/cli.ts';
import { isoInstant } from '../../platform/clock.ts';
import { NotFound, ValidationFailed } from '../../platform/errors.ts';
import { reportRun } from '../../shared/run-report.ts';
import type { IngestCli } from './ingest.cli.ts';
import { prepareForRealData } from './dataset.ts';
import { upstreamSettings } from './sources/registry.ts';
import { importTcgcsvProductFiles, importTcgcsvProducts } from './sources/tcgcsv-products.ts';
import { unmatchedProducts } from './unmatched.ts';
import { latestRunWithUnmatched } from './unmatched.repo.ts';
import { UNMATCHED_REASONS } from './unmatched.routes.ts';

const SOURCES = ['tcgcsv', 'tcgcsv-files'];

function subcommand(root: Command, name: string): Command {
  const found = root.commands.find((c) => c.name() === name);
  if (!found) throw new Error(`the ${name} command must be registered first`);
  return found;
}

/** Adds the commands to the `import` and `mapping` commands that `registerImportCommands` made. */
export function registerProductCommands(root: Command, { withRuntime, config }: IngestCli): void {
  subcommand(root, 'import')
    .command('products')
    .description(
      'Import TCGplayer product listings (links products to cards and sealed items). Sources: tcgcsv, tcgcsv-files --path DIR (DIR/3/<groupId>/products, optional DIR/3/groups).',
    )
    .argument('<source>', 'tcgcsv or tcgcsv-files')
    .option('--path <dir>', 'folder holding 3/<groupId>/products (tcgcsv-files)')
    .option('--groups <ids>', 'only these TCGplayer group ids, comma-separated (tcgcsv)')
    .option('--replace-demo', 'delete the demo dataset first (real data is never mixed with demo data)')
    .action((source: string, flags: { path?: string; groups?: string; replaceDemo?: boolean }) => {
      if (!SOURCES.includes(source))
        throw new ValidationFailed([
          { field: 'source', message: `unknown products source "${source}"; one of: ${SOURCES.join(', ')}` },
        ]);
      if (source === 'tcgcsv-files' && !flags.path)
        throw new ValidationFailed([
          { field: '--path', message: 'source tcgcsv-files reads local files: give --path' },
        ]);
      const groups = flags.groups?.split(',').map((g) => Number(g.trim()));
      if (groups?.some((g) => !Number.isSafeInteger(g) || g <= 0))
        throw new ValidationFailed([{ field: '--groups', message: 'must be comma-separated TCGplayer group ids' }]);
      return withRuntime(async (runtime) => {
        await prepareForRealData(runtime.database.db, {
          replaceDemo: Boolean(flags.replaceDemo),
          nowIso: isoInstant(runtime.clock.now()),
        });
        const ctx = {
          ...runtime.ingest,
          progress: progressReporter(runtime.log, Boolean(process.stderr.isTTY), () => Date.now()),
        };
        const cfg = config();
        const summary =
          source === 'tcgcsv'
            ? await importTcgcsvProducts(ctx, { ...upstreamSettings(cfg), baseUrl: cfg.TCGCSV_BASE_URL, groups })
            : await importTcgcsvProductFiles(ctx, { path: flags.path! });
        process.exitCode = reportRun(summary);
      });
    });

  subcommand(root, 'mapping')
    .command('unmatched')
    .description(
      'List the products a price run could not link (id, group, name, number, rows, suggested card), for `mapping add`.',
    )
    .option('--run <runId>', 'the run (default: the newest run that has unmatched products)')
    .option('--reason <reason>', `only this reason: ${UNMATCHED_REASONS.join(', ')}`, (v) => {
      if (!(UNMATCHED_REASONS as readonly string[]).includes(v))
        throw new InvalidArgumentError(`--reason must be one of ${UNMATCHED_REASONS.join(', ')}`);
      return v;
    })
    .option('--set <setId>', 'only products of the TCGplayer group(s) this set is sold under')
    .option('--limit <n>', 'at most this many products', (v) => {
      if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('--limit must be a positive number');
      return Number(v);
    })
    .action((flags: { run?: string; reason?: string; set?: string; limit?: number }) =>
      withRuntime(async (runtime) => {
        const db = runtime.database.db;
        const runId = flags.run ?? (await latestRunWithUnmatched(db));
        if (!runId) throw new NotFound('ingestion_run', '(none with unmatched products)');
        print(['product_id', 'group', 'name', 'number', 'reason', 'rows', 'suggested_card'].join('\t'));
        let after: number | undefined;
        let left = flags.limit ?? Number.POSITIVE_INFINITY;
        for (;;) {
          const { items, more } = await unmatchedProducts(db, {
            runId,
            reason: flags.reason,
            set: flags.set,
            afterProductId: after,
            limit: Math.min(500, left),
          });
          for (const i of items) {
            // '-' stands for what is not known (no listing, no group, no suggestion).
            const group = i.group_id === null ? '-' : `${i.group_id}${i.group_name ? ` ${i.group_name}` : ''}`;
            print(
              [i.product_id, group, i.name ?? '-', i.number ?? '-', i.reason, i.rows, i.suggested_card?.id ?? '-'].join(
                '\t',
              ),
            );
          }
          left -= items.length;
          if (!more || left <= 0 || items.length === 0) break;
          after = items.at(-1)!.product_id;
        }
      }),
    );
}
