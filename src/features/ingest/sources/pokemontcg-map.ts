/**
 * Pure mapping of pokemontcg.io v2 objects (API responses and the pokemontcg-data files share one
 * schema) to catalogue inputs and price observations. No I/O: the adapters fetch, this translates.
 *
 * Prices (one observation = one row read):
 * - `tcgplayer.prices.<variant>` gives one USD observation per variant, its finish label being the
 *   variant key verbatim (`holofoil`, `reverseHolofoil`, `1stEditionHolofoil` …), dated by
 *   `tcgplayer.updatedAt`.
 * - `cardmarket.prices` gives one EUR observation for the card's main printing and, when any
 *   `reverseHolo*` field is non-zero and TCGplayer lists a `reverseHolofoil` variant, a second one
 *   labelled `reverse` (Cardmarket fills `reverseHolo*` even for cards that have no reverse holo,
 *   such as GX rares, so those fields alone do not make a printing or a row); both dated by
 *   `cardmarket.updatedAt`. Cardmarket's block is not split by finish, so the main printing is
 *   `holofoil` when TCGplayer lists a `holofoil` variant or the rarity says "Holo", else `normal`.
 * - Cardmarket reports a missing price as 0, so a 0 there is mapped to null (no data); a real
 *   zero-euro price does not exist on that market. Fields without a column of ours
 *   (`germanProLow`, `suggestedPrice`, `lowPriceExPlus`) are not kept.
 * - Values are passed on unchecked; the price importer applies the acceptance rules and counts.
 */
import type { CardInput, SetInput } from '../../catalog/catalog-writer.ts';
import type { PriceObservation } from '../../prices/price-importer.ts';
import type { RawPrices } from '../../prices/price-rules.ts';

export interface PtcgSet {
  id: string;
  name: string;
  series?: string;
  printedTotal?: number;
  total?: number;
  ptcgoCode?: string;
  releaseDate?: string;
  images?: { symbol?: string; logo?: string };
}

type PriceBlock<P> = { url?: string; updatedAt?: string; prices?: P };

export interface PtcgCard {
  id: string;
  name: string;
  number: string;
  supertype?: string;
  subtypes?: string[];
  types?: string[];
  rarity?: string;
  /** A string in most sets; a number in the newest ones. */
  hp?: string | number;
  artist?: string;
  images?: { small?: string; large?: string };
  /** Present in API responses; the files layout names the set by file name instead. */
  set?: PtcgSet;
  tcgplayer?: PriceBlock<Record<string, Record<string, unknown> | null>>;
  cardmarket?: PriceBlock<Record<string, unknown>>;
}

export const PRICE_FEED = 'pokemontcg';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);
const strings = (v: unknown): string[] | null =>
  Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : null;

/**
 * pokemontcg.io dates (`1999/01/09`, `2021/09/01 05:37:00`) as `YYYY-MM-DD`; null when the value
 * is not a date (`---` marks an unannounced release).
 *
 * @example
 * ptcgDate('1999/01/09'); // '1999-01-09'
 */
export function ptcgDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4})[/-](\d{2})[/-](\d{2})(?:[ T]|$)/.exec(value.trim());
  if (!m) return null;
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  const t = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().startsWith(date) ? date : null;
}

/** A set object as a `SetInput`, or null when it lacks an id or a name. */
export function mapSet(raw: unknown): SetInput | null {
  if (!isObj(raw)) return null;
  const id = str(raw.id);
  const name = str(raw.name);
  if (!id || !name) return null;
  const images: Record<string, string> = {};
  if (isObj(raw.images)) {
    // A fixed key order keeps the stored JSON identical between runs (idempotent upserts).
    for (const key of ['symbol', 'logo']) {
      const url = str(raw.images[key]);
      if (url) images[key] = url;
    }
  }
  return {
    id,
    name,
    era: str(raw.series),
    printedTotal: int(raw.printedTotal),
    total: int(raw.total),
    ptcgoCode: str(raw.ptcgoCode),
    releaseDate: ptcgDate(raw.releaseDate),
    images: Object.keys(images).length ? images : null,
  };
}

/**
 * A card object as a `CardInput`, or null when it lacks an id, name, number or set. The set is
 * `card.set.id` when the object carries one, else `setId` (the files layout: `cards/en/<setId>.json`).
 */
export function mapCard(raw: unknown, setId?: string): CardInput | null {
  if (!isObj(raw)) return null;
  const id = str(raw.id);
  const name = str(raw.name);
  const number = str(raw.number);
  const set = (isObj(raw.set) ? str(raw.set.id) : null) ?? setId ?? null;
  if (!id || !name || !number || !set) return null;
  const hp = typeof raw.hp === 'number' && Number.isFinite(raw.hp) ? String(raw.hp) : str(raw.hp);
  let images: CardInput['images'] = null;
  if (isObj(raw.images)) {
    const small = str(raw.images.small);
    const large = str(raw.images.large);
    if (small || large) images = { ...(small ? { small } : {}), ...(large ? { large } : {}) };
  }
  return {
    id,
    setId: set,
    number,
    name,
    supertype: str(raw.supertype),
    subtypes: strings(raw.subtypes),
    types: strings(raw.types),
    rarity: str(raw.rarity),
    hp,
    artist: str(raw.artist),
    images,
    imageSource: 'pokemontcg',
    pokemontcgId: id,
  };
}

/** Cardmarket's "no data" zero becomes null; anything else is passed on for the price rules. */
function cardmarketValue(v: unknown): number | null | undefined {
  if (v === undefined || v === null || v === 0) return v === undefined ? undefined : null;
  return v as number;
}

/** TCGplayer values are taken as given: null means no listing, and the price rules check the rest. */
const tcgplayerValue = (v: unknown) => v as number | null | undefined;

/** The date of a price block, or its raw stamp when unreadable (the importer then rejects it). */
function blockDate(block: Obj): string {
  return ptcgDate(block.updatedAt) ?? String(block.updatedAt ?? '');
}

const CARDMARKET_MAIN: [keyof RawPrices, string][] = [
  ['market', 'averageSellPrice'],
  ['low', 'lowPrice'],
  ['trend', 'trendPrice'],
  ['avg1', 'avg1'],
  ['avg7', 'avg7'],
  ['avg30', 'avg30'],
];
const CARDMARKET_REVERSE: [keyof RawPrices, string][] = [
  ['market', 'reverseHoloSell'],
  ['low', 'reverseHoloLow'],
  ['trend', 'reverseHoloTrend'],
  ['avg1', 'reverseHoloAvg1'],
  ['avg7', 'reverseHoloAvg7'],
  ['avg30', 'reverseHoloAvg30'],
];

function pickPrices(prices: Obj, fields: [keyof RawPrices, string][]): RawPrices {
  const out: RawPrices = {};
  for (const [ours, theirs] of fields) out[ours] = cardmarketValue(prices[theirs]);
  return out;
}

/** Whether the card's main (non-reverse) printing is a holofoil; see the file comment. */
export function cardmarketMainFinish(card: Obj): 'holofoil' | 'normal' {
  const tcg = isObj(card.tcgplayer) && isObj(card.tcgplayer.prices) ? card.tcgplayer.prices : {};
  if ('holofoil' in tcg) return 'holofoil';
  return /holo/i.test(str(card.rarity) ?? '') ? 'holofoil' : 'normal';
}

/**
 * The price observations a card object carries (none when it has no price blocks).
 *
 * @example
 * mapPrices(card); // [{ ref: { kind: 'card', cardId: 'sm12-1', finishLabel: 'holofoil' }, market: 'tcgplayer', … }]
 */
export function mapPrices(raw: unknown): PriceObservation[] {
  if (!isObj(raw)) return [];
  const cardId = str(raw.id);
  if (!cardId) return [];
  const out: PriceObservation[] = [];
  const tcg = raw.tcgplayer;
  if (isObj(tcg) && isObj(tcg.prices)) {
    const date = blockDate(tcg);
    for (const [variant, p] of Object.entries(tcg.prices)) {
      const v = isObj(p) ? p : {};
      out.push({
        ref: { kind: 'card', cardId, finishLabel: variant },
        market: 'tcgplayer',
        currency: 'USD',
        date,
        sourceAsOf: date,
        prices: {
          low: tcgplayerValue(v.low),
          mid: tcgplayerValue(v.mid),
          high: tcgplayerValue(v.high),
          market: tcgplayerValue(v.market),
          directLow: tcgplayerValue(v.directLow),
        },
      });
    }
  }
  const cm = raw.cardmarket;
  if (isObj(cm) && isObj(cm.prices)) {
    const date = blockDate(cm);
    const base = { market: 'cardmarket', currency: 'EUR', date, sourceAsOf: date } as const;
    out.push({
      ...base,
      ref: { kind: 'card', cardId, finishLabel: cardmarketMainFinish(raw) },
      prices: pickPrices(cm.prices, CARDMARKET_MAIN),
    });
    const reverse = pickPrices(cm.prices, CARDMARKET_REVERSE);
    const hasReversePrinting = isObj(tcg) && isObj(tcg.prices) && 'reverseHolofoil' in tcg.prices;
    if (hasReversePrinting && Object.values(reverse).some((v) => v !== null && v !== undefined)) {
      out.push({ ...base, ref: { kind: 'card', cardId, finishLabel: 'reverse' }, prices: reverse });
    }
  }
  return out;
}
