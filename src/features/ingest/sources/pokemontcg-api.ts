/**
 * pokemontcg.io v2 API adapters: the catalogue (`/v2/sets`, `/v2/cards`) and the TCGplayer and
 * Cardmarket prices embedded in card objects.
 *
 * pokemontcg.io v2 is announced to shut down on 2027-03-01 (operator: Scrydex). It must never be
 * the only price path: TCGCSV and TCGdex cover the same markets, and card ids stay ours when this
 * source is gone.
 *
 * Cards are fetched set by set (`q=set.id:<id>`), so one failing set is recorded in the run's
 * failures while the others go on, and the run checkpoints `{ doneSets }` after each set so a
 * later run can resume with `resume: { doneSets }`. Every page is archived as
 * `cards/<set>/<page>` (`sets/<page>` for the set list).
 */
import type { CardInput, CatalogWriter } from '../../catalog/catalog-writer.ts';
import type { PriceImporter } from '../../prices/price-importer.ts';
import { catalogWriter, priceImporter, withRun, type IngestContext } from '../context.ts';
import type { IngestionRun } from '../ingestion-run.ts';
import type { RunSummary, WriteOutcome } from '../../../shared/run-accounting.ts';
import { UpstreamClient, type UpstreamError } from '../upstream.ts';
import { PRICE_FEED, mapCard, mapPrices, mapSet } from './pokemontcg-map.ts';

export const API_SOURCE = 'pokemontcg-api';
export const DEFAULT_BASE_URL = 'https://api.pokemontcg.io';
const MAX_PAGE_SIZE = 250;
/** A guard against an upstream whose paging never ends. */
const MAX_PAGES = 1000;

export interface PokemontcgApiOptions {
  baseUrl?: string;
  /** Sent as `X-Api-Key`; without one the API allows 1,000 requests a day and 30 a minute. */
  apiKey?: string;
  timeoutMs?: number;
  retries?: number;
  requestsPerSecond?: number;
  /** Cards per page, at most 250 (the API's maximum). */
  pageSize?: number;
  /** Only these set ids (default: every set the API lists). */
  sets?: string[];
  /** Skip the sets a previous run finished (its checkpoint). */
  resume?: { doneSets: string[] };
  /** Id of the run being resumed, recorded on the new run. */
  resumesRun?: string;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

interface Page {
  data?: unknown;
  page?: number;
  pageSize?: number;
  count?: number;
  totalCount?: number;
}

function describeError(e: UpstreamError): string {
  return `${e.kind}: ${e.message} (${e.url})`;
}

function client(o: PokemontcgApiOptions): UpstreamClient {
  return new UpstreamClient({
    name: 'pokemontcg.io',
    baseUrl: o.baseUrl ?? DEFAULT_BASE_URL,
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.retries !== undefined ? { retries: o.retries } : {}),
    // Without a key the API allows 30 requests a minute; 429s beyond that are retried after Retry-After.
    // Without a key pokemontcg.io allows 30 requests a minute.
    requestsPerSecond: o.requestsPerSecond ?? (o.apiKey ? 5 : 0.5),
    ...(o.sleep ? { sleep: o.sleep } : {}),
    ...(o.fetch ? { fetch: o.fetch } : {}),
    headers: o.apiKey ? { 'X-Api-Key': o.apiKey } : {},
  });
}

/**
 * Walks a paged endpoint, archiving each page and handing its `data` to `onPage`. Stops at
 * `totalCount`, at an empty page, or (without a total) at a short page. Returns an error message
 * when a page could not be had; pages before it have been handed on.
 */
async function walkPages(
  api: UpstreamClient,
  run: IngestionRun,
  path: string,
  archiveAs: string,
  pageSize: number,
  onPage: (data: unknown[]) => Promise<void>,
): Promise<string | null> {
  let seen = 0;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await api.getJson<Page>(`${path}${sep}page=${page}&pageSize=${pageSize}`);
    if (!res.ok) return `page ${page}: ${describeError(res.error)}`;
    const body = res.data;
    if (!body || !Array.isArray(body.data)) return `page ${page}: response has no data array`;
    await run.savePayload(`${archiveAs}/${page}`, res.text);
    if (body.data.length > 0) await onPage(body.data);
    seen += body.data.length;
    const total = typeof body.totalCount === 'number' ? body.totalCount : null;
    if (body.data.length === 0 || (total !== null ? seen >= total : body.data.length < pageSize)) return null;
  }
  return `more than ${MAX_PAGES} pages`;
}

/** Upserts `cards` whose set is known; the others are counted as rejected `unknown_set` when `run` is given. */
export async function writeCards(
  writer: CatalogWriter,
  knownSets: Set<string>,
  cards: CardInput[],
  nowIso: string,
  run?: IngestionRun,
): Promise<WriteOutcome> {
  const known = cards.filter((c) => knownSets.has(c.setId));
  run?.reject('unknown_set', cards.length - known.length);
  return writer.upsertCards(known, nowIso);
}

/**
 * What a prices run does with a batch of card objects: upsert their catalogue first (so a prices
 * run works on an empty database; catalogue writes are not rows of a prices run), then add their
 * observations. The importer is told about the cards each batch catalogued.
 */
export class PokemontcgPriceSink {
  private importer: PriceImporter | null = null;
  observations = 0;

  constructor(
    private readonly ctx: IngestContext,
    private readonly run: IngestionRun,
    private readonly writer: CatalogWriter,
    private readonly knownSets: Set<string>,
  ) {}

  async add(rawCards: unknown[], setId?: string): Promise<void> {
    const nowIso = this.ctx.runs.nowIso();
    const cards = rawCards.map((c) => mapCard(c, setId)).filter((c): c is CardInput => c !== null);
    await writeCards(this.writer, this.knownSets, cards, nowIso);
    const observations = rawCards.flatMap((c) => mapPrices(c));
    if (observations.length === 0) return;
    this.importer ??= await priceImporter(this.ctx, this.run, PRICE_FEED);
    this.importer.knowCards(cards.filter((c) => this.knownSets.has(c.setId)).map((c) => c.id));
    this.observations += observations.length;
    await this.importer.add(observations);
  }

  async flush(): Promise<void> {
    await this.importer?.flush();
  }
}

interface Walk {
  ctx: IngestContext;
  run: IngestionRun;
  api: UpstreamClient;
  opts: PokemontcgApiOptions;
  /** Receives the set objects to import (already filtered by `opts.sets`). */
  onSets: (sets: unknown[]) => Promise<void>;
  /** Receives one page of card objects of `setId`. */
  onCards: (setId: string, cards: unknown[]) => Promise<void>;
  /** Called after each set whose pages all arrived. */
  afterSet?: () => Promise<void>;
}

/** Lists the sets, then walks the cards set by set, checkpointing after each. */
async function walk(w: Walk): Promise<void> {
  const { ctx, run, api, opts } = w;
  const pageSize = Math.max(1, Math.min(MAX_PAGE_SIZE, opts.pageSize ?? MAX_PAGE_SIZE));
  const listed: unknown[] = [];
  const setsError = await walkPages(api, run, '/v2/sets', 'sets', pageSize, async (data) => void listed.push(...data));
  // Without the set list nothing can be imported: the run fails.
  if (setsError) throw new Error(`pokemontcg.io set list: ${setsError}`);
  const wanted = opts.sets ? new Set(opts.sets) : null;
  const chosen = wanted ? listed.filter((s) => wanted.has(mapSet(s)?.id ?? '')) : listed;
  const ids = chosen.map((s) => mapSet(s)?.id).filter((id): id is string => !!id);
  for (const missing of opts.sets ?? [])
    if (!ids.includes(missing)) run.fail(missing, 'pokemontcg.io does not list this set');
  await w.onSets(chosen);

  const done = new Set(opts.resume?.doneSets ?? []);
  const todo = ids.filter((id) => !done.has(id));
  for (const [i, setId] of todo.entries()) {
    const q = encodeURIComponent(`set.id:${setId}`);
    const error = await walkPages(api, run, `/v2/cards?q=${q}`, `cards/${setId}`, pageSize, (cards) =>
      w.onCards(setId, cards),
    );
    if (error) {
      run.fail(setId, error);
    } else {
      await w.afterSet?.();
      done.add(setId);
      await run.checkpoint({ doneSets: [...done] });
    }
    ctx.progress?.(i + 1, todo.length, setId);
  }
}

function runStart(kind: 'catalog' | 'prices', opts: PokemontcgApiOptions) {
  return {
    importer: API_SOURCE,
    feed: PRICE_FEED,
    kind,
    params: {
      baseUrl: opts.baseUrl ?? DEFAULT_BASE_URL,
      sets: opts.sets ?? null,
      resumedSets: opts.resume?.doneSets.length ?? 0,
    },
    resumes: opts.resumesRun ?? null,
  };
}

/**
 * Imports sets and cards. Rows read are sets plus cards; malformed objects are rejected as
 * `malformed_row`, cards of a set we do not know as `unknown_set`.
 *
 * @example
 * const summary = await importPokemontcgCatalog(ctx, { apiKey: config.pokemontcgApiKey });
 */
export function importPokemontcgCatalog(ctx: IngestContext, opts: PokemontcgApiOptions = {}): Promise<RunSummary> {
  return withRun(ctx, runStart('catalog', opts), async (run) => {
    const writer = catalogWriter(ctx);
    let knownSets = new Set<string>();
    await walk({
      ctx,
      run,
      api: client(opts),
      opts,
      onSets: async (raw) => {
        const sets = raw.map(mapSet).filter((s) => s !== null);
        run.reject('malformed_row', raw.length - sets.length);
        run.add(await writer.upsertSets(sets, ctx.runs.nowIso()));
        knownSets = await writer.knownSetIds();
      },
      onCards: async (setId, raw) => {
        const cards = raw.map((c) => mapCard(c, setId)).filter((c): c is CardInput => c !== null);
        run.reject('malformed_row', raw.length - cards.length);
        run.add(await writeCards(writer, knownSets, cards, ctx.runs.nowIso(), run));
      },
    });
  });
}

/**
 * Imports the TCGplayer (USD) and Cardmarket (EUR) prices embedded in card objects; one
 * observation is one row read. The catalogue of the cards seen is upserted first.
 *
 * @example
 * const summary = await importPokemontcgPrices(ctx, { sets: ['sv3pt5'] });
 */
export function importPokemontcgPrices(ctx: IngestContext, opts: PokemontcgApiOptions = {}): Promise<RunSummary> {
  return withRun(ctx, runStart('prices', opts), async (run) => {
    const writer = catalogWriter(ctx);
    let sink: PokemontcgPriceSink | null = null;
    await walk({
      ctx,
      run,
      api: client(opts),
      opts,
      onSets: async (raw) => {
        await writer.upsertSets(
          raw.map(mapSet).filter((s) => s !== null),
          ctx.runs.nowIso(),
        );
        sink = new PokemontcgPriceSink(ctx, run, writer, await writer.knownSetIds());
      },
      onCards: (setId, raw) => sink!.add(raw, setId),
      // Prices of a set are stored before the checkpoint says it is done.
      afterSet: () => sink!.flush(),
    });
  });
}
