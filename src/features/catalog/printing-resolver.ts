/**
 * Finds or creates the printing a price belongs to. A printing is a sellable variant: card +
 * finish + marketplace product. Two TCGplayer products for the same card and finish (Poké Ball
 * and Master Ball pattern reverse holos) are two printings, so TCGplayer rows resolve by
 * (productId, subTypeName) first.
 *
 * Printing ids are stable slugs: `{cardId}.{finish}`, or `{cardId}.{finish}.{productId}` when that
 * is taken by another product of the same card and finish. Once made, an id never changes.
 *
 * A printing records the TCGplayer group its product was sold under (`tcgplayer_group_id`, known
 * from the group its price rows arrive from), filled once when still null. A product sold under
 * another group than its card's set's own (a reprint: World Championship Deck, Jumbo, Shadowless …)
 * always gets the `{cardId}.{finish}.{productId}` id and never adopts a product-less printing,
 * so it can never take the plain slot the set's own product should have.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';
import type { Finish } from './finishes.ts';
import {
  adoptProduct,
  fillPrintingGroups,
  insertPrintings,
  printingIdentities,
  setGroupsOfCards,
  type NewPrinting,
} from './printings.repo.ts';

interface Known extends NewPrinting {
  key: number;
}

/** A printing whose recorded group differs from the group a price row of its product arrived from. */
export interface GroupConflict {
  printingId: string;
  recorded: number;
  arriving: number;
}

export class PrintingResolver {
  private byId = new Map<string, Known>();
  private byKey = new Map<number, Known>();
  /** By TCGplayer product id, then sub-type (numbers first: no key string per price row). */
  private byProduct = new Map<number, Map<string | null, Known>>();
  private byCardFinish = new Map<string, Known[]>();
  /** The recorded TCGplayer group of each card's set (null when none is recorded). */
  private setGroupOf = new Map<string, number | null>();
  /** Groups learned for known printings since the last `saveGroups`. */
  private groupFills = new Map<number, number>();
  /** Printings created or given a group since the last `saveGroups`. */
  private touched = new Set<number>();
  private readonly conflictSeen = new Set<string>();
  /** Disagreements seen so far (one per printing and arriving group). */
  readonly conflicts: GroupConflict[] = [];

  private constructor(
    readonly db: Kysely<Tables>,
    private readonly nowIso: () => string,
  ) {}

  /** Loads every printing once (tens of thousands of small rows), then resolves from memory. */
  static async load(db: Kysely<Tables>, nowIso: () => string): Promise<PrintingResolver> {
    const resolver = new PrintingResolver(db, nowIso);
    const rows = await printingIdentities(db);
    for (const r of rows) {
      resolver.remember({
        key: r.key,
        id: r.id,
        cardId: r.card_id,
        finish: r.finish,
        productId: r.tcgplayer_product_id,
        subType: r.tcgplayer_sub_type,
        groupId: r.tcgplayer_group_id,
      });
    }
    const sets = await setGroupsOfCards(db);
    for (const c of sets) resolver.setGroupOf.set(c.id, c.tcgplayer_group_id);
    return resolver;
  }

  private remember(p: Known): void {
    this.byId.set(p.id, p);
    this.byKey.set(p.key, p);
    if (p.productId !== null) this.setProduct(p.productId, p.subType, p);
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
   * finish that is not a reprint product (else the oldest).
   */
  find(
    cardId: string,
    finish: Finish,
    product: { productId: number; subType: string; groupId?: number | null } | null,
  ): number | PendingPrinting {
    const groupId = product?.groupId ?? null;
    if (product) {
      const hit = this.byProduct.get(product.productId)?.get(product.subType);
      if (hit) {
        if (groupId !== null) this.learnGroup(hit, groupId);
        return hit.key;
      }
    }
    const siblings = this.byCardFinish.get(`${cardId}|${finish}`) ?? [];
    if (!product) {
      // Prices without a product are the set's own product's: never a reprint's printing when another exists.
      if (siblings.length > 0) return (siblings.find((p) => !this.isReprint(p)) ?? siblings[0]!).key;
      return { cardId, finish, productId: null, subType: null, groupId: null };
    }
    const pending = { cardId, finish, productId: product.productId, subType: product.subType, groupId };
    const orphan = siblings.find((p) => p.productId === null);
    if (orphan && !this.isReprint(pending)) return { ...pending, adopt: orphan.key };
    return pending;
  }

  /** Sold under a known group that is not the card's set's recorded group. */
  private isReprint(p: { cardId: string; groupId?: number | null }): boolean {
    const own = this.setGroupOf.get(p.cardId) ?? null;
    return p.groupId !== undefined && p.groupId !== null && own !== null && p.groupId !== own;
  }

  private learnGroup(p: Known, groupId: number): void {
    if (p.groupId === null) {
      p.groupId = groupId;
      this.groupFills.set(p.key, groupId);
      this.touched.add(p.key);
    } else if (p.groupId !== groupId && !this.conflictSeen.has(`${p.key}|${groupId}`)) {
      this.conflictSeen.add(`${p.key}|${groupId}`);
      this.conflicts.push({ printingId: p.id, recorded: p.groupId, arriving: groupId });
    }
  }

  /**
   * Writes the groups learned for known printings, and returns the keys of the printings created
   * or given a group since the last call (their product lines need computing).
   */
  async saveGroups(): Promise<number[]> {
    await fillPrintingGroups(this.db, this.groupFills);
    this.groupFills = new Map();
    const keys = [...this.touched];
    this.touched = new Set();
    return keys;
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
    const idsToInsert = new Set<string>();
    pending.forEach((p, i) => {
      const identity = p.productId !== null ? `${p.productId}|${p.subType}` : `${p.cardId}|${p.finish}`;
      const known =
        p.productId !== null ? this.byProduct.get(p.productId)?.get(p.subType) : this.byCardFinish.get(identity)?.[0];
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
        this.adopt(p.adopt, p.productId!, p.subType!, p.groupId ?? null);
        keys[i] = p.adopt;
        return;
      }
      const base = `${p.cardId}.${p.finish}`;
      const taken = this.isReprint(p) || this.byId.has(base) || idsToInsert.has(base);
      const entry = { index: [i], id: taken ? `${base}.${p.productId}` : base, p };
      byIdentity.set(identity, entry);
      toInsert.push(entry);
      idsToInsert.add(entry.id);
    });
    await this.db.transaction().execute(async (trx) => {
      for (const a of adoptions) {
        await adoptProduct(trx, a.key, {
          productId: a.p.productId!,
          subType: a.p.subType!,
          groupId: a.p.groupId ?? null,
        });
      }
      const keyOf = await insertPrintings(
        trx,
        toInsert.map(({ id, p }) => ({
          id,
          cardId: p.cardId,
          finish: p.finish,
          productId: p.productId,
          subType: p.subType,
          groupId: p.groupId ?? null,
        })),
        this.nowIso(),
      );
      for (const entry of toInsert) {
        const key = keyOf.get(entry.id)!;
        this.remember({
          key,
          id: entry.id,
          cardId: entry.p.cardId,
          finish: entry.p.finish,
          productId: entry.p.productId,
          subType: entry.p.subType,
          groupId: entry.p.groupId ?? null,
        });
        if (entry.p.groupId) this.touched.add(key);
        for (const i of entry.index) keys[i] = key;
      }
    });
    return keys;
  }

  private adopt(key: number, productId: number, subType: string, groupId: number | null): void {
    const p = this.byKey.get(key)!;
    p.productId = productId;
    p.subType = subType;
    if (groupId !== null && p.groupId === null) {
      p.groupId = groupId;
      this.touched.add(key);
    }
    this.setProduct(productId, subType, p);
  }

  private setProduct(productId: number, subType: string | null, p: Known): void {
    const bySubType = this.byProduct.get(productId);
    if (bySubType) bySubType.set(subType, p);
    else this.byProduct.set(productId, new Map([[subType, p]]));
  }

  /** One printing, created when new (for callers that resolve one at a time). */
  async forCardFinish(cardId: string, finish: Finish): Promise<number> {
    const found = this.find(cardId, finish, null);
    return typeof found === 'number' ? found : (await this.createAll([found]))[0]!;
  }

  async forTcgplayer(
    cardId: string,
    finish: Finish,
    productId: number,
    subType: string,
    groupId: number | null = null,
  ): Promise<number> {
    const found = this.find(cardId, finish, { productId, subType, groupId });
    return typeof found === 'number' ? found : (await this.createAll([found]))[0]!;
  }
}

export interface PendingPrinting {
  cardId: string;
  finish: Finish;
  productId: number | null;
  subType: string | null;
  /** The TCGplayer group the product's price rows arrive from, when known. */
  groupId?: number | null;
  /** Key of a product-less printing of the same card and finish that takes this product. */
  adopt?: number;
}
