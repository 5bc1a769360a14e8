/**
 * Finds or creates the printing a price belongs to. A printing is a sellable variant: card +
 * finish + marketplace product. Two TCGplayer products for the same card and finish (Poké Ball
 * and Master Ball pattern reverse holos) are two printings, so TCGplayer rows resolve by
 * (productId, subTypeName) first.
 *
 * Printing ids are stable slugs: `{cardId}.{finish}`, or `{cardId}.{finish}.{productId}` when that
 * is taken by another product of the same card and finish. Once made, an id never changes.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';
import type { Finish } from './finishes.ts';

interface Known {
  key: number;
  id: string;
  cardId: string;
  finish: string;
  productId: number | null;
  subType: string | null;
}

export class PrintingResolver {
  private byId = new Map<string, Known>();
  private byKey = new Map<number, Known>();
  private byProduct = new Map<string, Known>();
  private byCardFinish = new Map<string, Known[]>();

  private constructor(
    private readonly db: Kysely<Tables>,
    private readonly nowIso: () => string,
  ) {}

  /** Loads every printing once (tens of thousands of small rows), then resolves from memory. */
  static async load(db: Kysely<Tables>, nowIso: () => string): Promise<PrintingResolver> {
    const resolver = new PrintingResolver(db, nowIso);
    const rows = await db
      .selectFrom('printings')
      .select(['key', 'id', 'card_id', 'finish', 'tcgplayer_product_id', 'tcgplayer_sub_type'])
      .orderBy('key')
      .execute();
    for (const r of rows) {
      resolver.remember({ key: r.key, id: r.id, cardId: r.card_id, finish: r.finish, productId: r.tcgplayer_product_id, subType: r.tcgplayer_sub_type });
    }
    return resolver;
  }

  private remember(p: Known): void {
    this.byId.set(p.id, p);
    this.byKey.set(p.key, p);
    if (p.productId !== null) this.byProduct.set(`${p.productId}|${p.subType}`, p);
    const k = `${p.cardId}|${p.finish}`;
    const list = this.byCardFinish.get(k) ?? [];
    list.push(p);
    this.byCardFinish.set(k, list);
  }

  /** The card of a known printing key, or null. */
  cardOf(key: number): string | null {
    return this.byKey.get(key)?.cardId ?? null;
  }

  get size(): number {
    return this.byId.size;
  }

  /**
   * The key of a known printing, or the spec of one to create (see `createAll`). TCGplayer
   * products resolve by (productId, sub-type); a printing of the same card and finish without a
   * product yet adopts it. Sources without product ids take the oldest printing of the card and
   * finish.
   */
  find(cardId: string, finish: Finish, product: { productId: number; subType: string } | null): number | PendingPrinting {
    if (product) {
      const hit = this.byProduct.get(`${product.productId}|${product.subType}`);
      if (hit) return hit.key;
    }
    const siblings = this.byCardFinish.get(`${cardId}|${finish}`) ?? [];
    if (!product) {
      if (siblings.length > 0) return siblings[0]!.key;
      return { cardId, finish, productId: null, subType: null };
    }
    const orphan = siblings.find((p) => p.productId === null);
    if (orphan) return { cardId, finish, productId: product.productId, subType: product.subType, adopt: orphan.key };
    return { cardId, finish, productId: product.productId, subType: product.subType };
  }

  /**
   * Creates (or adopts) the pending printings in one transaction with one multi-row insert, and
   * returns their keys in order. Specs that name the same printing get the same key.
   */
  async createAll(pending: PendingPrinting[]): Promise<number[]> {
    const keys: number[] = new Array(pending.length);
    const toInsert: { index: number[]; id: string; p: PendingPrinting }[] = [];
    const byIdentity = new Map<string, { index: number[]; id: string; p: PendingPrinting }>();
    const adoptions: { key: number; p: PendingPrinting }[] = [];
    pending.forEach((p, i) => {
      const identity = p.productId !== null ? `${p.productId}|${p.subType}` : `${p.cardId}|${p.finish}`;
      const known = p.productId !== null ? this.byProduct.get(identity) : this.byCardFinish.get(identity)?.[0];
      if (known) {
        keys[i] = known.key;
        return;
      }
      const seen = byIdentity.get(identity);
      if (seen) {
        seen.index.push(i);
        return;
      }
      // An orphan adopts one product only; a second product in the same batch gets its own printing.
      if (p.adopt !== undefined && this.byKey.get(p.adopt)?.productId === null) {
        adoptions.push({ key: p.adopt, p });
        this.adopt(p.adopt, p.productId!, p.subType!);
        keys[i] = p.adopt;
        return;
      }
      const base = `${p.cardId}.${p.finish}`;
      const taken = this.byId.has(base) || toInsert.some((t) => t.id === base);
      const entry = { index: [i], id: taken ? `${base}.${p.productId}` : base, p };
      byIdentity.set(identity, entry);
      toInsert.push(entry);
    });
    await this.db.transaction().execute(async (trx) => {
      for (const a of adoptions) {
        await trx.updateTable('printings').set({ tcgplayer_product_id: a.p.productId, tcgplayer_sub_type: a.p.subType }).where('key', '=', a.key).execute();
      }
      // Chunks keep each statement under the bound-parameter limits (8 columns × 500).
      for (let i = 0; i < toInsert.length; i += 500) {
        const chunk = toInsert.slice(i, i + 500);
        const rows = await trx
          .insertInto('printings')
          .values(chunk.map(({ id, p }) => ({ id, card_id: p.cardId, finish: p.finish, language: 'en', tcgplayer_product_id: p.productId, tcgplayer_sub_type: p.subType, cardmarket_product_id: null, created_at: this.nowIso() })))
          .returning(['key', 'id'])
          .execute();
        const keyOf = new Map(rows.map((r) => [r.id, Number(r.key)]));
        for (const entry of chunk) {
          const key = keyOf.get(entry.id)!;
          this.remember({ key, id: entry.id, cardId: entry.p.cardId, finish: entry.p.finish, productId: entry.p.productId, subType: entry.p.subType });
          for (const i of entry.index) keys[i] = key;
        }
      }
    });
    return keys;
  }

  private adopt(key: number, productId: number, subType: string): void {
    const p = this.byKey.get(key)!;
    p.productId = productId;
    p.subType = subType;
    this.byProduct.set(`${productId}|${subType}`, p);
  }

  /** One printing, created when new (for callers that resolve one at a time). */
  async forCardFinish(cardId: string, finish: Finish): Promise<number> {
    const found = this.find(cardId, finish, null);
    return typeof found === 'number' ? found : (await this.createAll([found]))[0]!;
  }

  async forTcgplayer(cardId: string, finish: Finish, productId: number, subType: string): Promise<number> {
    const found = this.find(cardId, finish, { productId, subType });
    return typeof found === 'number' ? found : (await this.createAll([found]))[0]!;
  }
}

export interface PendingPrinting {
  cardId: string;
  finish: Finish;
  productId: number | null;
  subType: string | null;
  /** Key of a product-less printing of the same card and finish that takes this product. */
  adopt?: number;
}
