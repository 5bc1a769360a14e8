/**
 * Checks portfolio capabilities for the global `authenticate()` middleware. One statement per
 * request reads the capability together with what conditional reads need (data version and the
 * watchlist fingerprint), so a 304 costs nothing more.
 */
import type { Kysely } from 'kysely';
import { sha256Hex, timingSafeEqual } from '../../platform/crypto.ts';
import type { DialectName } from '../../platform/db/database.ts';
import type { Tables } from '../../platform/db/schema.ts';
import type { PortfolioAuthenticator, PortfolioAuthOutcome } from '../../platform/http/context.ts';
import { isWellFormedPortfolioId, isWellFormedPortfolioSecret } from './portfolio-secret.ts';
import { findPortfolioForAuth } from './portfolios.repo.ts';

/** Compared against when the id is unknown, so both refusals do the same work. */
const NO_SUCH_DIGEST = '0'.repeat(64);

export class PortfolioCapabilities implements PortfolioAuthenticator {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly dialect: DialectName,
  ) {}

  async verifyPortfolio(id: string, secret: string): Promise<PortfolioAuthOutcome> {
    if (!isWellFormedPortfolioId(id)) return { ok: false, reason: 'malformed_portfolio_id' };
    if (!isWellFormedPortfolioSecret(secret)) return { ok: false, reason: 'malformed_portfolio_secret' };
    const digest = await sha256Hex(secret);
    const row = await findPortfolioForAuth(this.db, this.dialect, id);
    const matches = timingSafeEqual(digest, row?.secret_hash ?? NO_SUCH_DIGEST);
    if (!row) return { ok: false, reason: 'unknown_portfolio' };
    if (!matches) return { ok: false, reason: 'wrong_portfolio_secret' };
    return {
      ok: true,
      principal: { actor: id, kind: 'portfolio', role: null, ownerId: row.owner_id },
      session: {
        dataVersion: row.data_version ?? 'none',
        watchlist: {
          count: row.items,
          lastAddedAt: row.last_added_at,
          // The contents name every item and when it was added, so any add or remove changes the
          // digest, even several in one millisecond (count and latest added_at alone would not
          // see a remove and an add in the same millisecond). A PUT of an item already on the
          // list keeps its added_at, so it leaves the digest as it was.
          fingerprint: row.contents === null ? 'empty' : (await sha256Hex(row.contents)).slice(0, 20),
        },
      },
    };
  }
}
