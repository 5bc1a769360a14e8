/**
 * TCGCSV (https://tcgcsv.com), a daily mirror of TCGplayer's catalogue and market prices;
 * Pokémon is category 3. Per group (≈ a set) the adapter reads `/tcgplayer/3/{groupId}/products`
 * to update the product map, then `/tcgplayer/3/{groupId}/prices`: one row per
 * (`productId`, `subTypeName`), USD, no paging and no `totalItems`. An empty group answers 404
 * with a JSON error: that is zero rows, not a failure.
 *
 * The date of the prices: TCGCSV refreshes once a day at about 20:00 UTC, and what it serves
 * until the next refresh are the prices of that refresh's UTC day (its archive
 * `prices-YYYY-MM-DD` holds the same rows). So without `opts.date` a run at or after 20:00 UTC
 * stores today's UTC date, a run before 20:00 UTC yesterday's. The daily pipeline runs
 * after the refresh (21:15 UTC), where this is today; catch-up runs can pass `date` explicitly.
 *
 * A group whose products or prices cannot be had (HTTP error after retries, timeout, malformed
 * or truncated JSON) is recorded in the run's failures and the others go on (status `partial`).
 * After each finished group the run checkpoints `{ date, doneGroups }`; a later run with
 * `resume: { doneGroups }` (and the same `date`) skips those groups. Every prices body is
 * archived as `<date>/<groupId>/prices`.
 */
import { basename } from 'node:path';
import { ProductMap } from '../../catalog/product-map.ts';
import type { PriceImporter } from '../../prices/price-importer.ts';
import { priceImporter, withRun, type IngestContext } from '../context.ts';
import type { IngestionRun } from '../ingestion-run.ts';
import type { RunSummary } from '../../../shared/run-accounting.ts';
import { UpstreamClient, type UpstreamError } from '../upstream.ts';
import { CardIndex, cardNotInCatalog, importCrosswalk, type TcgcsvGroup } from './crosswalk.ts';
import { groupsOf, isListing, storeGroups, storeListings } from './tcgcsv-listings.ts';

export const API_SOURCE = 'tcgcsv';
export const FEED = 'tcgcsv';
export const DEFAULT_BASE_URL = 'https://tcgcsv.com';
export const POKEMON_CATEGORY = 3;
/** Hour (UTC) by which TCGCSV has published the day's prices. */
export const REFRESH_HOUR_UTC = 20;

export interface TcgcsvApiOptions {
  baseUrl?: string;
  /** The day the prices are for (default: see the file comment). */
  date?: string;
  /** Only these group ids (default: every Pokémon group TCGCSV lists). */
  groups?: number[];
  /** A cross-walk CSV imported into the product map first (see crosswalk.ts). */
  map?: string;
  timeoutMs?: number;
  retries?: number;
  requestsPerSecond?: number;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
  /** Skip the groups a previous run finished (its checkpoint). */
  resume?: { doneGroups: number[] };
  /** Id of the run being resumed, recorded on the new run. */
  resumesRun?: string;
}

/**
 * The day whose prices TCGCSV serves at `nowMs`.
 *
 * @example
 * tcgcsvPriceDate(Date.parse('2025-10-21T02:00:00Z')); // '2025-10-20'
 * tcgcsvPriceDate(Date.parse('2025-10-21T21:15:00Z')); // '2025-10-21'
 */
export function tcgcsvPriceDate(nowMs: number): string {
  const at = new Date(nowMs);
  const day = at.getUTCHours() >= REFRESH_HOUR_UTC ? at : new Date(nowMs - 86_400_000);
  return day.toISOString().slice(0, 10);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The `results` of a TCGCSV envelope; throws when the body is not one or reports failure. */
export function envelopeResults(text: string): unknown[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new Error(`invalid JSON (${(err as Error).message.slice(0, 120)})`, { cause: err });
  }
  if (!isObj(body)) throw new Error('body is not a JSON object');
  if (body.success === false) {
    const errors = Array.isArray(body.errors) ? body.errors.map(String).join('; ') : '';
    throw new Error(`TCGCSV reported failure${errors ? `: ${errors}` : ''}`);
  }
  if (!Array.isArray(body.results)) throw new Error('body has no results array');
  return body.results;
}

/**
 * Hands one prices body's rows to the importer, dated `date`, sold under TCGplayer group
 * `groupId` (the group whose prices file they came from, recorded on the printing). Rows without a product id or
 * sub-type are rejected `malformed_row`; products the cross-walk names a missing card for,
 * `card_not_in_catalog`. Values are passed on unchecked (the price rules judge them). `groupId`
 * is the group the body was served for (recorded with products that match nothing).
 */
export async function addPriceRows(
  importer: PriceImporter,
  rows: unknown[],
  date: string,
  missingCard: (productId: number) => boolean,
  groupId: number | null = null,
): Promise<void> {
  // Every row is judged first, then the valid ones go to the importer (as `importer.add` took them).
  const valid: Obj[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const productId = isObj(r) ? r.productId : null;
    const subType = isObj(r) ? r.subTypeName : null;
    if (
      !isObj(r) ||
      typeof productId !== 'number' ||
      !Number.isSafeInteger(productId) ||
      productId <= 0 ||
      typeof subType !== 'string' ||
      subType.trim() === ''
    ) {
      const shown = (v: unknown) => (v === undefined ? 'missing' : (JSON.stringify(v) ?? String(v)).slice(0, 40));
      const detail = !isObj(r)
        ? `the row is ${shown(r)}, not an object`
        : typeof productId !== 'number' || !Number.isSafeInteger(productId) || productId <= 0
          ? `productId ${shown(productId)} is not a TCGplayer product id`
          : `subTypeName ${shown(subType)} is not a sub-type name`;
      importer.reject('malformed_row', 1, { at: `${date} results[${i}]`, detail });
      continue;
    }
    if (missingCard(productId)) {
      importer.rejectProduct(productId, groupId, 'card_not_in_catalog');
      continue;
    }
    valid.push(r);
  }
  for (const r of valid)
    if (importer.addTcgplayerRow(r, r.productId as number, r.subTypeName as string, groupId, date))
      await importer.flush();
}

const explain = (e: UpstreamError) => `${e.kind}: ${e.message}`;

/** Every Pokémon group TCGCSV lists (stored in `tcgplayer_groups`), or only `only`. */
export async function listGroups(
  ctx: IngestContext,
  api: UpstreamClient,
  run: IngestionRun,
  only: number[] | undefined,
): Promise<TcgcsvGroup[]> {
  const res = await api.getText(`/tcgplayer/${POKEMON_CATEGORY}/groups`);
  // Without the group list nothing can be imported: the run fails.
  if (!res.ok) throw new Error(`TCGCSV group list: ${explain(res.error)}`);
  const groups = groupsOf(envelopeResults(res.text));
  await storeGroups(ctx, groups);
  const listed: TcgcsvGroup[] = groups.map((g) => ({ groupId: g.groupId, name: g.name, abbreviation: g.abbreviation }));
  if (!only) return listed;
  for (const id of only)
    if (!listed.some((g) => g.groupId === id))
      run.fail(`group ${id}`, `TCGCSV does not list group ${id} in category ${POKEMON_CATEGORY}`);
  return listed.filter((g) => only.includes(g.groupId));
}

/** A group's product listing (`[]` when TCGCSV has none), or an error message. */
export async function fetchListing(
  api: UpstreamClient,
  groupId: number,
): Promise<{ ok: true; results: unknown[] } | { ok: false; error: string }> {
  const res = await api.getText(`/tcgplayer/${POKEMON_CATEGORY}/${groupId}/products`, { notFoundIsEmpty: true });
  if (!res.ok) return { ok: false, error: `products: ${explain(res.error)}` };
  if (res.status === 404) return { ok: true, results: [] };
  try {
    return { ok: true, results: envelopeResults(res.text) };
  } catch (err) {
    return { ok: false, error: `products: ${(err as Error).message}` };
  }
}

/** Fetches a group's products and upserts them into the map; returns an error message or null. */
async function refreshProducts(
  ctx: IngestContext,
  api: UpstreamClient,
  group: TcgcsvGroup,
  map: ProductMap,
  index: CardIndex,
): Promise<string | null> {
  const listing = await fetchListing(api, group.groupId);
  if (!listing.ok) return listing.error;
  await storeListings(ctx, group, listing.results.filter(isListing), map, index);
  return null;
}

interface GroupPrices {
  api: UpstreamClient;
  run: IngestionRun;
  importer: PriceImporter;
  date: string;
  missingCard: (productId: number) => boolean;
}

/** Fetches, archives and imports one group's prices; returns an error message or null. */
async function importGroupPrices(p: GroupPrices, groupId: number): Promise<string | null> {
  const res = await p.api.getText(`/tcgplayer/${POKEMON_CATEGORY}/${groupId}/prices`, { notFoundIsEmpty: true });
  if (!res.ok) return `prices: ${explain(res.error)}`;
  if (res.status === 404) return null;
  await p.run.savePayload(`${p.date}/${groupId}/prices`, res.text);
  let rows: unknown[];
  try {
    rows = envelopeResults(res.text);
  } catch (err) {
    return `prices: ${(err as Error).message}`;
  }
  await addPriceRows(p.importer, rows, p.date, p.missingCard, groupId);
  await p.importer.flush();
  return null;
}

/** The upstream client every live TCGCSV import uses. */
export function tcgcsvClient(baseUrl: string, opts: Omit<TcgcsvApiOptions, 'baseUrl'>): UpstreamClient {
  return new UpstreamClient({
    name: 'TCGCSV',
    baseUrl,
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.retries !== undefined ? { retries: opts.retries } : {}),
    ...(opts.requestsPerSecond !== undefined ? { requestsPerSecond: opts.requestsPerSecond } : {}),
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
}

/**
 * Imports one day of TCGCSV prices from the live API (or a replay of it at `baseUrl`).
 *
 * @example
 * const summary = await importTcgcsvPrices(ctx, { groups: [604], map: 'tcgplayer_to_pokemontcg.csv' });
 */
export async function importTcgcsvPrices(ctx: IngestContext, opts: TcgcsvApiOptions = {}): Promise<RunSummary> {
  const date = opts.date ?? tcgcsvPriceDate(ctx.clock.now());
  const baseUrl = opts.baseUrl ?? DEFAULT_BASE_URL;
  const start = {
    importer: API_SOURCE,
    feed: FEED,
    kind: 'prices' as const,
    from: date,
    to: date,
    params: {
      baseUrl,
      date,
      groups: opts.groups ?? null,
      map: opts.map ? basename(opts.map) : null,
      resumedGroups: opts.resume?.doneGroups.length ?? 0,
    },
    resumes: opts.resumesRun ?? null,
  };
  return withRun(ctx, start, async (run) => {
    const api = tcgcsvClient(baseUrl, opts);
    const groups = await listGroups(ctx, api, run, opts.groups);
    const done = new Set(opts.resume?.doneGroups ?? []);
    const todo = groups.filter((g) => !done.has(g.groupId));
    const crosswalk = opts.map ? await importCrosswalk(ctx, run, opts.map) : null;
    const map = crosswalk?.map ?? (await ProductMap.load(ctx.database.db));
    const index = await CardIndex.load(ctx.database.db);

    // Products first: the price importer reads the product map once, when it is made.
    const ready: TcgcsvGroup[] = [];
    for (const g of todo) {
      const error = await refreshProducts(ctx, api, g, map, index);
      if (error) run.fail(`group ${g.groupId}`, error);
      else ready.push(g);
    }

    const importer = await priceImporter(ctx, run, FEED);
    if (crosswalk) importer.productLineHints = crosswalk.editions;
    const p: GroupPrices = { api, run, importer, date, missingCard: cardNotInCatalog(crosswalk) };
    for (const [i, g] of ready.entries()) {
      const error = await importGroupPrices(p, g.groupId);
      if (error) {
        run.fail(`group ${g.groupId}`, error);
      } else {
        done.add(g.groupId);
        await run.checkpoint({ date, doneGroups: [...done] });
      }
      ctx.progress?.(i + 1, ready.length, `group ${g.groupId}`);
    }
    await importer.flush();
  });
}
