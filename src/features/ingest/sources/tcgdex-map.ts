/**
 * Pure mapping of TCGdex v2 objects (`/v2/en/sets`, `/v2/en/sets/{id}`, `/v2/en/cards/{id}`) to
 * our catalogue inputs and price observations. No I/O: the adapter fetches, this translates.
 *
 * Ids. TCGdex set ids and card numbers differ from pokemontcg.io's (`sv03.5` vs `sv3pt5`, local
 * id `053` vs number `53`), and our card ids are pokemontcg.io ids (DESIGN §10). A TCGdex set is
 * mapped to our set id by, in order: the operator's alias file (`tcgdex_set_id,pokemontcg_set_id`),
 * a stored set whose `tcgdex_set_id` is it, a stored set with the same id. The card id is then
 * `{ourSetId}-{localId without leading zeros}`. A set none of these name is NOT given an invented
 * id: its rows are rejected as `unknown_set` (payloads are kept, so adding an alias and
 * re-importing picks them up). An invented id (`tcgdex-…`, or `sv03.5-53`) would become a second,
 * permanent id for the same card as soon as the pokemontcg.io spelling became known.
 *
 * Prices (one observation = one row read), dated by the block's `updated` stamp:
 * - `pricing.tcgplayer.<variant>` → one USD row per variant, the variant key kept verbatim as the
 *   finish label. TCGdex documents both `reverse` and `reverse-holofoil` (and `holo`/`holofoil`);
 *   `finishOf` accepts every spelling.
 * - `pricing.cardmarket` → one EUR row for the card's main printing from the non-foil fields
 *   (`avg`, `low`, `trend`, `avg1`, `avg7`, `avg30`) and, when the card has a reverse-holo variant,
 *   one `reverse` row from the `-holo` fields (Cardmarket's foil of a Pokémon card is its reverse
 *   holo; for cards without one those fields are noise). Cardmarket reports "no data" as 0, which
 *   becomes null. The main printing is `holofoil` when the card's variants have a holo and no
 *   normal print (or, without variants, TCGplayer lists only a holofoil, or the rarity says holo).
 */
import { parse } from 'csv-parse/sync';
import type { CardInput, SetInput } from '../../catalog/catalog-writer.ts';
import type { PriceObservation } from '../../prices/price-importer.ts';
import { tcgplayerFields, type RawPrices } from '../../prices/price-rules.ts';

export const FEED = 'tcgdex';
export const IMAGE_SOURCE = 'tcgdex';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);
const strings = (v: unknown): string[] | null =>
  Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : null;

/**
 * A TCGdex local id as a card number: leading zeros dropped from numeric ids only.
 *
 * @example
 * cardNumber('053'); // '53'
 * cardNumber('TG01'); // 'TG01'
 */
export function cardNumber(localId: string): string {
  return localId.trim().replace(/^0+(?=\d)/, '');
}

/**
 * Reads an alias file (`tcgdex_set_id,pokemontcg_set_id,…` with a header) into a map; throws when
 * the columns are missing or an id is listed twice with different targets.
 */
export function parseSetAliases(text: string): Map<string, string> {
  const rows = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<
    string,
    string
  >[];
  const out = new Map<string, string>();
  if (rows.length > 0 && !('tcgdex_set_id' in rows[0]! && 'pokemontcg_set_id' in rows[0]!)) {
    throw new Error('alias file needs the columns tcgdex_set_id and pokemontcg_set_id');
  }
  for (const r of rows) {
    const from = str(r.tcgdex_set_id);
    const to = str(r.pokemontcg_set_id);
    if (!from || !to) continue;
    if (out.has(from) && out.get(from) !== to)
      throw new Error(`alias file maps ${from} to both ${out.get(from)} and ${to}`);
    out.set(from, to);
  }
  return out;
}

/** Resolves TCGdex set ids to our set ids (see the file comment for the order). */
export class SetMapper {
  private readonly byTcgdexId = new Map<string, string>();
  private readonly ids = new Set<string>();

  constructor(
    private readonly aliases: ReadonlyMap<string, string>,
    stored: readonly { id: string; tcgdex_set_id: string | null }[],
  ) {
    for (const s of stored) {
      this.ids.add(s.id);
      if (s.tcgdex_set_id) this.byTcgdexId.set(s.tcgdex_set_id, s.id);
    }
  }

  /** @example mapper.resolve('sv03.5'); // 'sv3pt5' with that alias, else null unless stored */
  resolve(tcgdexSetId: string): string | null {
    return (
      this.aliases.get(tcgdexSetId) ??
      this.byTcgdexId.get(tcgdexSetId) ??
      (this.ids.has(tcgdexSetId) ? tcgdexSetId : null)
    );
  }
}

/** A date from a stamp (`2025-10-20T01:02:03Z`, `2025/10/20`, epoch seconds or ms), or null. */
export function stampDate(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return new Date(v > 1e12 ? v : v * 1000).toISOString().slice(0, 10);
  if (typeof v !== 'string') return null;
  const m = /^(\d{4})[-/](\d{2})[-/](\d{2})(?:[ T]|$)/.exec(v.trim());
  if (!m) return null;
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  const t = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().startsWith(date) ? date : null;
}

/** A set object (brief or full) as our set `ourSetId`, or null when it has no id or name. */
export function mapSet(raw: unknown, ourSetId: string): SetInput | null {
  if (!isObj(raw)) return null;
  const tcgdexSetId = str(raw.id);
  const name = str(raw.name);
  if (!tcgdexSetId || !name) return null;
  const count = isObj(raw.cardCount) ? raw.cardCount : {};
  // Own keys, so TCGdex's logo never replaces another source's `logo` (both would flip every run).
  const images: Record<string, string> = {};
  const logo = str(raw.logo);
  const symbol = str(raw.symbol);
  if (logo) images.tcgdexLogo = `${logo}.webp`;
  if (symbol) images.tcgdexSymbol = `${symbol}.webp`;
  return {
    id: ourSetId,
    name,
    era: isObj(raw.serie) ? str(raw.serie.name) : null,
    printedTotal: int(count.official),
    total: int(count.total),
    releaseDate: stampDate(raw.releaseDate),
    images: Object.keys(images).length ? images : null,
    tcgdexSetId,
  };
}

/** TCGdex's `Pokemon` category in the spelling pokemontcg.io uses. */
const SUPERTYPES: Record<string, string> = { pokemon: 'Pokémon', trainer: 'Trainer', energy: 'Energy' };

/**
 * A card object (full, or the brief one a set lists) of our set `ourSetId` as a `CardInput`, or
 * null when it lacks an id, local id or name.
 *
 * @example
 * mapCard({ id: 'sv03.5-053', localId: '053', name: 'Doduo' }, 'sv3pt5')?.id; // 'sv3pt5-53'
 */
export function mapCard(raw: unknown, ourSetId: string): CardInput | null {
  if (!isObj(raw)) return null;
  const tcgdexId = str(raw.id);
  const localId = str(raw.localId);
  const name = str(raw.name);
  if (!tcgdexId || !localId || !name) return null;
  const number = cardNumber(localId);
  const image = str(raw.image);
  const category = str(raw.category);
  const hp = typeof raw.hp === 'number' && Number.isFinite(raw.hp) ? String(raw.hp) : str(raw.hp);
  return {
    id: `${ourSetId}-${number}`,
    setId: ourSetId,
    number,
    name,
    supertype: category ? (SUPERTYPES[category.toLowerCase()] ?? category) : null,
    types: strings(raw.types),
    rarity: str(raw.rarity),
    hp,
    artist: str(raw.illustrator),
    images: image ? { small: `${image}/low.webp`, large: `${image}/high.webp` } : null,
    imageSource: IMAGE_SOURCE,
    tcgdexId,
  };
}

/** Cardmarket's "no data" zero becomes null; anything else is passed on for the price rules. */
function cardmarketValue(v: unknown): number | null | undefined {
  if (v === undefined) return undefined;
  return v === null || v === 0 ? null : (v as number);
}

const CARDMARKET_FIELDS: (keyof RawPrices)[] = ['avg1', 'avg7', 'avg30', 'low', 'trend'];

function cardmarketPrices(block: Obj, suffix: '' | '-holo'): RawPrices {
  const out: RawPrices = { market: cardmarketValue(block[`avg${suffix}`]) };
  for (const f of CARDMARKET_FIELDS) out[f] = cardmarketValue(block[`${f}${suffix}`]);
  return out;
}

const variantKeys = (tcg: Obj) =>
  Object.keys(tcg)
    .filter((k) => isObj(tcg[k]))
    .map((k) => k.toLowerCase());

/** The finish of the card's main (non-reverse) printing; see the file comment. */
export function mainFinish(card: Obj): 'holofoil' | 'normal' {
  const v = isObj(card.variants) ? card.variants : null;
  if (v && (v.normal === true || v.holo === true)) return v.normal === true ? 'normal' : 'holofoil';
  const pricing = isObj(card.pricing) ? card.pricing : {};
  const keys = isObj(pricing.tcgplayer) ? variantKeys(pricing.tcgplayer) : [];
  if (keys.some((k) => k === 'holofoil' || k === 'holo') && !keys.includes('normal')) return 'holofoil';
  return /holo/i.test(str(card.rarity) ?? '') ? 'holofoil' : 'normal';
}

function hasReverse(card: Obj): boolean {
  if (isObj(card.variants) && card.variants.reverse === true) return true;
  const pricing = isObj(card.pricing) ? card.pricing : {};
  return isObj(pricing.tcgplayer) && variantKeys(pricing.tcgplayer).some((k) => k.startsWith('reverse'));
}

/**
 * The price observations of a full card object, for our card `cardId`.
 *
 * @example
 * mapPrices(card, 'sv3pt5-53'); // [{ ref: { kind: 'card', cardId: 'sv3pt5-53', finishLabel: 'reverse' }, market: 'tcgplayer', … }]
 */
export function mapPrices(raw: unknown, cardId: string): PriceObservation[] {
  if (!isObj(raw) || !isObj(raw.pricing)) return [];
  const out: PriceObservation[] = [];
  const tcg = raw.pricing.tcgplayer;
  if (isObj(tcg)) {
    // An unreadable stamp is passed on as given: the importer rejects it as `impossible_date`.
    const date = stampDate(tcg.updated) ?? String(tcg.updated ?? '');
    const currency = (str(tcg.unit) ?? 'USD').toUpperCase() as PriceObservation['currency'];
    for (const [variant, p] of Object.entries(tcg)) {
      if (!isObj(p)) continue;
      out.push({
        ref: { kind: 'card', cardId, finishLabel: variant },
        market: 'tcgplayer',
        currency,
        date,
        sourceAsOf: date,
        prices: tcgplayerFields(p),
      });
    }
  }
  const cm = raw.pricing.cardmarket;
  if (isObj(cm)) {
    const date = stampDate(cm.updated) ?? String(cm.updated ?? '');
    const currency = (str(cm.unit) ?? 'EUR').toUpperCase() as PriceObservation['currency'];
    const base = { market: 'cardmarket', currency, date, sourceAsOf: date } as const;
    out.push({
      ...base,
      ref: { kind: 'card', cardId, finishLabel: mainFinish(raw) },
      prices: cardmarketPrices(cm, ''),
    });
    const reverse = cardmarketPrices(cm, '-holo');
    if (hasReverse(raw) && Object.values(reverse).some((v) => v !== null && v !== undefined)) {
      out.push({ ...base, ref: { kind: 'card', cardId, finishLabel: 'reverse' }, prices: reverse });
    }
  }
  return out;
}

/** The stored fields of a card or set another source may already have filled. */
export interface StoredCard {
  name: string;
  number: string;
  supertype: string | null;
  types: string | null;
  rarity: string | null;
  hp: string | null;
  artist: string | null;
  pokemontcg_id: string | null;
}

/**
 * When pokemontcg.io has catalogued a card, its descriptive fields stay as that source wrote them
 * and TCGdex only adds what is missing (its id, its images, empty fields). Both sources spell
 * names and rarities differently; letting each overwrite the other would change the row on every
 * run of either.
 */
export function deferToStored(input: CardInput, stored: StoredCard | undefined): CardInput {
  if (!stored || stored.pokemontcg_id === null) return input;
  return {
    ...input,
    name: stored.name,
    number: stored.number,
    supertype: stored.supertype === null ? input.supertype : null,
    types: stored.types === null ? input.types : null,
    rarity: stored.rarity === null ? input.rarity : null,
    hp: stored.hp === null ? input.hp : null,
    artist: stored.artist === null ? input.artist : null,
  };
}

/** Same rule for a set that is already stored (by any source): TCGdex fills only the gaps. */
export function deferSetToStored(
  input: SetInput,
  stored:
    | {
        name: string;
        era: string | null;
        printed_total: number | null;
        total: number | null;
        release_date: string | null;
      }
    | undefined,
): SetInput {
  if (!stored) return input;
  return {
    ...input,
    name: stored.name,
    era: stored.era === null ? input.era : null,
    printedTotal: stored.printed_total === null ? input.printedTotal : null,
    total: stored.total === null ? input.total : null,
    releaseDate: stored.release_date === null ? input.releaseDate : null,
  };
}
