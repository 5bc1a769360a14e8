/**
 * TCGCSV price files on disk, in the layout of TCGCSV's daily archives: `<date>/3/<groupId>/prices`,
 * each file a `/tcgplayer/3/{groupId}/prices` body. The date of the rows is the folder's name.
 * Files are read and imported one at a time (never the whole tree in memory); a file that cannot
 * be read or parsed is recorded in the run's failures and the others go on (status `partial`).
 * Each file is archived with the run as `<date>/<groupId>/prices`, as the API adapter does.
 * Products link through the product map: stored TCGCSV listings (`cardquant import products`),
 * matched again against the catalogue at the start of the run, and the cross-walk (`--map`).
 *
 * `importTcgcsvArchive` reads TCGCSV's archives themselves (`prices-YYYY-MM-DD.ppmd.7z`, 7-Zip
 * with PPMd): each is extracted (category 3 only) into a temporary folder with 7-Zip compiled to
 * WebAssembly (npm `7z-wasm`, no system binary needed) and imported as above.
 */
import { readFileSync } from 'node:fs';
import { access, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import sevenZip from '7z-wasm';
import { PRICE_CHUNK_ROWS, type PriceImporter } from '../../prices/price-importer.ts';
import { priceImporter, withRun, type IngestContext } from '../context.ts';
import type { IngestionRun } from '../ingestion-run.ts';
import type { RunSummary } from '../../../shared/run-accounting.ts';
import { ProductMap } from '../../catalog/product-map.ts';
import { cardNotInCatalog, importCrosswalk } from './crosswalk.ts';
import { relinkListings } from './tcgcsv-listings.ts';
import { FEED, POKEMON_CATEGORY, addPriceRows, envelopeResults } from './tcgcsv.ts';

export const FILES_SOURCE = 'tcgcsv-files';
export const ARCHIVE_SOURCE = 'tcgcsv-archive';

export interface TcgcsvFilesOptions {
  /** The folder holding `<date>` folders (files) or `prices-<date>.ppmd.7z` archives. */
  path: string;
  /** First and last date to import (inclusive, `YYYY-MM-DD`). */
  from?: string;
  to?: string;
  /** A cross-walk CSV imported into the product map first (see crosswalk.ts). */
  map?: string;
  /** The checkpoint of the run being resumed: its dates already imported are skipped. */
  resume?: { doneDates?: string[] };
  /** Id of the run being resumed, recorded as this run's `resumes`. */
  resumesRun?: string;
  /** Rows buffered across dates before they are written (default `DATES_FLUSH_ROWS`). */
  flushRows?: number;
  /** Rows per write within a date (default `FILES_CHUNK_ROWS`). */
  chunkRows?: number;
}

const DATE_DIR = /^\d{4}-\d{2}-\d{2}$/;
const ARCHIVE_NAME = /^prices-(\d{4}-\d{2}-\d{2})\.ppmd\.7z$/;

const inRange = (date: string, o: TcgcsvFilesOptions) =>
  (!o.from || date >= o.from) && (!o.to || date <= o.to) && !o.resume?.doneDates?.includes(date);

/** What a run that found nothing looked for: `no price files under DIR for 2025-09-01…2025-09-30`. */
function nothingFound(what: string, o: TcgcsvFilesOptions): string {
  const range = o.from || o.to ? ` for ${o.from ?? '…'}…${o.to ?? '…'}` : '';
  const resumed = o.resume?.doneDates?.length
    ? ` (the resumed run had already imported ${o.resume.doneDates.length} date(s))`
    : '';
  return `no ${what} under ${basename(o.path)}${range}${resumed}`;
}

interface Tree {
  ctx: IngestContext;
  run: IngestionRun;
  importer: PriceImporter;
  missingCard: (productId: number) => boolean;
  doneDates: string[];
  /** Dates whose rows are all read but not all written yet. */
  pendingDates: string[];
  flushRows: number;
  /** Raw files read since the last write, archived with it. */
  payloads: { name: string; body: string }[];
}

async function prepare(ctx: IngestContext, run: IngestionRun, opts: TcgcsvFilesOptions): Promise<Tree> {
  const crosswalk = opts.map ? await importCrosswalk(ctx, run, opts.map) : null;
  // Listings stored before the catalogue had their cards may link now.
  // The map follows what it writes, so the importer takes it as it is (no second load).
  const products = crosswalk?.map ?? (await ProductMap.load(ctx.database.db));
  await relinkListings(ctx, products);
  const importer = await priceImporter(ctx, run, FEED, { chunkRows: opts.chunkRows ?? FILES_CHUNK_ROWS, products });
  if (crosswalk) importer.productLineHints = crosswalk.editions;
  // A resumed run carries the dates done before, so resuming it again skips them too.
  return {
    ctx,
    run,
    importer,
    missingCard: cardNotInCatalog(crosswalk),
    doneDates: [...(opts.resume?.doneDates ?? [])],
    pendingDates: [],
    flushRows: opts.flushRows ?? DATES_FLUSH_ROWS,
    payloads: [],
  };
}

/** Imports `<root>/<date>/3/<groupId>/prices`, group by group. */
async function importDate(t: Tree, root: string, date: string): Promise<void> {
  const dir = join(root, date, String(POKEMON_CATEGORY));
  let groups: string[];
  try {
    groups = (await readdir(dir)).filter((g) => /^\d+$/.test(g)).sort((a, b) => Number(a) - Number(b));
  } catch (err) {
    t.run.fail(`${date}/${POKEMON_CATEGORY}`, `no Pokémon prices for ${date}: ${(err as Error).message}`);
    return;
  }
  for (const group of groups) {
    const item = `${date}/${POKEMON_CATEGORY}/${group}/prices`;
    let rows: unknown[];
    try {
      // Read at once: a file is tens of kB, read in microseconds, where the promise API's
      // open/stat/read/close round trips cost several times that in CPU per file (and parsing it
      // and writing its rows block the thread far longer anyway).
      const text = readFileSync(join(dir, group, 'prices'), 'utf8');
      if (t.run.keepsPayloads) t.payloads.push({ name: `${date}/${group}/prices`, body: text });
      rows = envelopeResults(text);
    } catch (err) {
      t.run.fail(item, err);
      continue;
    }
    await addPriceRows(t.importer, rows, date, t.missingCard, Number(group));
  }
  t.pendingDates.push(date);
  if (t.importer.buffered >= t.flushRows) await settle(t);
}

/**
 * Rows buffered across dates before they are written, and rows per write. A day's rows spread
 * over the whole prices primary key (it ends with the date), so each write touches most of its
 * pages whatever its size, and its commit copies them all to the write-ahead log: a write per day
 * rewrote them once a day, one per several days once per several days. The shared files' 152,814
 * rows took 10 commits at 10,000 rows per write (~0.3 s CPU on SQLite, an eighth of the import)
 * and take 4 at 40,000 (~0.15 s). The cost is memory (the benchmark's peak RSS rose from ~270 to
 * ~330–350 MB) and, after a crash, more days imported again (those since the last write).
 */
const FILES_CHUNK_ROWS = PRICE_CHUNK_ROWS * 2;
const DATES_FLUSH_ROWS = FILES_CHUNK_ROWS;

/**
 * Writes what is buffered and archives the files it came from (one statement per few hundred
 * files); the dates imported whole until now are done (the run's resume point).
 */
async function settle(t: Tree): Promise<void> {
  await t.importer.flush();
  const payloads = t.payloads;
  t.payloads = [];
  await t.run.savePayloads(payloads);
  if (t.pendingDates.length === 0) return;
  t.doneDates.push(...t.pendingDates);
  t.pendingDates = [];
  await t.run.checkpoint({ doneDates: t.doneDates });
}

function runStart(importer: string, opts: TcgcsvFilesOptions) {
  // Only the last path segments are recorded: run records are served by the API.
  const params = { path: basename(opts.path), map: opts.map ? basename(opts.map) : null };
  return {
    importer,
    feed: FEED,
    kind: 'prices' as const,
    from: opts.from ?? null,
    to: opts.to ?? null,
    params,
    resumes: opts.resumesRun ?? null,
  };
}

/**
 * Imports a folder of TCGCSV price files.
 *
 * @example
 * await importTcgcsvFiles(ctx, { path: '../shared/data/tcgcsv/prices', map: '../shared/data/tcgdex/tcgplayer_to_pokemontcg.csv' });
 */
export async function importTcgcsvFiles(ctx: IngestContext, opts: TcgcsvFilesOptions): Promise<RunSummary> {
  return withRun(ctx, runStart(FILES_SOURCE, opts), async (run) => {
    run.explainEmpty(nothingFound('price files (<date>/3/<groupId>/prices)', opts));
    const dates = (await readdir(opts.path)).filter((d) => DATE_DIR.test(d) && inRange(d, opts)).sort();
    const tree = await prepare(ctx, run, opts);
    for (const [i, date] of dates.entries()) {
      await importDate(tree, opts.path, date);
      ctx.progress?.(i + 1, dates.length, date);
    }
    await settle(tree);
  });
}

/**
 * Extracts `archive` into `outDir` (created when missing) with 7-Zip (WebAssembly build), only
 * the paths matching `include`. Throws with 7-Zip's error lines when it fails.
 */
export async function extract7z(archive: string, outDir: string, include: string[] = []): Promise<void> {
  // 7-Zip's WebAssembly runtime reports a missing archive asynchronously, outside this call.
  await access(archive);
  await mkdir(outDir, { recursive: true });
  const lines: string[] = [];
  // The package is CommonJS; its factory is both `module.exports` and `.default`.
  const sz = await sevenZip.default({ print: (s) => lines.push(s), printErr: (s) => lines.push(s) });
  // The WebAssembly build can set a mode of 0 on extracted entries; keep the default instead.
  const chmod = sz.FS.chmod.bind(sz.FS);
  sz.FS.chmod = (path: string, mode: number, dontFollow?: boolean) => {
    if (mode) chmod(path, mode, dontFollow);
  };
  try {
    sz.FS.mkdir('/in');
    sz.FS.mount(sz.NODEFS, { root: dirname(resolve(archive)) }, '/in');
    sz.FS.mkdir('/out');
    sz.FS.mount(sz.NODEFS, { root: resolve(outDir) }, '/out');
  } catch (err) {
    throw new Error(
      `7-Zip could not open the folders of ${basename(archive)} (errno ${String((err as { errno?: number }).errno)})`,
      { cause: err },
    );
  }
  let code: unknown;
  try {
    code = sz.callMain(['x', `/in/${basename(archive)}`, '-o/out', '-y', '-bd', ...include]) as unknown;
  } catch (err) {
    code = (err as { status?: number }).status ?? (err as Error).message;
  }
  if (code !== 0 && code !== undefined) {
    const detail = lines
      .filter((l) => /error|cannot|unexpected|unsupported/i.test(l))
      .join(' ')
      .trim();
    throw new Error(
      `7-Zip could not extract ${basename(archive)} (exit ${String(code)})${detail ? `: ${detail.slice(0, 300)}` : ''}`,
    );
  }
}

/**
 * Imports TCGCSV's daily archives (`prices-YYYY-MM-DD.ppmd.7z`) found in a folder, in date order.
 * An archive that cannot be extracted is recorded in the run's failures and the others go on.
 *
 * @example
 * await importTcgcsvArchive(ctx, { path: './archives', from: '2025-10-01' });
 */
export async function importTcgcsvArchive(ctx: IngestContext, opts: TcgcsvFilesOptions): Promise<RunSummary> {
  return withRun(ctx, runStart(ARCHIVE_SOURCE, opts), async (run) => {
    run.explainEmpty(nothingFound('TCGCSV archives (prices-YYYY-MM-DD.ppmd.7z)', opts));
    const archives = (await readdir(opts.path))
      .map((name) => ({ name, date: ARCHIVE_NAME.exec(name)?.[1] ?? null }))
      .filter((a): a is { name: string; date: string } => a.date !== null && inRange(a.date, opts))
      .sort((a, b) => a.date.localeCompare(b.date));
    const tree = await prepare(ctx, run, opts);
    for (const [i, a] of archives.entries()) {
      const tmp = await mkdtemp(join(tmpdir(), 'cardquant-tcgcsv-extract-'));
      try {
        // An archive that cannot be read is that archive's failure; the run goes on with the next.
        let dates: string[] = [];
        try {
          await extract7z(join(opts.path, a.name), tmp, [`*/${POKEMON_CATEGORY}/*`]);
          dates = (await readdir(tmp)).filter((d) => DATE_DIR.test(d) && inRange(d, opts)).sort();
          if (dates.length === 0)
            run.fail(a.name, `the archive holds no ${a.date} folder with category ${POKEMON_CATEGORY}`);
        } catch (err) {
          run.fail(a.name, err);
        }
        // A failed write is the run's failure, not the archive's: its rows (possibly several days'
        // buffered rows) are gone, so no later write may mark those days done.
        for (const date of dates) await importDate(tree, tmp, date);
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
      ctx.progress?.(i + 1, archives.length, a.name);
    }
    await settle(tree);
  });
}
