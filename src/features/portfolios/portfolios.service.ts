import type { Kysely, Updateable } from 'kysely';
import { isoInstant, type Clock } from '../../platform/clock.ts';
import { sha256Hex } from '../../platform/crypto.ts';
import type { CostMethod, PortfoliosTable, PriceField, Tables } from '../../platform/db/schema.ts';
import { NotFound, ValidationFailed, type FieldProblem } from '../../platform/errors.ts';
import type { IdPrefix } from '../../platform/ids.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { allLots, allSales, findPrintings, lockPortfolio, printingsByKey } from './ledger.repo.ts';
import type { LedgerService } from './ledger.service.ts';
import { buildExport, lotInput, originRuns, saleInput, type PortfolioExport } from './portfolio-export.ts';
import { MARKETS } from './pricing.ts';
import {
  deletePortfolio,
  findPortfolioWithCounts,
  insertWatchlist,
  updatePortfolio,
  watchlistEntries,
  type PortfolioCounts,
  type PortfolioRow,
} from './portfolio-identity.repo.ts';
import { generatePortfolioSecret } from './portfolio-secret.ts';
import { insertPortfolio } from './portfolios.repo.ts';
import { WATCHLIST_CAP } from './watchlist.service.ts';

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

/** A portfolio's settings as PATCH takes them. */
export interface SettingsPatch {
  name?: string | null;
  base_currency?: string;
  cost_method?: CostMethod;
  preferred_market?: (typeof MARKETS)[number];
  price_field?: PriceField;
}

export type PortfolioInfo = PortfolioRow & { counts: PortfolioCounts };

export interface RotatedSecret {
  id: string;
  /** The only copy of the new secret. */
  secret: string;
  rotated_at: string;
}

export interface ImportedPortfolio extends CreatedPortfolio {
  imported: { lots: number; sales: number; watchlist: number };
}

/**
 * Base currencies a portfolio may use: the euro and every currency whose ECB reference rates are
 * imported (`FX_CURRENCIES`), so every conversion has a rate.
 */
export function checkBaseCurrency(code: string, fxCurrencies: readonly string[], field: string): FieldProblem[] {
  if (code === 'EUR' || fxCurrencies.includes(code)) return [];
  return [{ field, message: `must be EUR or a currency with imported ECB rates (${fxCurrencies.join(', ')})` }];
}

function info(row: PortfolioRow & PortfolioCounts): PortfolioInfo {
  const { lots, sales, watchlist, ...rest } = row;
  return { ...rest, counts: { lots, sales, watchlist } };
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

  /** The portfolio's identity, settings and counts. */
  async get(id: string): Promise<PortfolioInfo> {
    const row = await findPortfolioWithCounts(this.db, id);
    if (!row) throw new NotFound('portfolio', id);
    return info(row);
  }

  /** Changes settings (audited with what changed, from and to). */
  async update(
    id: string,
    patch: SettingsPatch,
    by: Requester,
    fxCurrencies: readonly string[],
  ): Promise<PortfolioInfo> {
    const problems: FieldProblem[] = [];
    if (Object.keys(patch).length === 0) problems.push({ field: 'body', message: 'names no setting to change' });
    if (patch.base_currency !== undefined)
      problems.push(...checkBaseCurrency(patch.base_currency, fxCurrencies, 'body.base_currency'));
    if (problems.length > 0) throw new ValidationFailed(problems);
    const nowIso = isoInstant(this.clock.now());
    // A new name changes nothing a valuation reads; the other settings do.
    const change = Object.keys(patch).some((k) => k !== 'name') ? 'ledger' : 'other';
    await this.db.transaction().execute(async (trx) => {
      if (!(await lockPortfolio(trx, id, nowIso, change))) throw new NotFound('portfolio', id);
      const before = (await findPortfolioWithCounts(trx, id))!;
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      const set: Updateable<PortfoliosTable> = {};
      for (const key of ['name', 'base_currency', 'cost_method', 'preferred_market', 'price_field'] as const) {
        const to = patch[key];
        if (to === undefined || to === before[key]) continue;
        changes[key] = { from: before[key], to };
        Object.assign(set, { [key]: to });
      }
      if (Object.keys(set).length > 0) await updatePortfolio(trx, id, set);
      await this.audit.record(
        {
          actor: id,
          action: 'portfolio.update',
          target: id,
          result: 'success',
          requestId: by.requestId,
          ip: by.ip,
          detail: { changes },
        },
        trx,
      );
    });
    return this.get(id);
  }

  /**
   * Replaces the secret: the old one is refused from the next request on. The new secret is
   * returned once; the audit entry never holds it.
   */
  async rotateSecret(
    id: string,
    by: Requester,
    within?: (trx: Kysely<Tables>, rotated: RotatedSecret) => Promise<void>,
  ): Promise<RotatedSecret> {
    const secret = generatePortfolioSecret();
    const digest = await sha256Hex(secret);
    const nowIso = isoInstant(this.clock.now());
    const rotated = { id, secret, rotated_at: nowIso };
    await this.db.transaction().execute(async (trx) => {
      if (!(await lockPortfolio(trx, id, nowIso, 'other'))) throw new NotFound('portfolio', id);
      await updatePortfolio(trx, id, { secret_hash: digest });
      await this.audit.record(
        {
          actor: id,
          action: 'portfolio.rotate_secret',
          target: id,
          result: 'success',
          requestId: by.requestId,
          ip: by.ip,
        },
        trx,
      );
      await within?.(trx, rotated);
    });
    return rotated;
  }

  /**
   * Deletes the portfolio and everything it holds (lots, sales, watchlist and every other row
   * that references it), its idempotency keys and its owner principal; the audit entry stays.
   */
  async remove(id: string, by: Requester): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (!(await lockPortfolio(trx, id, isoInstant(this.clock.now())))) throw new NotFound('portfolio', id);
      const row = (await findPortfolioWithCounts(trx, id))!;
      await deletePortfolio(trx, id, row.owner_id);
      await this.audit.record(
        {
          actor: id,
          action: 'portfolio.delete',
          target: id,
          result: 'success',
          requestId: by.requestId,
          ip: by.ip,
          detail: { owner_id: row.owner_id, lots: row.lots, sales: row.sales, watchlist: row.watchlist },
        },
        trx,
      );
    });
  }

  /** Everything the portfolio holds, as the export document. */
  async exportAll(id: string): Promise<PortfolioExport> {
    const row = await findPortfolioWithCounts(this.db, id);
    if (!row) throw new NotFound('portfolio', id);
    const [watchlist, lots, sales] = [
      await watchlistEntries(this.db, id),
      await allLots(this.db, id),
      await allSales(this.db, id),
    ];
    const keys = [...new Set([...lots, ...sales].flatMap((r) => (r.printing_key === null ? [] : [r.printing_key])))];
    const printings = new Map((await printingsByKey(this.db, keys)).map((p) => [p.key, p]));
    return buildExport(row, watchlist, lots, sales, printings, isoInstant(this.clock.now()));
  }

  /**
   * Creates a new portfolio (new id and secret) from an export, all or nothing: settings,
   * watchlist, lots and sales are validated as the ledger validates them (problems name
   * `body.lots.3.quantity` …) in the one transaction that writes them.
   */
  async importAll(
    doc: PortfolioExport,
    by: Requester,
    deps: { ledger: LedgerService; fxCurrencies: readonly string[] },
    within?: (trx: Kysely<Tables>, imported: ImportedPortfolio) => Promise<void>,
  ): Promise<ImportedPortfolio> {
    const problems = checkBaseCurrency(doc.portfolio.base_currency, deps.fxCurrencies, 'body.portfolio.base_currency');
    if (doc.watchlist.length > WATCHLIST_CAP)
      problems.push({ field: 'body.watchlist', message: `holds at most ${WATCHLIST_CAP} printings` });
    if (problems.length > 0) throw new ValidationFailed(problems);
    const secret = generatePortfolioSecret();
    const createdAt = isoInstant(this.clock.now());
    const name = doc.portfolio.name;
    const row = {
      id: this.newId('pf'),
      owner_id: this.newId('prn'),
      name,
      secret_hash: await sha256Hex(secret),
      created_at: createdAt,
      base_currency: doc.portfolio.base_currency,
      cost_method: doc.portfolio.cost_method,
      preferred_market: doc.portfolio.preferred_market,
      price_field: doc.portfolio.price_field,
    };
    const imported: ImportedPortfolio = {
      id: row.id,
      secret,
      name,
      created_at: createdAt,
      imported: { lots: doc.lots.length, sales: doc.sales.length, watchlist: doc.watchlist.length },
    };
    await this.db.transaction().execute(async (trx) => {
      await insertPortfolio(trx, row, name ?? row.id);
      const ids = [...new Set(doc.watchlist.map((w) => w.printing_id))];
      const known = new Map((await findPrintings(trx, ids, [])).map((p) => [p.id, p.key]));
      const watchProblems = doc.watchlist.flatMap((w, i) => [
        ...(known.has(w.printing_id)
          ? []
          : [{ field: `body.watchlist.${i}.printing_id`, message: 'is not a known printing' }]),
        ...(Date.parse(w.added_at) > Date.parse(createdAt)
          ? [{ field: `body.watchlist.${i}.added_at`, message: 'is in the future' }]
          : []),
      ]);
      if (watchProblems.length > 0) throw new ValidationFailed(watchProblems);
      const seen = new Set<number>();
      await insertWatchlist(
        trx,
        doc.watchlist.flatMap((w) => {
          const key = known.get(w.printing_id)!;
          if (seen.has(key)) return [];
          seen.add(key);
          return [{ portfolio_id: row.id, printing_key: key, added_at: w.added_at }];
        }),
      );
      const lotIds = new Map<string, string>();
      for (const run of originRuns(doc.lots)) {
        const rows = await deps.ledger.addLots(row.id, run.rows.map(lotInput), run.origin, {
          trx,
          field: (i) => `body.lots.${run.indexes[i]}`,
        });
        rows.forEach((r, i) => lotIds.set(run.rows[i]!.ref, r.id));
      }
      for (const run of originRuns(doc.sales)) {
        await deps.ledger.recordSales(
          row.id,
          run.rows.map((s) => saleInput(s, lotIds)),
          run.origin,
          { trx, field: (i) => `body.sales.${run.indexes[i]}` },
        );
      }
      await this.audit.record(
        {
          actor: 'anonymous',
          action: 'portfolio.import',
          target: row.id,
          result: 'success',
          requestId: by.requestId,
          ip: by.ip,
          detail: { owner_id: row.owner_id, ...imported.imported },
        },
        trx,
      );
      await within?.(trx, imported);
    });
    return imported;
  }
}
