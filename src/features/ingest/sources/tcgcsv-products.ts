/**
 * `cardquant import products tcgcsv|tcgcsv-files`: TCGplayer product listings into the product
 * map (`tcgplayer_products`), so every TCGCSV price path — live, files, archives and `import
 * rematch` — links products to cards and sealed items without a cross-walk.
 *
 * - Live (`tcgcsv`): the group list `/tcgplayer/3/groups`, then each group's
 *   `/tcgplayer/3/{groupId}/products`, through the same upstream client as the price import.
 * - Files (`tcgcsv-files --path DIR`): the same bodies saved in TCGCSV's layout,
 *   `DIR/3/<groupId>/products`, optionally with `DIR/3/groups` (the group list). Without the
 *   group list, a group matches the sets recorded with its id (a cross-walk or an earlier live
 *   import records them) or the groups stored by an earlier import; with it, also the set whose
 *   PTCGO code is the group's abbreviation.
 *
 * One run (kind `products`): each listed product is one row — `accepted` (new in the map),
 * `updated` (its link, kind or details changed), `unchanged`, or rejected `malformed_row` (no
 * numeric product id or no name). A group whose listing cannot be fetched, read or parsed is
 * recorded in the run's failures and the others go on (`partial`).
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ProductMap } from '../../catalog/product-map.ts';
import { loadGroups } from '../../catalog/listings.repo.ts';
import { withRun, type IngestContext } from '../context.ts';
import type { IngestionRun } from '../ingestion-run.ts';
import type { RunSummary } from '../../../shared/run-accounting.ts';
import { CardIndex, type TcgcsvGroup } from './crosswalk.ts';
import {
  DEFAULT_BASE_URL,
  envelopeResults,
  fetchListing,
  FEED,
  listGroups,
  POKEMON_CATEGORY,
  tcgcsvClient,
  type TcgcsvApiOptions,
} from './tcgcsv.ts';
import { groupsOf, isListing, storeGroups, storeListings } from './tcgcsv-listings.ts';

export const PRODUCTS_FILES_SOURCE = 'tcgcsv-files';

interface Listing {
  ctx: IngestContext;
  run: IngestionRun;
  map: ProductMap;
  index: CardIndex;
}

/** Counts and stores one group's listing. */
async function addListing(l: Listing, group: TcgcsvGroup, results: unknown[]): Promise<void> {
  const products = results.filter(isListing);
  l.run.reject('malformed_row', results.length - products.length);
  l.run.add(await storeListings(l.ctx, group, products, l.map, l.index));
}

async function listingContext(ctx: IngestContext, run: IngestionRun): Promise<Listing> {
  return { ctx, run, map: await ProductMap.load(ctx.database.db), index: await CardIndex.load(ctx.database.db) };
}

/**
 * Imports every Pokémon group's product listing from TCGCSV (or a replay at `baseUrl`).
 *
 * @example
 * const summary = await importTcgcsvProducts(ctx, { groups: [604] });
 */
export async function importTcgcsvProducts(
  ctx: IngestContext,
  opts: Pick<
    TcgcsvApiOptions,
    'baseUrl' | 'groups' | 'timeoutMs' | 'retries' | 'requestsPerSecond' | 'sleep' | 'fetch'
  > = {},
): Promise<RunSummary> {
  const baseUrl = opts.baseUrl ?? DEFAULT_BASE_URL;
  const start = {
    importer: 'tcgcsv',
    feed: FEED,
    kind: 'products' as const,
    params: { baseUrl, groups: opts.groups ?? null },
  };
  return withRun(ctx, start, async (run) => {
    const api = tcgcsvClient(baseUrl, opts);
    const groups = await listGroups(ctx, api, run, opts.groups);
    const l = await listingContext(ctx, run);
    for (const [i, g] of groups.entries()) {
      const listing = await fetchListing(api, g.groupId);
      if (listing.ok) await addListing(l, g, listing.results);
      else run.fail(`group ${g.groupId}`, listing.error);
      ctx.progress?.(i + 1, groups.length, `group ${g.groupId}`);
    }
  });
}

/**
 * Imports saved TCGCSV product listings: `<path>/3/<groupId>/products`, and `<path>/3/groups`
 * when present.
 *
 * @example
 * await importTcgcsvProductFiles(ctx, { path: './tcgcsv' });
 */
export async function importTcgcsvProductFiles(ctx: IngestContext, opts: { path: string }): Promise<RunSummary> {
  const start = {
    importer: PRODUCTS_FILES_SOURCE,
    feed: FEED,
    kind: 'products' as const,
    params: { path: basename(opts.path) },
  };
  return withRun(ctx, start, async (run) => {
    const dir = join(opts.path, String(POKEMON_CATEGORY));
    let entries: string[];
    try {
      entries = await readdir(dir);
    } catch (err) {
      throw new Error(
        `no TCGCSV product listings under ${basename(opts.path)}: expected ${POKEMON_CATEGORY}/<groupId>/products (${(err as Error).message})`,
        { cause: err },
      );
    }
    if (entries.includes('groups')) {
      try {
        await storeGroups(ctx, groupsOf(envelopeResults(await readFile(join(dir, 'groups'), 'utf8'))));
      } catch (err) {
        run.fail(`${POKEMON_CATEGORY}/groups`, err);
      }
    }
    const known = await loadGroups(ctx.database.db);
    const groupIds = entries
      .filter((e) => /^\d+$/.test(e))
      .map(Number)
      .sort((a, b) => a - b);
    const l = await listingContext(ctx, run);
    for (const [i, groupId] of groupIds.entries()) {
      const item = `${POKEMON_CATEGORY}/${groupId}/products`;
      let results: unknown[];
      try {
        results = envelopeResults(await readFile(join(dir, String(groupId), 'products'), 'utf8'));
      } catch (err) {
        run.fail(item, err);
        continue;
      }
      const g = known.get(groupId);
      await addListing(l, { groupId, name: g?.name ?? '', abbreviation: g?.abbreviation ?? null }, results);
      ctx.progress?.(i + 1, groupIds.length, item);
    }
    if (groupIds.length === 0)
      throw new Error(
        `no group folders under ${basename(opts.path)}/${POKEMON_CATEGORY}: expected ${POKEMON_CATEGORY}/<groupId>/products`,
      );
  });
}
