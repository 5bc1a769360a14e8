/**
 * The named sources of `cardquant import` and of the pipeline's ingest steps, with their
 * settings taken from configuration.
 */
import type { Config } from '../../../config.ts';
import { ValidationFailed } from '../../../platform/errors.ts';
import type { IngestContext } from '../context.ts';
import type { RunSummary } from '../../../shared/run-accounting.ts';
import { importEcbRates } from './ecb.ts';
import { importHistoryCsv } from './history-csv.ts';
import { importJusttcgPrices } from './justtcg.ts';
import { importPokemontcgCatalog, importPokemontcgPrices } from './pokemontcg-api.ts';
import { importPokemontcgFilesCatalog, importPokemontcgFilesPrices } from './pokemontcg-files.ts';
import { importTcgcsvPrices } from './tcgcsv.ts';
import { importTcgcsvArchive, importTcgcsvFiles } from './tcgcsv-files.ts';
import { importTcgdexCatalog, importTcgdexPrices } from './tcgdex.ts';

export interface ImportOptions {
  path?: string;
  from?: string;
  to?: string;
  /** Cross-walk CSV for TCGplayer product ids. */
  map?: string;
  /** Restrict to these set ids (API sources that walk sets). */
  sets?: string[];
  /** Checkpoint of the run being resumed, and its id. */
  resume?: unknown;
  resumesRun?: string;
  /** TCGdex set alias CSV. */
  aliases?: string;
  /** TCGplayer product ids (JustTCG backfills). */
  products?: number[];
  /** ECB quote currencies. */
  currencies?: string[];
}

export type Importer = (ctx: IngestContext, options: ImportOptions) => Promise<RunSummary>;

function needPath(o: ImportOptions, source: string): string {
  if (!o.path)
    throw new ValidationFailed([{ field: '--path', message: `source ${source} reads local files: give --path` }]);
  return o.path;
}

/** The importers the pipeline's ingest steps call. */
export type CatalogImport = (ctx: IngestContext) => Promise<RunSummary>;
export type PriceImport = (ctx: IngestContext, range: { from?: string; to?: string }) => Promise<RunSummary>;

export interface StepSources {
  catalog: { name: string; run: CatalogImport }[];
  prices: { name: string; run: PriceImport }[];
  /** Euro reference rates; absent when no FX source is wired (tests). */
  fx?: PriceImport;
}

/** The options of the TCGCSV file sources; a resumed run skips the dates its predecessor finished. */
function filesOptions(o: ImportOptions, source: string) {
  return {
    path: needPath(o, source),
    from: o.from,
    to: o.to,
    resume: o.resume as { doneDates?: string[] } | undefined,
    resumesRun: o.resumesRun,
  };
}

/**
 * The sources that checkpoint their progress, so `--resume RUN` can continue a run of theirs.
 * The others read one file or answer in one go: running them again is the resume (imports are
 * idempotent).
 */
export const RESUMABLE_SOURCES: Record<'catalog' | 'prices', ReadonlySet<string>> = {
  catalog: new Set(['pokemontcg', 'tcgdex']),
  prices: new Set(['pokemontcg', 'tcgcsv', 'tcgdex', 'justtcg', 'tcgcsv-files', 'tcgcsv-archive']),
};

/** Upstream client settings every API source shares. */
export function upstreamSettings(config: Config) {
  return { timeoutMs: config.UPSTREAM_TIMEOUT_MS, retries: config.UPSTREAM_RETRIES };
}

export function catalogImporters(config: Config): Record<string, Importer> {
  const up = upstreamSettings(config);
  return {
    pokemontcg: (ctx, o) =>
      importPokemontcgCatalog(ctx, {
        ...up,
        baseUrl: config.POKEMONTCG_BASE_URL,
        apiKey: config.POKEMONTCG_API_KEY,
        sets: o.sets,
        resume: o.resume as { doneSets: string[] } | undefined,
        resumesRun: o.resumesRun,
      }),
    'pokemontcg-files': (ctx, o) => importPokemontcgFilesCatalog(ctx, { path: needPath(o, 'pokemontcg-files') }),
    tcgdex: (ctx, o) => importTcgdexCatalog(ctx, tcgdexOptions(config, o)),
  };
}

function tcgdexOptions(config: Config, o: ImportOptions) {
  return {
    ...upstreamSettings(config),
    baseUrl: config.TCGDEX_BASE_URL,
    aliasesFile: o.aliases ?? config.TCGDEX_ALIASES_FILE,
    sets: o.sets,
    resume: o.resume as { doneSets: string[] } | undefined,
    resumesRun: o.resumesRun,
  };
}

/** ECB euro reference rates into `fx_rates`. */
export function fxImporter(config: Config): Importer {
  return (ctx, o) =>
    importEcbRates(ctx, {
      ...upstreamSettings(config),
      baseUrl: config.ECB_BASE_URL,
      from: o.from,
      to: o.to,
      currencies: o.currencies ?? config.FX_CURRENCIES,
    });
}

export function priceImporters(config: Config): Record<string, Importer> {
  const up = upstreamSettings(config);
  return {
    pokemontcg: (ctx, o) =>
      importPokemontcgPrices(ctx, {
        ...up,
        baseUrl: config.POKEMONTCG_BASE_URL,
        apiKey: config.POKEMONTCG_API_KEY,
        sets: o.sets,
        resume: o.resume as { doneSets: string[] } | undefined,
        resumesRun: o.resumesRun,
      }),
    tcgcsv: (ctx, o) =>
      importTcgcsvPrices(ctx, {
        ...up,
        baseUrl: config.TCGCSV_BASE_URL,
        map: o.map ?? config.TCGCSV_MAP_FILE,
        // A resumed run keeps the price date of the run it resumes.
        date: o.to ?? (o.resume as { date?: string } | undefined)?.date,
        resume: o.resume as { doneGroups: number[] } | undefined,
        resumesRun: o.resumesRun,
      }),
    'pokemontcg-files': (ctx, o) => importPokemontcgFilesPrices(ctx, { path: needPath(o, 'pokemontcg-files') }),
    'tcgcsv-files': (ctx, o) =>
      importTcgcsvFiles(ctx, { ...filesOptions(o, 'tcgcsv-files'), map: o.map ?? config.TCGCSV_MAP_FILE }),
    'tcgcsv-archive': (ctx, o) =>
      importTcgcsvArchive(ctx, { ...filesOptions(o, 'tcgcsv-archive'), map: o.map ?? config.TCGCSV_MAP_FILE }),
    csv: (ctx, o) => importHistoryCsv(ctx, { path: needPath(o, 'csv') }),
    tcgdex: (ctx, o) => importTcgdexPrices(ctx, tcgdexOptions(config, o)),
    justtcg: (ctx, o) =>
      importJusttcgPrices(ctx, {
        ...up,
        apiKey: config.JUSTTCG_API_KEY,
        baseUrl: config.JUSTTCG_BASE_URL,
        productIds: o.products,
        from: o.from,
        to: o.to,
        requestsPerSecond: config.JUSTTCG_REQUESTS_PER_MINUTE / 60,
        resume: o.resume as { afterProductId: number } | undefined,
        resumesRun: o.resumesRun,
      }),
  };
}

/** The pipeline's ingest steps call the sources named in CATALOG_SOURCES and PRICE_SOURCES. */
export function sourcesFromConfig(config: Config): StepSources {
  const catalog = catalogImporters(config);
  const prices = priceImporters(config);
  const fx = fxImporter(config);
  return {
    // FX rates matter once real prices flow; a demo instance never calls the ECB.
    fx: config.PRICE_SOURCES.length > 0 ? (ctx, range) => fx(ctx, range) : undefined,
    catalog: config.CATALOG_SOURCES.filter((n) => catalog[n]).map((name) => ({
      name,
      run: (ctx) => catalog[name]!(ctx, {}),
    })),
    prices: config.PRICE_SOURCES.filter((n) => prices[n]).map((name) => ({
      name,
      run: (ctx, range) => prices[name]!(ctx, range),
    })),
  };
}
