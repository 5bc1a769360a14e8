/** The `alert.triggered` data of a firing, as every channel reads it (money in major units, DESIGN §10). */
import type { AlertFiringsTable, AlertKind } from '../../platform/db/schema.ts';
import type { AlertTriggeredData } from '../../shared/delivery-events.ts';
import { thumbnailOf, toMajor } from '../prices/wire.ts';
import type { SubjectRow } from './alerts.repo.ts';

export interface FiredRule {
  id: string;
  kind: AlertKind;
  note: string | null;
  threshold_minor: number | null;
  /** The rule's change threshold (percent). */
  change_pct: number | null;
  window_days: number | null;
}

/**
 * @example
 * alertData(rule, firing, subject).price; // 105 (from price_minor 10500 USD)
 */
export function alertData(
  rule: FiredRule,
  firing: Omit<AlertFiringsTable, 'owner_id' | 'rule_id'>,
  subject: SubjectRow | undefined,
): AlertTriggeredData {
  const currency = firing.currency;
  const major = (minor: number | null) => (minor === null || currency === null ? null : toMajor(minor, currency));
  const priceKind = rule.kind === 'price_above' || rule.kind === 'price_below';
  return {
    alert_id: rule.id,
    firing_id: firing.id,
    kind: rule.kind,
    note: rule.note,
    card: {
      id: subject?.card_id ?? '',
      name: subject?.name ?? '',
      set_id: subject?.set_id ?? '',
      number: subject?.number ?? '',
      image_url: thumbnailOf(subject?.images ?? null),
    },
    printing: { id: subject?.printing_id ?? '', finish: subject?.finish ?? null },
    market: firing.market,
    as_of: firing.as_of,
    price: major(firing.price_minor),
    currency,
    threshold: priceKind ? major(rule.threshold_minor) : rule.kind === 'signal_change' ? null : rule.change_pct,
    window_days: rule.window_days,
    change_pct: firing.change_pct,
    from_date: firing.from_date,
    from_price: major(firing.from_price_minor),
    signal: rule.kind === 'signal_change' ? { previous: firing.previous_action, action: firing.action } : null,
  };
}
