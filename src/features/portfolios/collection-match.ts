/**
 * Matching the rows of a collection export to printings (docs/PORTFOLIO-CSV.md, "Matching"): by
 * TCGplayer product id where the row has one, else by set + number, else by name; the finish,
 * where given, picks among a card's printings. A row is `matched` (one printing), `ambiguous`
 * (several, or only printings its other fields contradict: the candidates are listed) or
 * `unmatched` (with a reason). Candidates of all rows are loaded in a few statements
 * (collection-match.repo.ts), then every row is matched in memory.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';
import type { Finish } from '../catalog/finishes.ts';
import { cardNumberOf, longestWord, nameKey, numberKey, type CardName, type CardNumber } from './collection-fields.ts';
import {
  groupNames,
  printingsByName,
  printingsByProduct,
  printingsBySetAndNumber,
  setNames,
  type CandidatePrinting,
} from './collection-match.repo.ts';

/** What identifies the printing of a row, read from its cells. */
export interface RowIdentity {
  productId: number | null;
  /** The set as written: an id, a name, a TCGplayer group name or abbreviation. */
  set: string | null;
  number: CardNumber | null;
  finish: Finish | null;
  name: CardName | null;
}

export type MatchMethod = 'product_id' | 'set_number' | 'name';
export type UnmatchedReason = 'no_identifying_fields' | 'unknown_set' | 'finish_not_found' | 'not_found';

export type MatchOutcome =
  | { status: 'matched'; by: MatchMethod; printing: CandidatePrinting }
  | { status: 'ambiguous'; by: MatchMethod; candidates: CandidatePrinting[] }
  | { status: 'unmatched'; reason: UnmatchedReason; detail: string };

interface SetRow {
  id: string;
  name: string;
  ptcgo_code: string | null;
  tcgplayer_group_id: number | null;
}
interface GroupRow {
  group_id: number;
  name: string;
  abbreviation: string | null;
}

/** Where a row's set points: catalogue sets, and TCGplayer groups (a set's own, or a product line's). */
export interface SetScope {
  setIds: Set<string>;
  groupIds: Set<number>;
}

const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

/** The part of a TCGplayer group name after its code (`SV03: Obsidian Flames` → ` Obsidian Flames`), or null. */
function afterColon(name: string): string | null {
  const colon = name.indexOf(':');
  return colon >= 0 ? name.slice(colon + 1) : null;
}

/** The loaded catalogue slice rows are matched against. */
export class CatalogueIndex {
  private readonly setsByKey = new Map<string, string[]>();
  private readonly groupsByKey = new Map<string, number[]>();
  private readonly groupOfSet = new Map<string, number | null>();
  private readonly bySold = new Map<number, CandidatePrinting[]>();
  private readonly byListed = new Map<number, CandidatePrinting[]>();
  private readonly byNumber = new Map<string, CandidatePrinting[]>();
  private readonly byName = new Map<string, CandidatePrinting[]>();
  private readonly seenNumber = new Set<number>();
  private readonly seenName = new Set<number>();

  constructor(sets: readonly SetRow[], groups: readonly GroupRow[]) {
    for (const s of sets) {
      this.groupOfSet.set(s.id, s.tcgplayer_group_id === null ? null : Number(s.tcgplayer_group_id));
      for (const label of [s.id, s.name, s.ptcgo_code]) if (label) push(this.setsByKey, nameKey(label), s.id);
    }
    for (const g of groups) {
      for (const label of [g.name, afterColon(g.name), g.abbreviation]) {
        if (label) push(this.groupsByKey, nameKey(label), Number(g.group_id));
      }
    }
  }

  /**
   * The sets and groups a set cell names (ids, names and codes; TCGplayer group names and
   * abbreviations; the part of either after a colon, so `SV03: Obsidian Flames` and `Obsidian Flames`
   * name the same; a trailing "Set" dropped when nothing else matches), or null when it names none.
   */
  scopeOf(cell: string): SetScope | null {
    const keys = [nameKey(cell)];
    const short = afterColon(cell);
    if (short !== null) keys.push(nameKey(short));
    const setIds = new Set<string>();
    const groupIds = new Set<number>();
    for (const key of keys) {
      for (const id of this.setsByKey.get(key) ?? []) setIds.add(id);
      for (const id of this.groupsByKey.get(key) ?? []) groupIds.add(id);
    }
    // TCGplayer's "Base Set" is the catalogue's "Base" where no group listing says so.
    if (setIds.size + groupIds.size === 0) {
      for (const key of keys) {
        if (key.endsWith(' set')) for (const id of this.setsByKey.get(key.slice(0, -4)) ?? []) setIds.add(id);
      }
    }
    return setIds.size + groupIds.size === 0 ? null : { setIds, groupIds };
  }

  /** The catalogue sets a scope's look-up reads: its own sets and those whose own group it names. */
  setsOf(scope: SetScope): string[] {
    const ids = new Set(scope.setIds);
    for (const [setId, group] of this.groupOfSet) if (group !== null && scope.groupIds.has(group)) ids.add(setId);
    return [...ids];
  }

  /**
   * A printing is in a scope when its card is in one of the named sets, or it was sold under one of
   * the named groups, or it has no recorded group and its set's own group is named.
   */
  inScope(p: CandidatePrinting, scope: SetScope): boolean {
    if (scope.setIds.has(p.set_id)) return true;
    if (p.tcgplayer_group_id !== null) return scope.groupIds.has(p.tcgplayer_group_id);
    const own = this.groupOfSet.get(p.set_id);
    return own !== undefined && own !== null && scope.groupIds.has(own);
  }

  addSold(printings: readonly CandidatePrinting[]): void {
    for (const p of printings) if (p.tcgplayer_product_id !== null) push(this.bySold, p.tcgplayer_product_id, p);
  }

  addListed(printings: readonly (CandidatePrinting & { listed_product_id: number })[]): void {
    for (const p of printings) push(this.byListed, p.listed_product_id, p);
  }

  addNumbered(printings: readonly CandidatePrinting[]): void {
    for (const p of printings) {
      if (this.seenNumber.has(p.key)) continue;
      this.seenNumber.add(p.key);
      push(this.byNumber, numberKey(p.number), p);
    }
  }

  addNamed(printings: readonly CandidatePrinting[]): void {
    for (const p of printings) {
      if (this.seenName.has(p.key)) continue;
      this.seenName.add(p.key);
      push(this.byName, nameKey(p.card_name), p);
    }
  }

  soldAs(productId: number): CandidatePrinting[] {
    return this.bySold.get(productId) ?? [];
  }
  listedAs(productId: number): CandidatePrinting[] {
    return this.byListed.get(productId) ?? [];
  }
  numbered(key: string): CandidatePrinting[] {
    return this.byNumber.get(key) ?? [];
  }
  named(key: string): CandidatePrinting[] {
    return this.byName.get(key) ?? [];
  }
}

const byId = (a: CandidatePrinting, b: CandidatePrinting) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Among a set's printings, its own product (no product line) before reprints sold under other groups. */
function preferOwnProduct(list: CandidatePrinting[], scope: SetScope): CandidatePrinting[] {
  if (scope.groupIds.size > 0) return list;
  const own = list.filter((p) => p.product_line === null);
  return own.length > 0 ? own : list;
}

type Step = Exclude<MatchOutcome, { status: 'unmatched' }> | { status: 'none'; finishMissing: boolean };

/** One method's answer from its candidates: the finish picks among them where the row names one. */
function decide(by: MatchMethod, found: CandidatePrinting[], finish: Finish | null): Step {
  if (found.length === 0) return { status: 'none', finishMissing: false };
  const fitting = finish === null ? found : found.filter((p) => p.finish === finish);
  if (fitting.length === 0) return { status: 'none', finishMissing: true };
  if (fitting.length === 1) return { status: 'matched', by, printing: fitting[0]! };
  return { status: 'ambiguous', by, candidates: [...fitting].sort(byId) };
}

const describe = (row: RowIdentity, what: string) =>
  row.finish === null ? what : `${what} has no ${row.finish} printing`;

/**
 * Matches one row against the loaded catalogue.
 *
 * @example
 * matchRow(index, { productId: 42382, set: null, number: null, finish: 'holofoil', name: null });
 * // { status: 'matched', by: 'product_id', printing: { id: 'base1-4.holofoil', … } }
 */
export function matchRow(index: CatalogueIndex, row: RowIdentity): MatchOutcome {
  const tried: string[] = [];
  let finishMissing = false;
  if (row.productId !== null) {
    const sold = index.soldAs(row.productId);
    const step = decide('product_id', sold.length > 0 ? sold : index.listedAs(row.productId), row.finish);
    if (step.status !== 'none') return step;
    finishMissing ||= step.finishMissing;
    tried.push(step.finishMissing ? describe(row, `product ${row.productId}`) : `no product ${row.productId}`);
  }
  const scope = row.set === null ? null : index.scopeOf(row.set);
  if (row.set !== null && scope === null) tried.push(`no set "${row.set}"`);
  if (scope !== null && row.number !== null) {
    const found = index.numbered(row.number.key).filter((p) => index.inScope(p, scope));
    const step = decide('set_number', preferOwnProduct(found, scope), row.finish);
    if (step.status !== 'none') return step;
    finishMissing ||= step.finishMissing;
    const card = `card ${row.number.key} of "${row.set}"`;
    tried.push(step.finishMissing ? describe(row, card) : `no ${card}`);
  }
  if (row.name !== null) {
    const named = index.named(row.name.key);
    let narrowed = named;
    if (scope !== null) narrowed = preferOwnProduct(narrowed, scope).filter((p) => index.inScope(p, scope));
    if (row.number !== null) narrowed = narrowed.filter((p) => numberKey(p.number) === row.number!.key);
    const step = decide('name', narrowed, row.finish);
    if (step.status !== 'none') return step;
    // Printings of that name exist, but not in the row's set or number: listed for the caller to choose.
    const elsewhere = decide('name', named, row.finish);
    if (elsewhere.status === 'matched') return { status: 'ambiguous', by: 'name', candidates: [elsewhere.printing] };
    if (elsewhere.status === 'ambiguous') return elsewhere;
    finishMissing ||= step.finishMissing || elsewhere.finishMissing;
    tried.push(named.length > 0 ? describe(row, `"${row.name.key}"`) : `no card named "${row.name.key}"`);
  }
  if (tried.length === 0) {
    return {
      status: 'unmatched',
      reason: 'no_identifying_fields',
      detail: 'the row has no product id, no set and number, and no name',
    };
  }
  const reason: UnmatchedReason = finishMissing
    ? 'finish_not_found'
    : row.set !== null && scope === null
      ? 'unknown_set'
      : 'not_found';
  return { status: 'unmatched', reason, detail: tried.join('; ') };
}

/**
 * Matches every row: loads the sets and groups, then the candidates of all rows by product id and
 * by set + number, and — only for rows those leave unmatched — by name; a constant number of
 * statements (more only past 500 distinct values of a kind).
 */
export async function matchRows(db: Kysely<Tables>, rows: readonly RowIdentity[]): Promise<MatchOutcome[]> {
  const index = new CatalogueIndex(await setNames(db), await groupNames(db));
  const productIds = [...new Set(rows.flatMap((r) => (r.productId === null ? [] : [r.productId])))];
  if (productIds.length > 0) {
    const { sold, listed } = await printingsByProduct(db, productIds);
    index.addSold(sold);
    index.addListed(listed);
  }
  const setIds = new Set<string>();
  const groupIds = new Set<number>();
  const numbers = new Set<string>();
  for (const r of rows) {
    const scope = r.set === null || r.number === null ? null : index.scopeOf(r.set);
    if (scope === null) continue;
    for (const id of index.setsOf(scope)) setIds.add(id);
    for (const id of scope.groupIds) groupIds.add(id);
    for (const spelling of numberSpellings(r.number!.key)) numbers.add(spelling);
  }
  index.addNumbered(await printingsBySetAndNumber(db, { setIds: [...setIds], groupIds: [...groupIds] }, [...numbers]));
  const outcomes = rows.map((r) => matchRow(index, r));
  const byName = rows.filter((r, i) => r.name !== null && outcomes[i]!.status === 'unmatched');
  if (byName.length === 0) return outcomes;
  const lowerNames = new Set<string>();
  const terms = new Set<string>();
  for (const r of byName) {
    lowerNames.add(r.name!.raw.trim().toLowerCase());
    terms.add(longestWord(r.name!.key));
  }
  index.addNamed(await printingsByName(db, [...lowerNames], [...terms]));
  return rows.map((r, i) =>
    outcomes[i]!.status === 'unmatched' && r.name !== null ? matchRow(index, r) : outcomes[i]!,
  );
}

/**
 * The stored spellings (lower case) a number key may have: its numeric prefix with up to three
 * leading zeros (`4` → `4`, `04`, `004`, `0004`), since stored numbers keep the source's padding.
 *
 * @example
 * numberSpellings('4'); // ['4', '04', '004', '0004']
 * numberSpellings('tg01'); // ['tg01']
 */
export function numberSpellings(key: string): string[] {
  const m = /^(\d+)(.*)$/.exec(key);
  if (!m) return [key];
  return [0, 1, 2, 3].map((zeros) => `${'0'.repeat(zeros)}${m[1]}${m[2]}`);
}

/** A row's identity from its cells: the number a name carries is used where no number is given. */
export function identityOf(cells: {
  productId: number | null;
  set: string | null;
  number: CardNumber | null;
  finish: Finish | null;
  name: CardName | null;
}): RowIdentity {
  const fromName = cells.number === null && cells.name?.number ? cardNumberOf(cells.name.number) : null;
  return { ...cells, number: cells.number ?? fromName };
}
