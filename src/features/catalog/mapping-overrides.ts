/**
 * Operator overrides of the TCGplayer product → card mapping: link a product to a card the
 * automatic matching missed, or pin a rejection reason (e.g. a sealed product). They win over
 * every other source of the product map; re-match a run afterwards to apply them to its rows.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';
import { ValidationFailed } from '../../platform/errors.ts';
import { cardExists, listOverrides, saveOverride } from './mapping-overrides.repo.ts';

/** Reasons an override may pin on a product (docs/METHODS.md, "Price acceptance rules"). */
export const OVERRIDE_REJECT_REASONS = [
  'sealed_product',
  'code_card',
  'accessory',
  'unknown_card',
  'unmapped_product',
  'unmatched_product',
] as const;
export type OverrideRejectReason = (typeof OVERRIDE_REJECT_REASONS)[number];

export interface OverrideInput {
  productId: number;
  cardId?: string;
  rejectReason?: OverrideRejectReason;
  note?: string;
  createdBy: string;
}

export async function upsertOverride(
  db: Kysely<Tables>,
  input: OverrideInput,
  ids: { newId: string; nowIso: string },
): Promise<void> {
  if (Boolean(input.cardId) === Boolean(input.rejectReason)) {
    throw new ValidationFailed([{ field: 'card', message: 'give exactly one of a card id or a reject reason' }]);
  }
  if (input.rejectReason && !(OVERRIDE_REJECT_REASONS as readonly string[]).includes(input.rejectReason)) {
    throw new ValidationFailed([{ field: 'reject', message: `must be one of ${OVERRIDE_REJECT_REASONS.join(', ')}` }]);
  }
  if (input.cardId) {
    if (!(await cardExists(db, input.cardId)))
      throw new ValidationFailed([{ field: 'card', message: `no card ${input.cardId} in the catalogue` }]);
  }
  const values = {
    card_id: input.cardId ?? null,
    reject_reason: input.rejectReason ?? null,
    note: input.note ?? null,
    created_by: input.createdBy,
    created_at: ids.nowIso,
  };
  await saveOverride(db, ids.newId, input.productId, values);
}

export { listOverrides };
