/**
 * Upserts sets and cards from any source, merging rather than replacing: a source that does not
 * know a field (null) never erases what another source said, images are kept per source, and
 * external ids accumulate. Counts follow the run accounting (accepted = new, updated = changed,
 * unchanged = identical).
 */
import type { Kysely, Selectable } from 'kysely';
import type { CardsTable, SetsTable, Tables } from '../../platform/db/schema.ts';
import type { WriteOutcome } from '../../shared/run-accounting.ts';
import { allCardIds, allSetIds, catalogRowsByIds, insertCatalogRows, updateCatalogRow } from './catalog-writer.repo.ts';

export interface SetInput {
  id: string;
  name: string;
  /** The set's era (docs/GLOSSARY.md). */
  era?: string | null;
  printedTotal?: number | null;
  total?: number | null;
  ptcgoCode?: string | null;
  /** `YYYY-MM-DD`. */
  releaseDate?: string | null;
  images?: Record<string, string> | null;
  tcgplayerGroupId?: number | null;
  tcgdexSetId?: string | null;
  language?: string;
  game?: string;
}

export interface CardInput {
  id: string;
  setId: string;
  number: string;
  name: string;
  kind?: 'card' | 'sealed';
  supertype?: string | null;
  subtypes?: string[] | null;
  types?: string[] | null;
  rarity?: string | null;
  hp?: string | null;
  artist?: string | null;
  language?: string;
  /** Image URLs of this source: `{ small, large }`. */
  images?: { small?: string; large?: string } | null;
  /** Which source the images belong to (`pokemontcg`, `tcgdex`, `demo`). */
  imageSource?: string;
  pokemontcgId?: string | null;
  tcgdexId?: string | null;
}

type SetRow = Selectable<SetsTable>;
type CardRow = Selectable<CardsTable>;

// Rows per statement stay under both dialects' bound-parameter limits (16 columns × 500).
const CHUNK = 500;

function pick<T>(incoming: T | null | undefined, existing: T | null): T | null {
  return incoming === undefined || incoming === null ? existing : incoming;
}

function json(v: unknown): string | null {
  return v === null || v === undefined ? null : JSON.stringify(v);
}

export function mergeSet(input: SetInput, existing: SetRow | undefined, nowIso: string): SetRow {
  const e = existing;
  const images = { ...(e?.images ? (JSON.parse(e.images) as Record<string, string>) : {}), ...(input.images ?? {}) };
  return {
    id: input.id,
    game: input.game ?? e?.game ?? 'pokemon',
    name: input.name,
    era: pick(input.era, e?.era ?? null),
    printed_total: pick(input.printedTotal, e?.printed_total ?? null),
    total: pick(input.total, e?.total ?? null),
    ptcgo_code: pick(input.ptcgoCode, e?.ptcgo_code ?? null),
    release_date: pick(input.releaseDate, e?.release_date ?? null),
    language: input.language ?? e?.language ?? 'en',
    images: Object.keys(images).length ? JSON.stringify(images) : null,
    tcgplayer_group_id: pick(input.tcgplayerGroupId, e?.tcgplayer_group_id ?? null),
    tcgdex_set_id: pick(input.tcgdexSetId, e?.tcgdex_set_id ?? null),
    updated_at: e?.updated_at ?? nowIso,
  };
}

export function mergeCard(input: CardInput, existing: CardRow | undefined, nowIso: string): CardRow {
  const e = existing;
  const images = e?.images ? (JSON.parse(e.images) as Record<string, unknown>) : {};
  if (input.images && (input.images.small || input.images.large))
    images[input.imageSource ?? 'pokemontcg'] = input.images;
  return {
    id: input.id,
    set_id: input.setId,
    number: input.number,
    name: input.name,
    kind: input.kind ?? e?.kind ?? 'card',
    supertype: pick(input.supertype, e?.supertype ?? null),
    subtypes: pick(json(input.subtypes), e?.subtypes ?? null),
    types: pick(json(input.types), e?.types ?? null),
    rarity: pick(input.rarity, e?.rarity ?? null),
    hp: pick(input.hp, e?.hp ?? null),
    artist: pick(input.artist, e?.artist ?? null),
    language: input.language ?? e?.language ?? 'en',
    images: Object.keys(images).length ? JSON.stringify(images) : null,
    pokemontcg_id: pick(input.pokemontcgId, e?.pokemontcg_id ?? null),
    tcgdex_id: pick(input.tcgdexId, e?.tcgdex_id ?? null),
    updated_at: e?.updated_at ?? nowIso,
  };
}

function sameRow<T extends { updated_at: string }>(a: T, b: T): boolean {
  return JSON.stringify({ ...a, updated_at: '' }) === JSON.stringify({ ...b, updated_at: '' });
}

async function upsertChunked<I extends { id: string }, R extends { id: string; updated_at: string }>(
  db: Kysely<Tables>,
  table: 'sets' | 'cards',
  inputs: I[],
  merge: (input: I, existing: R | undefined, nowIso: string) => R,
  nowIso: string,
): Promise<WriteOutcome> {
  const out: WriteOutcome = { accepted: 0, updated: 0, unchanged: 0 };
  for (let i = 0; i < inputs.length; i += CHUNK) {
    const chunk = inputs.slice(i, i + CHUNK);
    await db.transaction().execute(async (trx) => {
      const rows = await catalogRowsByIds<R>(
        trx,
        table,
        chunk.map((c) => c.id),
      );
      const existing = new Map(rows.map((r) => [r.id, r]));
      const fresh = new Map<string, R>();
      for (const input of chunk) {
        const before = existing.get(input.id) ?? fresh.get(input.id);
        const after = merge(input, before, nowIso);
        if (!before) {
          fresh.set(after.id, after);
          out.accepted++;
        } else if (fresh.has(input.id)) {
          // Seen earlier in this chunk and not yet written: the merge replaces it.
          fresh.set(after.id, after);
          out.unchanged++;
        } else if (sameRow(before, after)) {
          out.unchanged++;
        } else {
          const changed = { ...after, updated_at: nowIso };
          await updateCatalogRow(trx, table, input.id, changed);
          existing.set(after.id, changed);
          out.updated++;
        }
      }
      // New rows go in as one statement per chunk.
      await insertCatalogRows(trx, table, [...fresh.values()]);
    });
  }
  return out;
}

export class CatalogWriter {
  constructor(private readonly db: Kysely<Tables>) {}

  upsertSets(sets: SetInput[], nowIso: string): Promise<WriteOutcome> {
    return upsertChunked<SetInput, SetRow>(this.db, 'sets', sets, mergeSet, nowIso);
  }

  /** Cards whose set is unknown must be rejected by the caller first (foreign key). */
  upsertCards(cards: CardInput[], nowIso: string): Promise<WriteOutcome> {
    return upsertChunked<CardInput, CardRow>(this.db, 'cards', cards, mergeCard, nowIso);
  }

  async knownSetIds(): Promise<Set<string>> {
    return allSetIds(this.db);
  }

  async knownCardIds(): Promise<Set<string>> {
    return allCardIds(this.db);
  }
}
