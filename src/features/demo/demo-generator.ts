/**
 * Deterministic demo data: an invented catalogue (fictional names, no third-party images) and
 * synthetic daily price histories with drift, two volatility regimes, jumps and missing days,
 * ending on a given date. Same seed and options → same data, byte for byte.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { CardInput, SetInput } from '../catalog/catalog-writer.ts';
import { FINISHES, type Finish } from '../catalog/finishes.ts';

export interface DemoOptions {
  cards: number;
  /** Average printings per card; fractional values spread evenly (1.5 → 1, 2, 1, 2 …). */
  printingsPerCard: number;
  days: number;
  seed: number;
  /** Last day of history, `YYYY-MM-DD`. */
  end: string;
  cardsPerSet?: number;
}

export interface DemoSeries {
  cardId: string;
  finish: Finish;
  /** One entry per day that has data; missing days are absent. */
  points: { date: string; marketCents: number; lowCents: number; midCents: number; highCents: number }[];
}

/** What the generated card names are built from. */
export const SYLLABLES = [
  'zor',
  'bli',
  'quen',
  'mar',
  'vex',
  'lum',
  'tho',
  'rin',
  'ska',
  'dra',
  'po',
  'fen',
  'gal',
  'nyx',
  'ori',
  'tuv',
  'wib',
  'ka',
  'sel',
  'mo',
];
const SET_WORDS = [
  'Aurora',
  'Ember',
  'Tidal',
  'Verdant',
  'Crystal',
  'Shadow',
  'Solar',
  'Lunar',
  'Storm',
  'Echo',
  'Prism',
  'Mythic',
];
const SET_NOUNS = ['Tides', 'Crown', 'Vault', 'Frontier', 'Legends', 'Rift', 'Harmony', 'Forge', 'Horizons', 'Paths'];
const RARITIES: { name: string; weight: number; basePrice: number }[] = [
  { name: 'Common', weight: 45, basePrice: 0.15 },
  { name: 'Uncommon', weight: 30, basePrice: 0.35 },
  { name: 'Rare', weight: 15, basePrice: 2 },
  { name: 'Rare Holo', weight: 7, basePrice: 12 },
  { name: 'Ultra Rare', weight: 3, basePrice: 60 },
];
const TYPES = ['Fire', 'Water', 'Grass', 'Lightning', 'Psychic', 'Fighting', 'Darkness', 'Metal', 'Colorless'];

type Rng = () => number;

function rngFor(seed: number, stream: number): Rng {
  const gen = xoroshiro128plus((seed * 1_000_003 + stream) | 0);
  return () => uniformFloat64(gen);
}

function normal(rng: Rng): number {
  // Box–Muller; 1 − u keeps the log argument in (0, 1].
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

function nameFrom(rng: Rng, parts: number): string {
  let s = '';
  for (let i = 0; i < parts; i++) s += SYLLABLES[Math.floor(rng() * SYLLABLES.length)];
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function pickRarity(rng: Rng) {
  let r = rng() * 100;
  for (const rarity of RARITIES) {
    r -= rarity.weight;
    if (r < 0) return rarity;
  }
  return RARITIES[0]!;
}

export function dayOffset(end: string, offset: number): string {
  return new Date(Date.parse(`${end}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
}

/** The invented catalogue: sets, then cards. */
export function demoCatalog(o: DemoOptions): { sets: SetInput[]; cards: CardInput[] } {
  const perSet = o.cardsPerSet ?? 150;
  const rng = rngFor(o.seed, 0);
  const setCount = Math.max(1, Math.ceil(o.cards / perSet));
  const sets: SetInput[] = [];
  for (let s = 0; s < setCount; s++) {
    const word = SET_WORDS[Math.floor(rng() * SET_WORDS.length)]!;
    const noun = SET_NOUNS[Math.floor(rng() * SET_NOUNS.length)]!;
    sets.push({
      id: `demo${String(s + 1).padStart(3, '0')}`,
      name: `${word} ${noun}`,
      era: 'Demo',
      printedTotal: Math.min(perSet, o.cards - s * perSet),
      total: Math.min(perSet, o.cards - s * perSet),
      ptcgoCode: `DM${s + 1}`,
      releaseDate: dayOffset(o.end, -o.days - 30 * (setCount - s)),
    });
  }
  const cards: CardInput[] = [];
  for (let i = 0; i < o.cards; i++) {
    const set = sets[Math.floor(i / perSet)]!;
    const number = String((i % perSet) + 1);
    const rarity = pickRarity(rng);
    cards.push({
      id: `${set.id}-${number}`,
      setId: set.id,
      number,
      name: nameFrom(rng, 2 + Math.floor(rng() * 2)),
      supertype: 'Pokémon',
      types: [TYPES[Math.floor(rng() * TYPES.length)]!],
      rarity: rarity.name,
      hp: String(30 + 10 * Math.floor(rng() * 20)),
      artist: 'Demo Artist',
    });
  }
  return { sets, cards };
}

/**
 * Price history of one printing: log price follows drift + noise whose volatility switches
 * between a calm and a wild regime, with rare jumps; about 3 % of days are missing.
 */
export function demoSeries(
  o: DemoOptions,
  cardIndex: number,
  rarity: string,
  finishIndex: number,
): DemoSeries['points'] {
  const rng = rngFor(o.seed, 1 + cardIndex * 16 + finishIndex);
  const base = RARITIES.find((r) => r.name === rarity)?.basePrice ?? 1;
  let logPrice = Math.log(base * (finishIndex === 0 ? 1 : 1.5 + finishIndex) * Math.exp(normal(rng) * 0.8));
  const drift = normal(rng) * 0.0015;
  let wild = false;
  const points: DemoSeries['points'] = [];
  for (let d = o.days - 1; d >= 0; d--) {
    if (rng() < (wild ? 0.05 : 0.01)) wild = !wild;
    const sigma = wild ? 0.06 : 0.015;
    logPrice += drift + sigma * normal(rng) + (rng() < 0.004 ? normal(rng) * 0.25 : 0);
    if (rng() < 0.03) continue;
    const marketCents = Math.max(1, Math.round(Math.exp(logPrice) * 100));
    points.push({
      date: dayOffset(o.end, -d),
      marketCents,
      lowCents: Math.max(1, Math.round(marketCents * (0.8 + rng() * 0.15))),
      midCents: Math.round(marketCents * (1 + rng() * 0.12)),
      highCents: Math.round(marketCents * (1.5 + rng() * 1.5)),
    });
  }
  return points;
}

/**
 * Finishes of card `index` when cards have `perCard` printings on average (may be fractional:
 * 1.5 gives alternately 1 and 2), taken in a fixed order so ids are predictable.
 */
export function demoFinishes(index: number, perCard: number): Finish[] {
  const k = Math.floor((index + 1) * perCard) - Math.floor(index * perCard);
  return FINISHES.slice(0, Math.max(1, Math.min(k, FINISHES.length)));
}
