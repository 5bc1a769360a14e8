import type { Kysely } from 'kysely';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import { sha256Hex } from '../../platform/crypto.ts';
import type { Tables } from '../../platform/db/schema.ts';
import type { IdPrefix } from '../../platform/ids.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { generatePortfolioSecret } from './portfolio-secret.ts';
import { insertPortfolio } from './portfolios.repo.ts';

export interface CreatedPortfolio {
  id: string;
  /** The only copy of the secret: only its digest is stored. */
  secret: string;
  name: string | null;
  created_at: string;
}

/** Who asks, for the audit log. */
export interface Requester {
  requestId: string;
  ip: string;
}

/** Portfolios: a capability (id + secret) with an owner principal behind it. */
export class PortfoliosService {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly clock: Clock,
    private readonly newId: (prefix: IdPrefix) => string,
    private readonly audit: AuditService,
  ) {}

  /**
   * Creates the owner principal and the portfolio in one transaction, and audits it; `within`
   * runs in that transaction with the result (to store an `Idempotency-Key` answer with it).
   */
  async create(
    name: string | null,
    by: Requester,
    within?: (trx: Kysely<Tables>, created: CreatedPortfolio) => Promise<void>,
  ): Promise<CreatedPortfolio> {
    const secret = generatePortfolioSecret();
    const createdAt = isoInstant(this.clock.now());
    const row = {
      id: this.newId('pf'),
      owner_id: this.newId('prn'),
      name,
      secret_hash: await sha256Hex(secret),
      created_at: createdAt,
    };
    await this.db.transaction().execute(async (trx) => {
      await insertPortfolio(trx, row, name ?? row.id);
      await this.audit.record(
        {
          actor: 'anonymous',
          action: 'portfolio.create',
          target: row.id,
          result: 'success',
          requestId: by.requestId,
          ip: by.ip,
          detail: { owner_id: row.owner_id },
        },
        trx,
      );
      await within?.(trx, { id: row.id, secret, name, created_at: createdAt });
    });
    return { id: row.id, secret, name, created_at: createdAt };
  }
}
