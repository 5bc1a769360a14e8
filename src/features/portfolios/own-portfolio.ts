/** What every `/v1/portfolios/{id}/…` route shares: the path parameter and the ownership check. */
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { NotFound } from '../../platform/errors.ts';
import type { AppEnv, PortfolioSession } from '../../platform/http/context.ts';

export const PortfolioId = z
  .string()
  .regex(/^pf_[0-9A-HJKMNP-TV-Z]{26}$/, 'is not a portfolio id')
  .openapi({
    param: { name: 'id', in: 'path' },
    description: 'The portfolio in `X-Portfolio-Id`.',
    example: 'pf_01JDX8M3Q5W7ZK2N4R6T8V0B1C',
  });

/**
 * The session of the authenticated portfolio when it is the one in the path. Any other id is
 * answered like an unknown one, so nobody learns which portfolios exist.
 */
export function ownPortfolio(c: Context<AppEnv>, id: string): PortfolioSession {
  const principal = c.get('principal');
  const session = c.get('portfolioSession');
  if (principal?.kind !== 'portfolio' || principal.actor !== id || !session) throw new NotFound('portfolio', id);
  return session;
}
