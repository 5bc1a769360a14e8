/**
 * The daily digest (`alert-digest` job, DIGEST_CRON): a subscriber who chose a digest gets no
 * e-mail per firing; instead one `alert.digest` e-mail lists every firing of their e-mail rules
 * since their previous digest. Each digest is written with its link tokens in one transaction,
 * deduplicated per subscriber and day (`alert.digest:<principal>:<date>`).
 */
import { isoInstant } from '../../platform/clock.ts';
import { insertDelivery } from '../../platform/outbox/outbox.repo.ts';
import type { AlertDigestEvent } from '../../shared/delivery-events.ts';
import { mintLinkTokens } from '../subscribers/link-tokens.ts';
import { alertData } from './alert-event.ts';
import { digestFirings, digestSubscribers, subjects } from './alerts.repo.ts';
import type { AlertEvaluationDeps } from './evaluation.ts';

export interface DigestCounts {
  subscribers: number;
  digests_written: number;
  firings: number;
}

/** Raised inside a digest's transaction when today's digest exists already: rolls its tokens back. */
class AlreadySent extends Error {}

/**
 * Writes today's digest for every confirmed subscriber with `digest = 1` who has firings since
 * their previous digest. Running it twice a day writes nothing the second time.
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
    const firings = await digestFirings(db, subscriber.principal_id, subscriber.previous, nowIso);
    if (firings.length === 0) continue;
    const details = new Map(
      (
        await subjects(
          db,
          firings.map((f) => f.printing_key),
        )
      ).map((s) => [s.key, s]),
    );
    const event: AlertDigestEvent = {
      type: 'alert.digest',
      timestamp: nowIso,
      data: {
        date,
        alerts: firings.map((f) =>
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
      },
    };
    try {
      await db.transaction().execute(async (trx) => {
        const id = newId('dlv');
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
        if (!written) throw new AlreadySent();
      });
      counts.digests_written++;
      counts.firings += firings.length;
    } catch (err) {
      if (!(err instanceof AlreadySent)) throw err;
    }
  }
  return counts;
}
