/**
 * `defineRoute` wraps `createRoute` so that every operation states, in one place, who may call
 * it and how it is protected. The same definition gives validation, the OpenAPI operation (with
 * its security scheme and `x-required-role`) and the middleware that enforces it.
 */
import { createRoute, OpenAPIHono, z, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { ValidationFailed } from '../errors.ts';
import { requireAccess } from './auth.ts';
import { answerCachedRead } from './conditional.ts';
import type { Access, AppEnv } from './context.ts';
import { rejectControlCharacters } from './control-characters.ts';
import { idempotency } from './idempotency.ts';
import { alertCreationLimit, portfolioCreationLimit, rateLimit } from './rate-limit.ts';

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().openapi({ description: 'Stable machine-readable error code.' }),
    detail: z.string(),
    instance: z.string(),
    request_id: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem', { description: 'RFC 9457 problem details.' });

export const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

export interface RouteOptions {
  /** Who may call: `public`, `portfolio`, or the least role (`viewer` < `operator` < `admin`). */
  access: Access;
  /** Count requests against the caller's rate limit (default true). */
  rateLimit?: boolean;
  /** Honour `Idempotency-Key` (creating POSTs). */
  idempotent?: boolean;
  /** A further per-IP limit on this operation (after idempotency, so replays do not count). */
  limit?: 'portfolio-creation' | 'alert-creation';
  /** The answer carries a secret shown once: a stored replay of it expires after IDEMPOTENCY_SECRET_TTL_MINUTES. */
  returnsSecret?: boolean;
}

/**
 * A route whose body is `required` refuses a request without one (422), rather than validating
 * an absent body as `{}` and acting on the schema's defaults.
 */
const requireBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  if ((await c.req.text()).length === 0) {
    throw new ValidationFailed([
      { field: 'body', message: 'is required (send JSON with Content-Type: application/json)' },
    ]);
  }
  await next();
};

type Defined<R extends RouteConfig> = R & { middleware: MiddlewareHandler<AppEnv>[]; 'x-required-role': Access };

/**
 * @example
 * export const listKeys = defineRoute({ access: 'admin' }, { method: 'get', path: '/v1/admin/keys', responses: {…} });
 */
export function defineRoute<const R extends RouteConfig>(
  options: RouteOptions,
  route: R,
): Defined<R> & { getRoutingPath(): string } {
  const middleware: MiddlewareHandler<AppEnv>[] = [requireAccess(options.access)];
  if (options.rateLimit !== false) middleware.push(rateLimit(options.access));
  middleware.push(rejectControlCharacters());
  // After the rate limit and the control-character check; before validation, which a cached URL passed.
  if (options.access === 'public' && route.method === 'get') middleware.push(answerCachedRead());
  if (route.request?.body?.required) middleware.push(requireBody);
  if (options.idempotent) middleware.push(idempotency({ secret: options.returnsSecret }));
  if (options.limit === 'portfolio-creation') middleware.push(portfolioCreationLimit());
  if (options.limit === 'alert-creation') middleware.push(alertCreationLimit());

  const responses: RouteConfig['responses'] = { ...route.responses };
  if (options.access !== 'public') {
    responses[401] ??= problemResponse('Missing or invalid credentials.');
    responses[403] ??= problemResponse('The caller lacks the required role.');
  }
  // Every operation may answer 422: control characters are refused in any parameter or header.
  responses[422] ??= problemResponse('Invalid parameters, headers or body; `errors` lists the fields.');
  if (options.rateLimit !== false || options.limit)
    responses[429] ??= problemResponse('Rate limit exceeded; see Retry-After.');
  const headers = options.idempotent
    ? [
        z.object({
          'idempotency-key': z.string().max(255).optional().openapi({ description: 'Makes a retried create safe.' }),
        }),
      ]
    : undefined;

  const security =
    options.access === 'public'
      ? []
      : options.access === 'portfolio'
        ? [{ portfolioId: [], portfolioSecret: [] }]
        : options.access === 'owner'
          ? [{ portfolioId: [], portfolioSecret: [] }, { bearer: [] }]
          : [{ bearer: [] }];

  return createRoute({
    ...route,
    ...(headers ? { request: { ...route.request, headers: headers[0] } } : {}),
    security,
    responses,
    'x-required-role': options.access,
    middleware,
  } as Defined<R>) as Defined<R> & { getRoutingPath(): string };
}

const targetNames: Record<string, string> = {
  json: 'body',
  form: 'body',
  query: 'query',
  param: 'path',
  header: 'header',
  cookie: 'cookie',
};

/**
 * A router whose validation failures become 422 problems listing every offending field.
 *
 * @example
 * const app = createRouter(); app.openapi(listKeysRoute, handler);
 */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const target = targetNames[result.target] ?? result.target;
        throw new ValidationFailed(
          result.error.issues.map((issue) => ({
            field: [target, ...issue.path.map(String)].join('.'),
            message: issue.message,
          })),
        );
      }
    },
  });
}
