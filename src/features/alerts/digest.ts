/**
 * The daily digest (`alert-digest` job, DIGEST_CRON): a subscriber who chose a digest gets no
 * e-mail per firing; instead one `alert.digest` e-mail lists the firings of their e-mail rules that
 * no digest listed yet. Inclusion is recorded (`alert_firings.digest_delivery_id`, set in the
 * digest's transaction), so a firing committed after a digest started is in the next one, and
 * none is listed twice. A digest looks back at most to 24 hours before the subscriber's previous
 * digest (the first one: 24 hours), and lists at most `DIGEST_MAX_ALERTS` firings, the latest;
 * it counts the older ones it includes as `omitted`. Each digest is written with its link tokens
 * in one transaction, deduplicated per subscriber and day (`alert.digest:<principal>:<date>`).
 */
import { isoInstant } from '../../platform/clock.ts';
import { insertDelivery } from '../../platform/outbox/outbox.repo.ts';
import type { AlertDigestEvent } from '../../shared/delivery-events.ts';
import { mintLinkTokens } from '../subscribers/link-tokens.ts';
import { alertData } from './alert-event.ts';
import { digestFirings, digestSubscribers, markDigested, subjects } from './alerts.repo.ts';
import type { AlertEvaluationDeps } from './evaluation.ts';

export interface DigestCounts {
  subscribers: number;
  digests_written: number;
  firings: number;
}

/** The most firings one digest lists (an e-mail stays readable and bounded in size). */
export const DIGEST_MAX_ALERTS = 100;

/** How far before the previous digest (or now, for the first) a digest looks for firings. */
const LOOK_BACK_MS = 24 * 3_600_000;

/**
 * Raised inside a digest's transaction when today's digest exists already, or another digest took
 * some of its firings meanwhile: rolls its tokens and inclusions back (the next run lists them).
 */
class NotWritten extends Error {}

/**
 * Writes today's digest for every confirmed subscriber with `digest = 1` who has firings no digest
 * listed yet. Running it twice a day writes nothing the second time (the firings wait for the next day).
 */
export async function writeDigests(deps: AlertEvaluationDeps): Promise<DigestCounts> {
  const { database, clock, newId, box } = deps;
  const db = database.db;
  const nowMs = clock.now();
  const nowIso = isoInstant(nowMs);
  const date = nowIso.slice(0, 10);
  const counts: DigestCounts = { subscribers: 0, digests_written: 0, firings: 0 };
  for (const subscriber of await digestSubscribers(db)) {
    counts.subscribers++;
    const since = isoInstant(Date.parse(subscriber.previous ?? nowIso) - LOOK_BACK_MS);
    const firings = await digestFirings(db, subscriber.principal_id, since);
    if (firings.length === 0) continue;
    const listed = firings.slice(-DIGEST_MAX_ALERTS);
    const details = new Map(
      (
        await subjects(
          db,
          listed.map((f) => f.printing_key),
        )
      ).map((s) => [s.key, s]),
    );
    const event: AlertDigestEvent = {
      type: 'alert.digest',
      timestamp: nowIso,
      data: {
        date,
        alerts: listed.map((f) =>
          alertData(
            {
              id: f.rule_id,
              kind: f.kind,
              note: f.note,
              threshold_minor: f.threshold_minor,
              change_pct: f.rule_change_pct,
              window_days: f.window_days,
            },
            f,
            details.get(f.printing_key),
          ),
        ),
        omitted: firings.length - listed.length,
      },
    };
    try {
      await db.transaction().execute(async (trx) => {
        const id = newId('dlv');
        // First a write (SQLite takes its write lock now): the firings this digest includes.
        const marked = await markDigested(
          trx,
          firings.map((f) => f.id),
          id,
        );
        if (marked !== firings.length) throw new NotWritten();
        const written = await insertDelivery(trx, id, nowIso, {
          channel: 'email',
          eventType: 'alert.digest',
          dedupeKey: `alert.digest:${subscriber.principal_id}:${date}`,
          payload: event,
          ownerId: subscriber.principal_id,
          address: subscriber.address,
          sealed: await mintLinkTokens(trx, box, {
            principalId: subscriber.principal_id,
            deliveryId: id,
            nowMs,
            purposes: ['manage', 'unsubscribe'],
          }),
          triggeredAt: nowIso,
        });
        if (!written) throw new NotWritten();
      });
      counts.digests_written++;
      counts.firings += firings.length;
    } catch (err) {
      if (!(err instanceof NotWritten)) throw err;
    }
  }
  return counts;
}
