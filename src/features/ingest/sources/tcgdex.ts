/**
 * TCGdex v2 API adapters (MIT data, no key): the catalogue and the TCGplayer (USD) and Cardmarket
 * (EUR) prices that full card objects carry. Language `en`.
 *
 * The walk: `GET /v2/en/sets` (brief sets; without it the run fails), then per set
 * `GET /v2/en/sets/{id}` (its card list) and `GET /v2/en/cards/{id}` for each card (rarity,
 * category, hp, types, illustrator, variants, pricing), a few at a time under the client's rate
 * limit. How TCGdex ids become ours is in tcgdex-map.ts; a set that maps to none of our sets is
 * not fetched card by card and its rows are rejected `unknown_set`.
 *
 * A set whose list or any of whose cards cannot be had (HTTP error after retries, timeout,
 * truncated or malformed JSON) is recorded in the run's failures, the cards that did arrive are
 * kept, and the other sets go on (status `partial`). After each complete set the run checkpoints
 * `{ doneSets }` (TCGdex set ids); `resume: { doneSets }` skips those. Payloads are archived as
 * `sets`, `sets/<id>` and `cards/<id>`.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { CardInput, SetInput } from '../../catalog/catalog-writer.ts';
import { setCodes, storedCardFacts, storedSetFacts } from '../../catalog/catalog.repo.ts';
import type { PriceImporter } from '../../prices/price-importer.ts';
import { catalogWriter, priceImporter, withRun, type IngestContext } from '../context.ts';
import type { IngestionRun } from '../ingestion-run.ts';
import type { RunSummary } from '../../../shared/run-accounting.ts';
import { UpstreamClient, type UpstreamError } from '../upstream.ts';
import {
  FEED,
  SetMapper,
  deferSetToStored,
  deferToStored,
  mapCard,
  mapPrices,
  mapSet,
  parseSetAliases,
  type StoredCard,
} from './tcgdex-map.ts';

export const SOURCE = 'tcgdex';
export const DEFAULT_BASE_URL = 'https://api.tcgdex.net';
export const LANGUAGE = 'en';

export interface TcgdexOptions {
  baseUrl?: string;
  /** Only these TCGdex set ids (default: every set TCGdex lists). */
  sets?: string[];
  /** A CSV of `tcgdex_set_id,pokemontcg_set_id,…` pairs (the format of TCGdex's `set_aliases.csv`). */
  aliasesFile?: string;
  timeoutMs?: number;
  retries?: number;
  requestsPerSecond?: number;
  /** Card requests in flight at once (the rate limit still applies). */
  concurrency?: number;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
  /** Skip the sets a previous run finished (its checkpoint). */
  resume?: { doneSets: string[] };
  /** Id of the run being resumed, recorded on the new run. */
  resumesRun?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const explain = (e: UpstreamError) => `${e.kind}: ${e.message}`;

function client(o: TcgdexOptions): UpstreamClient {
  return new UpstreamClient({
    name: 'TCGdex',
    baseUrl: o.baseUrl ?? DEFAULT_BASE_URL,
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.retries !== undefined ? { retries: o.retries } : {}),
    // TCGdex states no limit; ten a second keeps a full walk (~20k cards) near half an hour.
    requestsPerSecond: o.requestsPerSecond ?? 10,
    ...(o.sleep ? { sleep: o.sleep } : {}),
    ...(o.fetch ? { fetch: o.fetch } : {}),
  });
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

interface Handlers {
  /** A set no alias or stored set names; `listed` cards were in its list. */
  onUnmapped(tcgdexSetId: string, listed: number): void;
  /** A mapped set with the full cards that arrived; `malformed` list entries had no id. */
  onSet(set: Obj, ourSetId: string, cards: Obj[], malformed: number): Promise<void>;
}

async function loadAliases(file: string | undefined): Promise<Map<string, string>> {
  if (!file) return new Map();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the TCGdex alias file ${basename(file)}: ${(err as Error).message}`, { cause: err });
  }
  return parseSetAliases(text);
}

/** Fetches the full cards of a set list; returns those that arrived and one error per card that did not. */
async function fetchCards(api: UpstreamClient, run: IngestionRun, briefs: Obj[], concurrency: number) {
  const results = await mapLimit(briefs, concurrency, async (brief) => {
    const id = brief.id as string;
    const res = await api.getJson<unknown>(`/v2/${LANGUAGE}/cards/${encodeURIComponent(id)}`);
    if (!res.ok) return { error: `${id}: ${explain(res.error)}` };
    if (!isObj(res.data)) return { error: `${id}: response is not a card object` };
    await run.savePayload(`cards/${id}`, res.text);
    // The full card wins; the list entry fills what it lacks.
    return { card: { ...brief, ...res.data } };
  });
  return {
    cards: results.flatMap((r) => (r.card ? [r.card] : [])),
    errors: results.flatMap((r) => (r.error ? [r.error] : [])),
  };
}

async function walk(ctx: IngestContext, run: IngestionRun, opts: TcgdexOptions, h: Handlers): Promise<void> {
  const aliases = await loadAliases(opts.aliasesFile);
  const api = client(opts);
  const list = await api.getJson<unknown>(`/v2/${LANGUAGE}/sets`);
  if (!list.ok) throw new Error(`TCGdex set list: ${explain(list.error)}`);
  if (!Array.isArray(list.data)) throw new Error('TCGdex set list: response is not an array');
  await run.savePayload('sets', list.text);
  const listed = list.data
    .filter(isObj)
    .map((s) => s.id)
    .filter((id): id is string => typeof id === 'string');
  for (const missing of opts.sets ?? [])
    if (!listed.includes(missing)) run.fail(missing, 'TCGdex does not list this set');
  const wanted = opts.sets ? listed.filter((id) => opts.sets!.includes(id)) : listed;

  const mapper = new SetMapper(aliases, await setCodes(ctx.database.db));
  const done = new Set(opts.resume?.doneSets ?? []);
  const todo = wanted.filter((id) => !done.has(id));
  for (const [i, setId] of todo.entries()) {
    const failure = await walkSet(api, run, opts, h, mapper, setId);
    if (failure) {
      run.fail(setId, failure);
    } else {
      done.add(setId);
      await run.checkpoint({ doneSets: [...done] });
    }
    ctx.progress?.(i + 1, todo.length, setId);
  }
}

/** One set: returns an error message when the set or any of its cards could not be had. */
async function walkSet(
  api: UpstreamClient,
  run: IngestionRun,
  opts: TcgdexOptions,
  h: Handlers,
  mapper: SetMapper,
  setId: string,
): Promise<string | null> {
  const res = await api.getJson<unknown>(`/v2/${LANGUAGE}/sets/${encodeURIComponent(setId)}`);
  if (!res.ok) return explain(res.error);
  const set = res.data;
  if (!isObj(set) || !Array.isArray(set.cards) || typeof set.id !== 'string' || typeof set.name !== 'string')
    return 'response is not a set with a cards array';
  await run.savePayload(`sets/${setId}`, res.text);
  const ourSetId = mapper.resolve(setId);
  if (!ourSetId) {
    h.onUnmapped(setId, set.cards.length);
    return null;
  }
  const briefs = set.cards.filter((c): c is Obj => isObj(c) && typeof c.id === 'string' && c.id !== '');
  const { cards, errors } = await fetchCards(api, run, briefs, opts.concurrency ?? 4);
  await h.onSet(set, ourSetId, cards, set.cards.length - briefs.length);
  return errors.length === 0 ? null : `${errors.length} of ${briefs.length} cards failed; first ${errors[0]}`;
}

/** Maps and merges a set's objects with what is stored (see `deferToStored`). */
async function catalogInputs(ctx: IngestContext, set: Obj, ourSetId: string, cards: Obj[]) {
  const db = ctx.database.db;
  const storedSet = await storedSetFacts(db, ourSetId);
  const setInput: SetInput = deferSetToStored(mapSet(set, ourSetId)!, storedSet);
  const mapped = cards.map((c) => mapCard(c, ourSetId));
  const inputs = mapped.filter((c): c is CardInput => c !== null);
  const stored = new Map<string, StoredCard>();
  for (const r of await storedCardFacts(
    db,
    inputs.map((c) => c.id),
  ))
    stored.set(r.id, r);
  return {
    setInput,
    cardInputs: inputs.map((c) => deferToStored(c, stored.get(c.id))),
    malformed: mapped.length - inputs.length,
    mapped,
  };
}

function runStart(kind: 'catalog' | 'prices', opts: TcgdexOptions) {
  return {
    importer: SOURCE,
    feed: FEED,
    kind,
    params: {
      baseUrl: opts.baseUrl ?? DEFAULT_BASE_URL,
      language: LANGUAGE,
      sets: opts.sets ?? null,
      aliasesFile: opts.aliasesFile ? basename(opts.aliasesFile) : null,
      resumedSets: opts.resume?.doneSets.length ?? 0,
    },
    resumes: opts.resumesRun ?? null,
  };
}

/**
 * Imports sets and cards. Rows read are sets plus cards: a set that maps to none of ours and its
 * listed cards are rejected `unknown_set`, objects without id/local id/name `malformed_row`.
 *
 * @example
 * const summary = await importTcgdexCatalog(ctx, { aliasesFile: 'set_aliases.csv' });
 */
export function importTcgdexCatalog(ctx: IngestContext, opts: TcgdexOptions = {}): Promise<RunSummary> {
  return withRun(ctx, runStart('catalog', opts), async (run) => {
    const writer = catalogWriter(ctx);
    await walk(ctx, run, opts, {
      onUnmapped: (_id, listed) => run.reject('unknown_set', 1 + listed),
      onSet: async (set, ourSetId, cards, malformed) => {
        const nowIso = ctx.runs.nowIso();
        const inputs = await catalogInputs(ctx, set, ourSetId, cards);
        run.add(await writer.upsertSets([inputs.setInput], nowIso));
        run.add(await writer.upsertCards(inputs.cardInputs, nowIso));
        run.reject('malformed_row', malformed + inputs.malformed);
      },
    });
  });
}

/**
 * Imports the prices of full card objects; one observation is one row read. The catalogue of the
 * cards seen is upserted first (not counted), so a prices run works on an empty database. A card
 * of an unmapped set, or one without id, counts as one rejected row (its prices are never read).
 *
 * @example
 * const summary = await importTcgdexPrices(ctx, { sets: ['sv03.5'], aliasesFile: 'set_aliases.csv' });
 */
export function importTcgdexPrices(ctx: IngestContext, opts: TcgdexOptions = {}): Promise<RunSummary> {
  return withRun(ctx, runStart('prices', opts), async (run) => {
    const writer = catalogWriter(ctx);
    let importer: PriceImporter | null = null;
    await walk(ctx, run, opts, {
      onUnmapped: (_id, listed) => run.reject('unknown_set', listed),
      onSet: async (set, ourSetId, cards, malformed) => {
        const nowIso = ctx.runs.nowIso();
        const inputs = await catalogInputs(ctx, set, ourSetId, cards);
        await writer.upsertSets([inputs.setInput], nowIso);
        await writer.upsertCards(inputs.cardInputs, nowIso);
        run.reject('malformed_row', malformed + inputs.malformed);
        importer ??= await priceImporter(ctx, run, FEED);
        importer.knowCards(inputs.cardInputs.map((c) => c.id));
        await importer.add(cards.flatMap((c, i) => (inputs.mapped[i] ? mapPrices(c, inputs.mapped[i].id) : [])));
        // Prices of a set are stored before the checkpoint says it is done.
        await importer.flush();
      },
    });
  });
}
