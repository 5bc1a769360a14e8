/**
 * The events the outbox carries, as every channel reads them (docs/WEBHOOKS.md publishes their
 * JSON Schemas). A delivery's `payload` column holds one of these, exactly what a Standard
 * Webhooks receiver gets as the body; e-mail and Discord render it. Money is in major units with
 * its currency (DESIGN §10); percent changes are percent.
 */
import type { AlertKind } from '../platform/db/schema.ts';

/** What fired, as recorded in the firing: the price, date and change that caused it. */
export interface AlertTriggeredData {
  alert_id: string;
  firing_id: string;
  kind: AlertKind;
  note: string | null;
  card: { id: string; name: string; set_id: string; number: string; image_url: string | null };
  printing: { id: string; finish: string | null };
  market: string;
  /** The market date of the price or signal. */
  as_of: string;
  price: number | null;
  currency: string | null;
  /** The rule's threshold: a price (price kinds, in `currency`) or a percent (change kinds). */
  threshold: number | null;
  window_days: number | null;
  change_pct: number | null;
  from_date: string | null;
  from_price: number | null;
  signal: { previous: string | null; action: string | null } | null;
}

export interface AlertTriggeredEvent {
  type: 'alert.triggered';
  /** When the rule fired (ISO instant). */
  timestamp: string;
  data: AlertTriggeredData;
}

/**
 * One e-mail a day for a subscriber who chose a digest: the firings no digest listed yet (at most
 * 100, the latest, oldest first); `omitted` counts the older ones it includes without listing.
 */
export interface AlertDigestEvent {
  type: 'alert.digest';
  timestamp: string;
  data: { date: string; alerts: AlertTriggeredData[]; omitted?: number };
}

/** Sent on request to check an endpoint. */
export interface TestPingEvent {
  type: 'test.ping';
  timestamp: string;
  data: { endpoint_id: string };
}

/** The double opt-in mail (its confirm and manage tokens travel sealed, never in the payload). */
export interface SubscriberConfirmEvent {
  type: 'subscriber.confirm';
  timestamp: string;
  data: { address: string };
}

/** Tells an owner that one of their endpoints was disabled. */
export interface EndpointDisabledEvent {
  type: 'endpoint.disabled';
  timestamp: string;
  data: { endpoint_id: string; host: string; reason: string; failing_since: string | null };
}

/** A burn-rate alert of a service level objective started (`slo.firing`) or stopped (`slo.resolved`); sent to the operators' channels. */
export interface SloAlertEvent {
  type: 'slo.firing' | 'slo.resolved';
  timestamp: string;
  data: {
    /** The SLO's name (`availability:GET /v1/cards/:id`, `pipeline:deadline`, `freshness:<market>`, `delivery:success`). */
    slo: string;
    sli: string;
    severity: 'page' | 'ticket';
    target: number;
    /** When this firing started. */
    since: string;
    budget_remaining: number;
    burn_rates: { window_minutes: number; rate: number }[];
  };
}

export type DeliveryEvent =
  | AlertTriggeredEvent
  | AlertDigestEvent
  | TestPingEvent
  | SubscriberConfirmEvent
  | EndpointDisabledEvent
  | SloAlertEvent;

/** What an e-mail delivery carries sealed (`deliveries.sealed`, associated data = the delivery id). */
export interface SealedLinks {
  /** `cqm_…`: the manage link's token. */
  manage_token?: string;
  /** The RFC 8058 one-click unsubscribe link's token. */
  unsubscribe_token?: string;
  /** The double opt-in link's token. */
  confirm_token?: string;
}
