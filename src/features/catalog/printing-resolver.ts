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
    if (p.productId !== null) this.byProduct.set(`${p.productId}|${p.subType}`, p);
    const k = `${p.cardId}|${p.finish}`;
    const list = this.byCardFinish.get(k) ?? [];
    list.push(p);
    this.byCardFinish.set(k, list);
  }

  get size(): number {
    return this.byId.size;
  }

  /**
   * The printing of a TCGplayer product and sub-type, created when new. A printing of the same
   * card and finish that has no product yet (made from a source without product ids) adopts it.
   */
  async forTcgplayer(cardId: string, finish: Finish, productId: number, subType: string): Promise<number> {
    const hit = this.byProduct.get(`${productId}|${subType}`);
    if (hit) return hit.key;
    const siblings = this.byCardFinish.get(`${cardId}|${finish}`) ?? [];
    const orphan = siblings.find((p) => p.productId === null);
    if (orphan) {
      await this.db
        .updateTable('printings')
        .set({ tcgplayer_product_id: productId, tcgplayer_sub_type: subType })
        .where('key', '=', orphan.key)
        .execute();
      orphan.productId = productId;
      orphan.subType = subType;
      this.byProduct.set(`${productId}|${subType}`, orphan);
      return orphan.key;
    }
    const base = `${cardId}.${finish}`;
    return this.create(this.byId.has(base) ? `${base}.${productId}` : base, cardId, finish, productId, subType);
  }

  /**
   * The printing of a card and finish for sources that know no product ids (pokemontcg.io,
   * TCGdex, CSV history): the oldest printing of that card and finish, created when none exists.
   */
  async forCardFinish(cardId: string, finish: Finish): Promise<number> {
    const siblings = this.byCardFinish.get(`${cardId}|${finish}`);
    if (siblings && siblings.length > 0) return siblings[0]!.key;
    return this.create(`${cardId}.${finish}`, cardId, finish, null, null);
  }

  private async create(id: string, cardId: string, finish: string, productId: number | null, subType: string | null): Promise<number> {
    const row = await this.db
      .insertInto('printings')
      .values({
        id,
        card_id: cardId,
        finish,
        language: 'en',
        tcgplayer_product_id: productId,
        tcgplayer_sub_type: subType,
        cardmarket_product_id: null,
        created_at: this.nowIso(),
      })
      .returning('key')
      .executeTakeFirstOrThrow();
    this.remember({ key: Number(row.key), id, cardId, finish, productId, subType });
    return Number(row.key);
  }
}
