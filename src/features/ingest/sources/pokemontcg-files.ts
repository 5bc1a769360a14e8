/**
 * pokemontcg.io data read from disk: a directory in the pokemontcg-data layout
 * (`sets/en.json` and one `cards/en/<setId>.json` array per set; the set of a card is its file
 * name) or, for prices, a single file in the API response format (`{ data: [...] }`).
 *
 * Set files are read one at a time, so memory stays at one set whatever the catalogue's size; a
 * file that cannot be read or parsed is recorded in the run's failures and the next one is read.
 * The source files stay on disk, so catalogue runs do not archive them; a prices run archives
 * the files that carried prices, for `import rematch`.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { CardInput, CatalogWriter } from '../../catalog/catalog-writer.ts';
import { catalogWriter, withRun, type IngestContext } from '../context.ts';
import type { IngestionRun } from '../ingestion-run.ts';
import type { RunSummary } from '../../../shared/run-accounting.ts';
import { PokemontcgPriceSink, writeCards } from './pokemontcg-api.ts';
import { PRICE_FEED, mapCard, mapSet } from './pokemontcg-map.ts';

export const FILES_SOURCE = 'pokemontcg-files';

export interface PokemontcgFilesOptions {
  /** A pokemontcg-data directory, or (prices only) one JSON file in the API response format. */
  path: string;
  /** Language folder of the layout. */
  language?: string;
}

interface SetFile {
  setId: string;
  file: string;
}

async function readJson(file: string): Promise<{ text: string; value: unknown }> {
  const text = await readFile(file, 'utf8');
  try {
    return { text, value: JSON.parse(text) as unknown };
  } catch (err) {
    throw new Error(`${basename(file)} is not valid JSON: ${(err as Error).message.slice(0, 120)}`, { cause: err });
  }
}

/** The set objects of `sets/<lang>.json`; a missing or malformed list fails the run. */
async function readSetList(dir: string, lang: string): Promise<unknown[]> {
  const { value } = await readJson(join(dir, 'sets', `${lang}.json`));
  if (!Array.isArray(value)) throw new Error(`sets/${lang}.json is not an array of sets`);
  return value;
}

async function listSetFiles(dir: string, lang: string): Promise<SetFile[]> {
  const folder = join(dir, 'cards', lang);
  const names = (await readdir(folder)).filter((n) => n.endsWith('.json')).sort();
  return names.map((n) => ({ setId: n.slice(0, -'.json'.length), file: join(folder, n) }));
}

/** Reads one set file's card array, or records it as a failed part and returns null. */
async function readCardFile(
  run: IngestionRun,
  lang: string,
  f: SetFile,
): Promise<{ text: string; cards: unknown[] } | null> {
  const item = `cards/${lang}/${f.setId}.json`;
  try {
    const { text, value } = await readJson(f.file);
    if (!Array.isArray(value)) throw new Error(`${f.setId}.json is not an array of cards`);
    return { text, cards: value };
  } catch (err) {
    run.fail(item, err);
    return null;
  }
}

/** Upserts the listed sets (counted in `run` when given) and returns the set ids now known. */
async function writeSets(
  ctx: IngestContext,
  writer: CatalogWriter,
  raw: unknown[],
  run?: IngestionRun,
): Promise<Set<string>> {
  const sets = raw.map(mapSet).filter((s) => s !== null);
  const outcome = await writer.upsertSets(sets, ctx.runs.nowIso());
  if (run) {
    run.reject('malformed_row', raw.length - sets.length);
    run.add(outcome);
  }
  return writer.knownSetIds();
}

/**
 * Imports sets and cards from a pokemontcg-data directory. Rows read are sets plus cards; cards
 * in a file whose set is not listed are rejected as `unknown_set`.
 *
 * @example
 * await importPokemontcgFilesCatalog(ctx, { path: 'vendor/pokemontcg-data' });
 */
export function importPokemontcgFilesCatalog(ctx: IngestContext, opts: PokemontcgFilesOptions): Promise<RunSummary> {
  const lang = opts.language ?? 'en';
  return withRun(
    ctx,
    {
      importer: FILES_SOURCE,
      feed: PRICE_FEED,
      kind: 'catalog',
      params: { path: basename(opts.path), language: lang },
    },
    async (run) => {
      const writer = catalogWriter(ctx);
      const knownSets = await writeSets(ctx, writer, await readSetList(opts.path, lang), run);
      const files = await listSetFiles(opts.path, lang);
      for (const [i, f] of files.entries()) {
        const read = await readCardFile(run, lang, f);
        if (read) {
          const cards = read.cards.map((c) => mapCard(c, f.setId)).filter((c): c is CardInput => c !== null);
          run.reject('malformed_row', read.cards.length - cards.length);
          run.add(await writeCards(writer, knownSets, cards, ctx.runs.nowIso(), run));
        }
        ctx.progress?.(i + 1, files.length, f.setId);
      }
    },
  );
}

/**
 * Imports the prices carried by card objects, from a pokemontcg-data directory whose cards have
 * `tcgplayer`/`cardmarket` blocks (the plain catalogue has none: 0 rows read) or from one JSON
 * file in the API response format. The catalogue of the cards seen is upserted first.
 *
 * @example
 * await importPokemontcgFilesPrices(ctx, { path: 'downloads/cards_page1.json' });
 */
export function importPokemontcgFilesPrices(ctx: IngestContext, opts: PokemontcgFilesOptions): Promise<RunSummary> {
  const lang = opts.language ?? 'en';
  return withRun(
    ctx,
    { importer: FILES_SOURCE, feed: PRICE_FEED, kind: 'prices', params: { path: basename(opts.path), language: lang } },
    async (run) => {
      run.explainEmpty(
        `no tcgplayer or cardmarket prices in the card files under ${basename(opts.path)} (a catalogue dump carries none)`,
      );
      const writer = catalogWriter(ctx);
      if ((await stat(opts.path)).isFile()) {
        await importResponseFile(ctx, run, writer, opts.path);
        return;
      }
      const sink = new PokemontcgPriceSink(
        ctx,
        run,
        writer,
        await writeSets(ctx, writer, await readSetList(opts.path, lang)),
      );
      const files = await listSetFiles(opts.path, lang);
      for (const [i, f] of files.entries()) {
        const read = await readCardFile(run, lang, f);
        if (read) {
          const before = sink.observations;
          await sink.add(read.cards, f.setId);
          if (sink.observations > before) await run.savePayload(`cards/${lang}/${f.setId}.json`, read.text);
        }
        ctx.progress?.(i + 1, files.length, f.setId);
      }
      await sink.flush();
    },
  );
}

/** One saved `/v2/cards` response: the sets come from the cards' embedded `set` objects. */
async function importResponseFile(
  ctx: IngestContext,
  run: IngestionRun,
  writer: CatalogWriter,
  file: string,
): Promise<void> {
  const { text, value } = await readJson(file);
  const data = Array.isArray(value) ? value : (value as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw new Error(`${basename(file)} has no data array (expected a /v2/cards response)`);
  await run.savePayload(basename(file), text);
  const embedded = new Map<string, unknown>();
  for (const card of data) {
    const set = (card as { set?: { id?: unknown } } | null)?.set;
    if (set && typeof set.id === 'string') embedded.set(set.id, set);
  }
  const sink = new PokemontcgPriceSink(ctx, run, writer, await writeSets(ctx, writer, [...embedded.values()]));
  await sink.add(data);
  await sink.flush();
}
