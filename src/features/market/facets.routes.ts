/** Facets with counts: GET /v1/sets, /v1/sets/{id}, /v1/rarities, /v1/types. One data statement each. */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Database } from '../../platform/db/database.ts';
import { readDataVersion } from '../../platform/db/data-version.ts';
import { NotFound } from '../../platform/errors.ts';
import { jsonResponse, notModifiedResponse, versionedRead } from '../../platform/http/conditional.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { decodeCursor, page, pageQuery } from '../../platform/http/pagination.ts';
import { createRouter, defineRoute, problemResponse } from '../../platform/http/route.ts';
import type { SetSummaryTable } from '../../platform/db/schema.ts';
import { toMajor } from '../prices/wire.ts';
import { REMOVAL_VERSION } from '../../platform/http/deprecation.ts';
import { findSetSummary, listFacet, listSetSummaries } from './facets.repo.ts';

/** A set's era, under its name and its deprecated alias `series` (both emitted until 0.4.0). */
export const SetEraFields = {
  era: z
    .string()
    .nullable()
    .openapi({ description: 'The family of sets it belongs to (docs/GLOSSARY.md).', example: 'Base' }),
  series: z
    .string()
    .nullable()
    .openapi({
      description: `Deprecated alias of \`era\` (removed in ${REMOVAL_VERSION}).`,
      example: 'Base',
      deprecated: true,
    }),
};

const SetItem = z
  .object({
    id: z.string().openapi({ example: 'base1' }),
    name: z.string().openapi({ example: 'Base' }),
    ...SetEraFields,
    release_date: z.string().nullable().openapi({ example: '1999-01-09' }),
    printed_total: z.number().int().nullable().openapi({ example: 102 }),
    total: z.number().int().nullable().openapi({ example: 102 }),
    images: z
      .record(z.string(), z.string())
      .openapi({ example: { symbol: 'https://images.pokemontcg.io/base1/symbol.png' } }),
    cards: z.number().int().openapi({ description: 'Cards in the catalogue.', example: 102 }),
    priced_cards: z.number().int().openapi({ description: 'Cards with a headline price.', example: 98 }),
    printings: z.number().int().openapi({ example: 170 }),
    value: z.number().nullable().openapi({
      description: 'Sum of the headline prices of the cards priced in `currency`, major units.',
      example: 2150.35,
    }),
    currency: z.string().nullable().openapi({ example: 'USD' }),
    index_id: z.string().openapi({ description: 'The set’s price index, see /v1/indexes.', example: 'set-base1' }),
  })
  .openapi('Set');

const FacetItem = z
  .object({
    id: z.string().openapi({ description: 'What the card filters take.', example: 'rare-holo' }),
    name: z.string().openapi({ example: 'Rare Holo' }),
    cards: z.number().int().openapi({ example: 1204 }),
    priced_cards: z.number().int().openapi({ example: 1150 }),
  })
  .openapi('FacetValue');

const list = <T extends z.ZodTypeAny>(item: T, name: string) =>
  z.object({ items: z.array(item), next_cursor: z.string().nullable() }).openapi(name);
const SetList = list(SetItem, 'SetList');
type FacetList = { items: z.infer<typeof FacetItem>[]; next_cursor: string | null };

export const listSetsRoute = defineRoute(
  { access: 'public' },
  {
    method: 'get',
    path: '/v1/sets',
    tags: ['market'],
    summary: 'Sets, newest release first, with card counts and total value',
    request: { query: z.object(pageQuery) },
    responses: {
      200: { description: 'A page of sets.', content: { 'application/json': { schema: SetList } } },
      304: notModifiedResponse,
    },
  },
);

export const getSetRoute = defineRoute(
  { access: 'public' },
  {
    method: 'get',
    path: '/v1/sets/{id}',
    tags: ['market'],
    summary: 'One set with its counts and total value',
    request: { params: z.object({ id: z.string().min(1).max(64).openapi({ example: 'base1' }) }) },
    responses: {
      200: { description: 'The set.', content: { 'application/json': { schema: SetItem } } },
      304: notModifiedResponse,
      404: problemResponse('No such set.'),
    },
  },
);

const facetRoute = (facet: 'rarity' | 'type', path: string, summary: string) =>
  defineRoute(
    { access: 'public' },
    {
      method: 'get',
      path,
      tags: ['market'],
      summary,
      description: 'Ordered by id. The `id` is what the card filters take; names are accepted there too.',
      request: { query: z.object(pageQuery) },
      responses: {
        200: {
          description: `A page of ${facet} values.`,
          content: { 'application/json': { schema: list(FacetItem, facet === 'rarity' ? 'RarityList' : 'TypeList') } },
        },
        304: notModifiedResponse,
      },
    },
  );

export const listRaritiesRoute = facetRoute('rarity', '/v1/rarities', 'Rarities with card counts');
export const listTypesRoute = facetRoute('type', '/v1/types', 'Energy types with card counts');

function parseImages(text: string | null): Record<string, string> {
  if (!text) return {};
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

function setItem(r: SetSummaryTable): z.infer<typeof SetItem> {
  return {
    id: r.set_id,
    name: r.name,
    era: r.era,
    series: r.era,
    release_date: r.release_date,
    printed_total: r.printed_total,
    total: r.total,
    images: parseImages(r.images),
    cards: Number(r.cards),
    priced_cards: Number(r.priced_cards),
    printings: Number(r.printings),
    value: r.value_cents === null || r.currency === null ? null : toMajor(Number(r.value_cents), r.currency),
    currency: r.currency,
    index_id: `set-${r.set_id}`,
  };
}

export function facetsRoutes(database: Database): OpenAPIHono<AppEnv> {
  const app = createRouter();
  const db = database.db;
  const version = () => readDataVersion(db);

  app.openapi(listSetsRoute, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const after = decodeCursor(cursor, ['k', 'id']);
    return versionedRead<z.infer<typeof SetList>>(c, version, async () => {
      const rows = await listSetSummaries(db, limit + 1, after ?? null);
      const body = page(rows, limit, (last) => ({ k: last.k_release, id: last.set_id }));
      return jsonResponse({ items: body.items.map(setItem), next_cursor: body.next_cursor });
    });
  });

  app.openapi(getSetRoute, async (c) => {
    const { id } = c.req.valid('param');
    return versionedRead<z.infer<typeof SetItem>>(c, version, async () => {
      const row = await findSetSummary(db, id);
      if (!row) throw new NotFound('set', id);
      return jsonResponse(setItem(row));
    });
  });

  for (const [route, facet] of [
    [listRaritiesRoute, 'rarity'],
    [listTypesRoute, 'type'],
  ] as const) {
    app.openapi(route, async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const after = decodeCursor(cursor, ['id']);
      return versionedRead<FacetList>(c, version, async () => {
        const rows = await listFacet(db, facet, limit + 1, after?.id ?? null);
        const body = page(rows, limit, (last) => ({ id: last.id }));
        return jsonResponse({
          items: body.items.map((r) => ({
            id: r.id,
            name: r.name,
            cards: Number(r.cards),
            priced_cards: Number(r.priced_cards),
          })),
          next_cursor: body.next_cursor,
        });
      });
    });
  }
  return app;
}
