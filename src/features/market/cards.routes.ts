/**
 * GET /v1/cards and GET /v1/cards/{id}. Public, rate-limited, conditional (ETag from the data
 * version), one data statement each (docs/ARCHITECTURE.md, "Read path").
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Database } from '../../platform/db/database.ts';
import { readDataVersion } from '../../platform/db/data-version.ts';
import { NotFound, ValidationFailed } from '../../platform/errors.ts';
import { jsonResponse, notModifiedResponse, versionedRead } from '../../platform/http/conditional.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { decodeCursor, encodeCursor, pageQuery } from '../../platform/http/pagination.ts';
import { createRouter, defineRoute, problemResponse } from '../../platform/http/route.ts';
import { CARD_SORT_FIELDS } from './card-summary.ts';
import { cardDetailRows, listCards, type CardDetailRow, type CardSort, type Order } from './cards.repo.ts';
import { SetEraFields } from './facets.routes.ts';
import {
  change,
  ChangeSchema,
  daysBetween,
  jsonList,
  PrintingProductFields,
  printingProduct,
  thumbnailOf,
  toMajor,
  toMinor,
} from '../prices/wire.ts';

const SORTS = ['name', 'number', ...CARD_SORT_FIELDS] as const;
const TEXT_SORTS = new Set<CardSort>(['name', 'number']);

const facet = (description: string, example: string) =>
  z.string().min(1).max(64).optional().openapi({ description, example });
const price = (description: string, example: number) =>
  z.coerce.number().finite().min(0).max(1e9).optional().openapi({ description, example });

const CardsQuery = z.object({
  q: z.string().min(1).max(100).optional().openapi({
    description:
      'Name words, each matched as a prefix of a word of the name (accents and case ignored), and card numbers like `4/102` (number 4 of a set printed with 102 cards).',
    example: 'char',
  }),
  kind: z.enum(['card', 'sealed', 'all']).default('card').openapi({
    description:
      '`card`: single cards (default); `sealed`: sealed products (booster boxes, Elite Trainer Boxes, tins …); `all`: both.',
    example: 'card',
  }),
  set: facet('Set id.', 'base1'),
  rarity: facet('Rarity id or name (`rare-holo` or `Rare Holo`), see /v1/rarities.', 'rare-holo'),
  type: facet('Energy type id or name, see /v1/types.', 'fire'),
  supertype: facet('Supertype id or name (`pokemon`, `trainer`, `energy`).', 'pokemon'),
  min_price: price('Least headline price, major units of `currency`.', 10),
  max_price: price('Greatest headline price, major units of `currency`.', 500),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .default('USD')
    .openapi({
      description: 'Currency of the price filters; cards priced in another currency do not match them.',
      example: 'USD',
    }),
  sort: z.enum(SORTS).default('name').openapi({
    description: 'Sort field. Cards without a value (no price, no change, no signal yet) come last in either order.',
    example: 'price',
  }),
  order: z
    .enum(['asc', 'desc'])
    .optional()
    .openapi({ description: 'Default `asc` for name and number, `desc` for numeric fields.', example: 'desc' }),
  ...pageQuery,
});

const Headline = z
  .object({
    printing_id: z.string().openapi({ example: 'base1-4-holofoil' }),
    finish: z.string().openapi({ example: 'holofoil' }),
    product_line: PrintingProductFields.product_line,
    label: PrintingProductFields.label,
    market: z.string().openapi({ example: 'tcgplayer' }),
    condition: z.string().openapi({ example: 'NM' }),
  })
  .openapi('HeadlinePrinting', {
    description: 'The printing whose price the card shows (docs/METHODS.md, "Headline printing").',
  });

const Changes = (windows: readonly string[]) =>
  z.object(Object.fromEntries(windows.map((w) => [w, ChangeSchema.nullable()])));

const CardItem = z
  .object({
    id: z.string().openapi({ example: 'base1-4' }),
    kind: z
      .enum(['card', 'sealed'])
      .openapi({ description: '`card` or `sealed` (a sealed product).', example: 'card' }),
    name: z.string().openapi({ example: 'Charizard' }),
    set_id: z.string().openapi({ example: 'base1' }),
    number: z.string().openapi({ example: '4' }),
    rarity: z.string().nullable().openapi({ example: 'Rare Holo' }),
    supertype: z.string().nullable().openapi({ example: 'Pokémon' }),
    types: z.array(z.string()).openapi({ example: ['Fire'] }),
    thumbnail: z.string().nullable().openapi({ example: 'https://images.pokemontcg.io/base1/4.png' }),
    printings: z.number().int().openapi({ description: 'Printings (finishes, products) of the card.', example: 2 }),
    headline: Headline.nullable(),
    price: z
      .number()
      .nullable()
      .openapi({ description: 'Latest market price of the headline printing, major units.', example: 389.99 }),
    currency: z.string().nullable().openapi({ example: 'USD' }),
    price_date: z.string().nullable().openapi({ description: 'Date of that price.', example: '2025-10-20' }),
    as_of: z.string().nullable().openapi({ description: "The market's latest date with data.", example: '2025-10-20' }),
    stale: z.boolean().nullable().openapi({ description: 'The price is more than 3 days behind its market.' }),
    change_1d: z.number().nullable().openapi({ example: -1.2501 }),
    change_7d: z.number().nullable().openapi({ example: 4.1 }),
    change_30d: z.number().nullable().openapi({ example: 12.5 }),
    changes: Changes(['1d', '7d', '30d']),
    spark: z
      .array(z.number().nullable())
      .nullable()
      .openapi({
        description:
          "The headline series' market prices (major units of `currency`) on the 30 days ending on `as_of`, oldest first; null on a day without a price (no print, or a flagged one); null when the card has no headline series. For a sparkline.",
        example: [380, 381.5, null, 384],
      }),
    score: z
      .number()
      .nullable()
      .openapi({ description: 'Signal score of the headline printing; null until signals exist.' }),
  })
  .openapi('CardListItem');

const CardList = z.object({ items: z.array(CardItem), next_cursor: z.string().nullable() }).openapi('CardList');

const Series = z
  .object({
    market: z.string().openapi({ example: 'tcgplayer' }),
    condition: z.string().openapi({ example: 'NM' }),
    currency: z.string().openapi({ example: 'USD' }),
    price: z.number().openapi({ example: 389.99 }),
    price_date: z.string().openapi({ example: '2025-10-20' }),
    as_of: z.string().openapi({ example: '2025-10-20' }),
    stale: z.boolean(),
    days_behind: z.number().int().openapi({ description: 'Days between price_date and as_of.', example: 0 }),
    headline: z.boolean().openapi({ description: "This series is the card's headline price." }),
    flagged_after: z
      .object({
        date: z.string().openapi({ example: '2025-10-21' }),
        price: z.number().openapi({ example: 9999.99 }),
        flag: z.enum(['placeholder_price', 'jump', 'return_outlier']),
      })
      .nullable()
      .openapi({
        description:
          'The series\' newest stored print when it is newer than `price_date`: it is flagged (`flag` says why), so `price`, the changes, movers, indexes and analytics use the last unflagged print instead (docs/METHODS.md, "Flagged prints"); null when the latest print is used.',
        example: null,
      }),
    changes: Changes(['1d', '7d', '30d', '90d']),
  })
  .openapi('PriceSeries');

const Printing = z
  .object({
    id: z.string().openapi({ example: 'base1-4-holofoil' }),
    finish: z.string().openapi({ example: 'holofoil' }),
    language: z.string().openapi({ example: 'en' }),
    tcgplayer_product_id: z.number().int().nullable().openapi({ example: 42382 }),
    tcgplayer_sub_type: z
      .string()
      .nullable()
      .openapi({ description: "TCGplayer's subTypeName, verbatim.", example: 'Holofoil' }),
    ...PrintingProductFields,
    cardmarket_product_id: z.number().int().nullable().openapi({ example: 273699 }),
    prices: z.array(Series),
  })
  .openapi('Printing');

const CardDetail = z
  .object({
    id: z.string().openapi({ example: 'base1-4' }),
    name: z.string().openapi({ example: 'Charizard' }),
    kind: z.string().openapi({ example: 'card' }),
    set: z.object({
      id: z.string(),
      name: z.string(),
      ...SetEraFields,
      printed_total: z.number().int().nullable(),
      release_date: z.string().nullable(),
    }),
    number: z.string(),
    rarity: z.string().nullable(),
    supertype: z.string().nullable(),
    subtypes: z.array(z.string()),
    types: z.array(z.string()),
    hp: z.string().nullable(),
    artist: z.string().nullable(),
    language: z.string(),
    images: z
      .record(z.string(), z.object({ small: z.string().optional(), large: z.string().optional() }))
      .openapi({ description: 'Image URLs per source.' }),
    thumbnail: z.string().nullable(),
    external_ids: z.object({ pokemontcg: z.string().nullable(), tcgdex: z.string().nullable() }),
    headline_printing_id: z.string().nullable(),
    score: z.number().nullable(),
    freshness: z
      .object({ as_of: z.string(), price_date: z.string(), days_behind: z.number().int(), stale: z.boolean() })
      .nullable()
      .openapi({ description: 'Of the headline series: its latest price date against its market’s latest date.' }),
    printings: z.array(Printing),
  })
  .openapi('CardDetail');

export const listCardsRoute = defineRoute(
  { access: 'public' },
  {
    method: 'get',
    path: '/v1/cards',
    tags: ['market'],
    summary: 'Search, filter and sort cards, each with its headline printing’s latest price and changes',
    description:
      'The headline printing is the card’s TCGplayer near-mint USD series when it has one, its own product (sold under its set’s ' +
      'TCGplayer group) before reprint products (World Championship Deck, Jumbo …), fresh before stale, standard finishes first ' +
      '(normal, holofoil, unlimited, reverse holofoil, 1st edition), the most observed, then the oldest printing (docs/METHODS.md, "Headline printing"). ' +
      'Cursor pagination: pass `next_cursor` back as `cursor` with the same filters and sort.',
    request: { query: CardsQuery },
    responses: {
      200: { description: 'A page of cards.', content: { 'application/json': { schema: CardList } } },
      304: notModifiedResponse,
    },
  },
);

export const getCardRoute = defineRoute(
  { access: 'public' },
  {
    method: 'get',
    path: '/v1/cards/{id}',
    tags: ['market'],
    summary: 'A card, its printings with external ids, and the latest price and changes of every series',
    request: { params: z.object({ id: z.string().min(1).max(100).openapi({ example: 'base1-4' }) }) },
    responses: {
      200: { description: 'The card.', content: { 'application/json': { schema: CardDetail } } },
      304: notModifiedResponse,
      404: problemResponse('No such card.'),
    },
  },
);

function seriesOf(r: CardDetailRow) {
  const cur = r.currency!;
  const last = Number(r.last_cents);
  return {
    market: r.market!,
    condition: r.condition!,
    currency: cur,
    price: toMajor(last, cur),
    price_date: r.last_date!,
    as_of: r.as_of!,
    stale: r.stale === 1,
    days_behind: daysBetween(r.last_date!, r.as_of!),
    headline: r.headline === 1,
    flagged_after:
      r.flagged_date && r.flagged_cents !== null && r.flagged_reason
        ? { date: String(r.flagged_date), price: toMajor(Number(r.flagged_cents), cur), flag: r.flagged_reason }
        : null,
    changes: Object.fromEntries(
      (['1d', '7d', '30d', '90d'] as const).map((w) => [
        w,
        change(r[`change_pct_${w}`], r[`from_date_${w}`], r[`from_cents_${w}`], r.last_date, last, cur),
      ]),
    ),
  };
}

function cardDetail(rows: CardDetailRow[]) {
  const c = rows[0]!;
  const printings = new Map<number, z.infer<typeof Printing>>();
  let headline: CardDetailRow | undefined;
  for (const r of rows) {
    if (r.printing_key === null) continue;
    const key = Number(r.printing_key);
    let p = printings.get(key);
    if (!p) {
      p = {
        id: r.printing_id!,
        finish: r.finish!,
        language: r.printing_language!,
        tcgplayer_product_id: r.tcgplayer_product_id,
        tcgplayer_sub_type: r.tcgplayer_sub_type,
        ...printingProduct({
          finish: r.finish!,
          tcgplayer_group_id: r.tcgplayer_group_id,
          product_line: r.product_line,
        }),
        cardmarket_product_id: r.cardmarket_product_id,
        prices: [],
      };
      printings.set(key, p);
    }
    if (r.market !== null) {
      p.prices.push(seriesOf(r));
      if (r.headline === 1) headline = r;
    }
  }
  let images: Record<string, { small?: string; large?: string }> = {};
  try {
    images = c.images ? (JSON.parse(c.images) as typeof images) : {};
  } catch {
    images = {};
  }
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    set: {
      id: c.set_id,
      name: c.set_name,
      era: c.set_era,
      series: c.set_era,
      printed_total: c.printed_total,
      release_date: c.release_date,
    },
    number: c.number,
    rarity: c.rarity,
    supertype: c.supertype,
    subtypes: jsonList(c.subtypes),
    types: jsonList(c.types),
    hp: c.hp,
    artist: c.artist,
    language: c.language,
    images,
    thumbnail: thumbnailOf(c.images),
    external_ids: { pokemontcg: c.pokemontcg_id, tcgdex: c.tcgdex_id },
    headline_printing_id: headline?.printing_id ?? null,
    score: c.score,
    freshness: headline
      ? {
          as_of: headline.as_of!,
          price_date: headline.last_date!,
          days_behind: daysBetween(headline.last_date!, headline.as_of!),
          stale: headline.stale === 1,
        }
      : null,
    printings: [...printings.values()],
  };
}

/** Cursor of a card list: the sort it belongs to, the last sort key and card id. */
function readCursor(cursor: string | undefined, sort: CardSort, order: Order) {
  const position = decodeCursor(cursor, ['s', 'k', 'id']);
  if (!position) return undefined;
  if (position.s !== `${sort}:${order}`)
    throw new ValidationFailed([
      { field: 'query.cursor', message: 'belongs to another sort; start again without a cursor' },
    ]);
  const key = TEXT_SORTS.has(sort) ? position.k : Number(position.k);
  if (typeof key === 'number' && !Number.isFinite(key))
    throw new ValidationFailed([{ field: 'query.cursor', message: 'is not a cursor this API issued' }]);
  return { key, id: position.id };
}

export function cardsRoutes(database: Database): OpenAPIHono<AppEnv> {
  const app = createRouter();
  const db = database.db;
  const version = () => readDataVersion(db);

  app.openapi(listCardsRoute, async (c) => {
    const q = c.req.valid('query');
    if (q.min_price !== undefined && q.max_price !== undefined && q.min_price > q.max_price) {
      throw new ValidationFailed([{ field: 'query.min_price', message: 'must not exceed max_price' }]);
    }
    const order: Order = q.order ?? (TEXT_SORTS.has(q.sort) ? 'asc' : 'desc');
    const after = readCursor(q.cursor, q.sort, order);
    return versionedRead<z.infer<typeof CardList>>(c, version, async () => {
      const rows = await listCards(
        db,
        {
          q: q.q,
          kind: q.kind,
          set: q.set,
          rarity: q.rarity,
          type: q.type,
          supertype: q.supertype,
          currency: q.currency,
          minCents: q.min_price === undefined ? undefined : toMinor(q.min_price, q.currency),
          maxCents: q.max_price === undefined ? undefined : toMinor(q.max_price, q.currency),
        },
        { sort: q.sort, order, limit: q.limit, after },
      );
      const items = rows.slice(0, q.limit);
      const last = items.at(-1);
      const next =
        rows.length > q.limit && last
          ? encodeCursor({ s: `${q.sort}:${order}`, k: String(last.sort_key), id: last.card_id })
          : null;
      // The items are stored serialised (card_summary.item): the page is assembled, not re-encoded.
      return {
        body: `{"items":[${items.map((r) => r.item ?? 'null').join(',')}],"next_cursor":${JSON.stringify(next)}}`,
        contentType: 'application/json',
      };
    });
  });

  app.openapi(getCardRoute, async (c) => {
    const { id } = c.req.valid('param');
    return versionedRead<z.infer<typeof CardDetail>>(c, version, async () => {
      const rows = await cardDetailRows(db, id);
      if (rows.length === 0) throw new NotFound('card', id);
      return jsonResponse(cardDetail(rows));
    });
  });
  return app;
}
