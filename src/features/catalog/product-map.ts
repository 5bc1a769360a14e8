/**
 * Which card a TCGplayer product is. TCGCSV price rows carry only productId + subTypeName, so they
 * are linked through this map, filled from TCGCSV product listings (group, name, number) or from a
 * cross-walk file (`--map`), with operator overrides on top. A card or a sealed product links to
 * its catalogue item; anything else is rejected with the reason its kind says — never guessed:
 *
 *   code_card → `code_card`, accessory → `accessory`, sealed without an item → `sealed_product`,
 *   unknown (a single card the catalogue lacks) → `unknown_card`, unmapped (a single card of a
 *   catalogued set that nothing links) → `unmapped_product`; a product no listing or cross-walk
 *   names at all is `unmapped_product` too.
 */
import type { Kysely } from 'kysely';
import type { Tables, TcgplayerProductsTable } from '../../platform/db/schema.ts';
import type { WriteOutcome } from '../../shared/run-accounting.ts';
import type { RejectReason } from '../../shared/run-accounting.ts';
import { tcgplayerOverrides } from './mapping-overrides.repo.ts';
import { insertProducts, loadProducts, updateProduct } from './product-map.repo.ts';

export interface ProductEntry {
  productId: number;
  groupId?: number | null;
  name?: string | null;
  number?: string | null;
  cardId: string | null;
  kind: TcgplayerProductsTable['kind'];
  /** The feed that listed it. */
  feed: string;
}

export type ProductLookup = { ok: true; cardId: string } | { ok: false; reason: RejectReason };

const KIND_REASON: Record<string, RejectReason> = {
  sealed: 'sealed_product',
  code_card: 'code_card',
  accessory: 'accessory',
  unknown: 'unknown_card',
  unmapped: 'unmapped_product',
};

export class ProductMap {
  private products = new Map<
    number,
    { cardId: string | null; kind: string; groupId: number | null; name: string | null; number: string | null }
  >();
  private overrides = new Map<number, { cardId: string | null; rejectReason: string | null }>();

  constructor(private readonly db: Kysely<Tables>) {}

  static async load(db: Kysely<Tables>): Promise<ProductMap> {
    const map = new ProductMap(db);
    await map.reload();
    return map;
  }

  async reload(): Promise<void> {
    const rows = await loadProducts(this.db);
    this.products = new Map(
      rows.map((r) => [
        r.product_id,
        { cardId: r.card_id, kind: r.kind, groupId: r.group_id, name: r.name, number: r.number },
      ]),
    );
    const overrides = await tcgplayerOverrides(this.db);
    this.overrides = new Map(
      overrides.map((o) => [Number(o.external_id), { cardId: o.card_id, rejectReason: o.reject_reason }]),
    );
  }

  get size(): number {
    return this.products.size;
  }

  /** @example map.lookup(42382) // { ok: true, cardId: 'base1-4' } */
  lookup(productId: number): ProductLookup {
    const override = this.overrides.get(productId);
    if (override?.cardId) return { ok: true, cardId: override.cardId };
    if (override?.rejectReason) return { ok: false, reason: override.rejectReason as RejectReason };
    const p = this.products.get(productId);
    if (!p) return { ok: false, reason: 'unmapped_product' };
    if (p.cardId && (p.kind === 'card' || p.kind === 'sealed')) return { ok: true, cardId: p.cardId };
    return { ok: false, reason: KIND_REASON[p.kind] ?? 'unmapped_product' };
  }

  /** Whether the map links the product to a single card (from a cross-walk or a listing). */
  linksCard(productId: number): boolean {
    const p = this.products.get(productId);
    return p !== undefined && p.kind === 'card' && p.cardId !== null;
  }

  /** The TCGplayer group a listed product belongs to, when known. */
  groupOf(productId: number): number | null {
    return this.products.get(productId)?.groupId ?? null;
  }

  /**
   * Adds or refreshes products; a known card link is never replaced by an unknown one, and
   * listing details (group, name, number) fill in when a later source knows them.
   */
  async upsert(entries: ProductEntry[], nowIso: string): Promise<WriteOutcome> {
    const out: WriteOutcome = { accepted: 0, updated: 0, unchanged: 0 };
    await this.db.transaction().execute(async (trx) => {
      const fresh = new Map<number, TcgplayerProductsTable>();
      for (const e of entries) {
        const before = this.products.get(e.productId);
        const after = {
          cardId: e.cardId ?? before?.cardId ?? null,
          kind: e.cardId ? e.kind : before?.cardId ? (before.kind as ProductEntry['kind']) : e.kind,
          groupId: e.groupId ?? before?.groupId ?? null,
          name: e.name ?? before?.name ?? null,
          number: e.number ?? before?.number ?? null,
        };
        const row = {
          product_id: e.productId,
          group_id: after.groupId,
          name: after.name,
          number: after.number,
          card_id: after.cardId,
          kind: after.kind,
          feed: e.feed,
          updated_at: nowIso,
        };
        if (!before) {
          fresh.set(e.productId, row);
          out.accepted++;
        } else if (fresh.has(e.productId)) {
          // Listed twice in this batch before being written: the later entry refines the pending row.
          fresh.set(e.productId, row);
          out.unchanged++;
        } else if (JSON.stringify(before) !== JSON.stringify(after)) {
          await updateProduct(trx, row);
          out.updated++;
        } else {
          out.unchanged++;
        }
        this.products.set(e.productId, after);
      }
      await insertProducts(trx, [...fresh.values()]);
    });
    return out;
  }
}
