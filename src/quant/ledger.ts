/**
 * The portfolio ledger replayed: purchase lots and sales, in date order, give each holding's open
 * quantity and cost basis and each sale's realized gain, by FIFO or average cost
 * (docs/METHODS.md, "Cost basis and realized P&L"). Pure and exact: amounts are integer minor
 * units of one currency (the caller converts first), and a partial disposal removes
 * `round(cost × sold / held)` of the basis, computed in BigInt, so nothing drifts and selling
 * everything removes the basis to the last minor unit — FIFO and average cost then agree.
 */

export type CostMethod = 'fifo' | 'average';

export interface LedgerLot {
  id: string;
  /** What the lot is a unit of (holdingKey); sales of that holding consume it. */
  holding: string;
  quantity: number;
  /** Total basis: quantity × unit cost + fees, minor units. */
  cost: number;
  /** `YYYY-MM-DD`. */
  date: string;
  /** Tie-break within a date (creation order, e.g. the id). */
  seq: string;
}

export interface LedgerSale {
  id: string;
  holding: string;
  quantity: number;
  /** Proceeds net of fees, minor units. */
  proceeds: number;
  date: string;
  seq: string;
}

export interface OpenLot {
  id: string;
  quantity: number;
  cost: number;
}

export interface Holding {
  holding: string;
  quantity: number;
  cost: number;
  /** Lots with units left, oldest first (under average cost every lot keeps its share of the pool). */
  lots: OpenLot[];
}

export interface Realization {
  saleId: string;
  holding: string;
  date: string;
  quantity: number;
  proceeds: number;
  /** Basis the sale removed. */
  cost: number;
  gain: number;
}

export interface Oversell {
  saleId: string;
  holding: string;
  date: string;
  requested: number;
  held: number;
}

export type LedgerResult =
  { ok: true; holdings: Map<string, Holding>; realized: Realization[] } | { ok: false; oversell: Oversell };

/**
 * The holding a lot or sale belongs to: a catalogued printing in one condition and grade, or an
 * item outside the catalogue, which is its own holding.
 *
 * @example
 * holdingKey({ printingKey: 12, condition: 'NM' }); // 'p12|NM|'
 * holdingKey({ lotId: 'lot_01…' }); // 'lot:lot_01…'
 */
export function holdingKey(
  item:
    { printingKey: number; condition: string; gradeCompany?: string | null; grade?: string | null } | { lotId: string },
): string {
  if ('lotId' in item) return `lot:${item.lotId}`;
  const grade = item.gradeCompany && item.grade ? `${item.gradeCompany} ${item.grade}` : '';
  return `p${item.printingKey}|${item.condition}|${grade}`;
}

/** round(a × b / c) for non-negative integers, half up, exact. */
export function mulDivRound(a: number, b: number, c: number): number {
  if (c <= 0) throw new RangeError('divisor must be positive');
  const num = BigInt(a) * BigInt(b) * 2n + BigInt(c);
  return Number(num / (BigInt(c) * 2n));
}

type Event = { kind: 'lot'; lot: LedgerLot } | { kind: 'sale'; sale: LedgerSale };

const eventDate = (e: Event) => (e.kind === 'lot' ? e.lot.date : e.sale.date);
const eventSeq = (e: Event) => (e.kind === 'lot' ? e.lot.seq : e.sale.seq);

/**
 * Replays lots and sales up to and including `until` (all when omitted). On one date lots come
 * before sales, so a card bought and sold the same day can be sold. A sale of more than is held on
 * its date stops the replay with the oversell.
 *
 * @example
 * replayLedger(
 *   [{ id: 'a', holding: 'h', quantity: 2, cost: 1000, date: '2026-01-01', seq: 'a' }],
 *   [{ id: 's', holding: 'h', quantity: 1, proceeds: 800, date: '2026-02-01', seq: 's' }],
 *   'fifo',
 * ); // realized gain 300, 1 left at cost 500
 */
export function replayLedger(
  lots: readonly LedgerLot[],
  sales: readonly LedgerSale[],
  method: CostMethod,
  until?: string,
): LedgerResult {
  const events: Event[] = [
    ...lots.filter((l) => until === undefined || l.date <= until).map((lot) => ({ kind: 'lot' as const, lot })),
    ...sales.filter((s) => until === undefined || s.date <= until).map((sale) => ({ kind: 'sale' as const, sale })),
  ];
  events.sort((a, b) => {
    const byDate = eventDate(a).localeCompare(eventDate(b));
    if (byDate !== 0) return byDate;
    if (a.kind !== b.kind) return a.kind === 'lot' ? -1 : 1;
    return eventSeq(a).localeCompare(eventSeq(b));
  });

  const holdings = new Map<string, Holding>();
  const realized: Realization[] = [];
  for (const e of events) {
    if (e.kind === 'lot') {
      const { lot } = e;
      let h = holdings.get(lot.holding);
      if (!h) holdings.set(lot.holding, (h = { holding: lot.holding, quantity: 0, cost: 0, lots: [] }));
      h.quantity += lot.quantity;
      h.cost += lot.cost;
      h.lots.push({ id: lot.id, quantity: lot.quantity, cost: lot.cost });
      continue;
    }
    const { sale } = e;
    const h = holdings.get(sale.holding);
    const held = h?.quantity ?? 0;
    if (!h || sale.quantity > held) {
      return {
        ok: false,
        oversell: { saleId: sale.id, holding: sale.holding, date: sale.date, requested: sale.quantity, held },
      };
    }
    const removed = method === 'fifo' ? consumeFifo(h, sale.quantity) : consumeAverage(h, sale.quantity);
    realized.push({
      saleId: sale.id,
      holding: sale.holding,
      date: sale.date,
      quantity: sale.quantity,
      proceeds: sale.proceeds,
      cost: removed,
      gain: sale.proceeds - removed,
    });
  }
  for (const [key, h] of holdings) if (h.quantity === 0) holdings.delete(key);
  return { ok: true, holdings, realized };
}

/** Takes units from the oldest lots first; returns the basis removed. */
function consumeFifo(h: Holding, quantity: number): number {
  let left = quantity;
  let removed = 0;
  while (left > 0) {
    const lot = h.lots[0]!;
    const take = Math.min(left, lot.quantity);
    const cost = take === lot.quantity ? lot.cost : mulDivRound(lot.cost, take, lot.quantity);
    lot.quantity -= take;
    lot.cost -= cost;
    if (lot.quantity === 0) h.lots.shift();
    removed += cost;
    left -= take;
  }
  h.quantity -= quantity;
  h.cost -= removed;
  return removed;
}

/**
 * Removes the pool's average cost per unit × quantity. Each open lot gives up its share in
 * proportion, so the lots still sum to the pool.
 */
function consumeAverage(h: Holding, quantity: number): number {
  const removed = quantity === h.quantity ? h.cost : mulDivRound(h.cost, quantity, h.quantity);
  const keepQuantity = h.quantity - quantity;
  const keepCost = h.cost - removed;
  // Which units are left is a convention under average cost (every unit carries the pool's average):
  // the oldest go first, the newest are kept, and the kept lots share the pool's cost by quantity,
  // the last taking the rounding remainder so they still sum to the pool exactly.
  const kept: OpenLot[] = [];
  let toKeep = keepQuantity;
  for (let i = h.lots.length - 1; i >= 0 && toKeep > 0; i--) {
    const lot = h.lots[i]!;
    const q = Math.min(lot.quantity, toKeep);
    kept.unshift({ id: lot.id, quantity: q, cost: 0 });
    toKeep -= q;
  }
  let assigned = 0;
  kept.forEach((lot, i) => {
    lot.cost = i === kept.length - 1 ? keepCost - assigned : mulDivRound(keepCost, lot.quantity, keepQuantity);
    assigned += lot.cost;
  });
  h.lots = kept;
  h.quantity = keepQuantity;
  h.cost = keepCost;
  return removed;
}
