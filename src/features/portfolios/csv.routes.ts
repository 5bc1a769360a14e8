/**
 * `/v1/portfolios/{id}/lots/export`, `…/sales/export`, `…/lots/import`, `…/sales/import` and
 * `…/collection/import`: the portfolio's lots and sales as CSV, and imports (docs/PORTFOLIO-CSV.md).
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context, TypedResponse } from 'hono';
import type { AppEnv } from '../../platform/http/context.ts';
import { DateParam } from '../../platform/http/dates.ts';
import { problem } from '../../platform/http/problem.ts';
import { createRouter, defineRoute, problemResponse, ProblemSchema } from '../../platform/http/route.ts';
import { DATE_FORMATS } from './collection-fields.ts';
import { COLLECTION_FIELDS } from './collection-import.ts';
import { DELIMITERS } from './csv-text.ts';
import type { ImportOutcome, PortfolioCsvService } from './csv.service.ts';
import { LOT_COLUMNS, SALE_COLUMNS } from './ledger-csv.ts';
import { CurrencySchema } from './money.ts';
import { ownPortfolio, PortfolioId } from './own-portfolio.ts';

const NO_STORE = { 'Cache-Control': 'no-store' };
const params = z.object({ id: PortfolioId });
const notFound = problemResponse('No such portfolio for these credentials (portfolio_not_found).');

const csvText = z.string().openapi({
  description:
    'The CSV text: UTF-8 (a byte-order mark is ignored), a header row, RFC 4180 quoting. At most `CSV_IMPORT_MAX_BYTES` bytes and `CSV_IMPORT_MAX_ROWS` rows.',
  example: 'printing_id,quantity,unit_cost,currency,acquired_on\r\nbase1-4.holofoil,1,350.00,USD,2026-11-02\r\n',
});
const common = {
  csv: csvText,
  delimiter: z
    .enum(['auto', ...DELIMITERS])
    .optional()
    .openapi({ description: 'Field delimiter; `auto` (default) takes the one the header line uses most.' }),
  dry_run: z.boolean().optional().openapi({ description: 'Check and report only; nothing is written.' }),
};

const LedgerImportBody = z.object(common).strict().openapi('LedgerCsvImport');

const CollectionImportBody = z
  .object({
    ...common,
    mapping: z
      .object(
        Object.fromEntries(COLLECTION_FIELDS.map((f) => [f, z.string().min(1).max(200).optional()])) as Record<
          (typeof COLLECTION_FIELDS)[number],
          z.ZodOptional<z.ZodString>
        >,
      )
      .strict()
      .openapi({
        description:
          'Which CSV column (header name) holds each field. `price` (the unit cost each lot records, in `currency`) is required; the printing is found by `tcgplayer_product_id`, else `set` + `number` (+ `finish`), else `name`.',
        example: {
          quantity: 'Quantity',
          name: 'Name',
          set: 'Set',
          number: 'Card Number',
          finish: 'Printing',
          condition: 'Condition',
          price: 'Price',
          tcgplayer_product_id: 'Product ID',
        },
      }),
    currency: CurrencySchema.openapi({ description: 'Currency of the price column.' }),
    date_format: z.enum(DATE_FORMATS).optional().openapi({
      description: 'How the date column writes dates (default `YYYY-MM-DD`); a time after the date is ignored.',
    }),
    acquired_on: DateParam.optional().openapi({
      description: 'Acquisition date of rows without one (default: today).',
    }),
    matched_only: z.boolean().optional().openapi({
      description:
        'Import the matched valid rows and skip the others (the report says which), instead of refusing the file.',
    }),
  })
  .strict()
  .openapi('CollectionCsvImport');

const FieldProblemSchema = z.object({ field: z.string(), message: z.string() });
const ReportRowSchema = z
  .object({
    row: z.number().int().openapi({ description: '1 = the first data row.' }),
    line: z.number().int().openapi({ description: 'The line of the file the row ends on (the header is line 1).' }),
    status: z.enum(['matched', 'ambiguous', 'unmatched', 'invalid']),
    printing_id: z.string().nullable().openapi({ example: 'base1-4.holofoil' }),
    matched_by: z.enum(['product_id', 'set_number', 'name']).optional(),
    candidates: z
      .array(
        z.object({
          printing_id: z.string(),
          card_id: z.string(),
          name: z.string(),
          set_id: z.string(),
          set_name: z.string(),
          number: z.string(),
          finish: z.string(),
          tcgplayer_product_id: z.number().int().nullable(),
        }),
      )
      .optional()
      .openapi({ description: 'Ambiguous rows: the printings it may be (at most 10; `candidates_total` counts all).' }),
    candidates_total: z.number().int().optional(),
    reason: z
      .enum(['no_identifying_fields', 'unknown_set', 'finish_not_found', 'not_found'])
      .optional()
      .openapi({ description: 'Unmatched rows: why.' }),
    detail: z.string().optional(),
    errors: z.array(FieldProblemSchema).optional().openapi({ description: 'Invalid rows: each offending cell.' }),
    imported_as: z
      .string()
      .nullable()
      .openapi({ description: 'The lot or sale the row became; null when not written.' }),
  })
  .openapi('CsvImportRow');
const CountsSchema = z.object({
  rows: z.number().int(),
  matched: z.number().int(),
  ambiguous: z.number().int(),
  unmatched: z.number().int(),
  invalid: z.number().int(),
});
const ImportResultSchema = z
  .object({
    dry_run: z.boolean(),
    imported: z.number().int().openapi({ description: 'Rows written (in a dry run: that would be written).' }),
    skipped: z.number().int(),
    counts: CountsSchema,
    report: z.array(ReportRowSchema),
  })
  .openapi('CsvImportResult');
const ImportRefusedSchema = ProblemSchema.extend({ counts: CountsSchema, report: z.array(ReportRowSchema) }).openapi(
  'CsvImportRefused',
);

const importResponses = (what: string) => ({
  200: {
    description: 'A dry run, or an import that wrote nothing (`matched_only` with no matched row): the report.',
    content: { 'application/json': { schema: ImportResultSchema } },
  },
  201: {
    description: `${what} written in one transaction; the report.`,
    content: { 'application/json': { schema: ImportResultSchema } },
  },
  404: notFound,
  422: {
    description:
      'The body is invalid (`validation_failed`, with `errors`), or rows are not importable (`import_rows_refused`, with `counts` and the per-row `report`): nothing was written.',
    content: { 'application/problem+json': { schema: ImportRefusedSchema } },
  },
});

const exportRoute = (kind: 'lots' | 'sales', columns: readonly string[]) =>
  defineRoute(
    { access: 'portfolio' },
    {
      method: 'get',
      path: `/v1/portfolios/{id}/${kind}/export`,
      tags: ['portfolios'],
      summary: `The ${kind} as CSV`,
      description:
        `Every ${kind === 'lots' ? 'lot, oldest acquisition' : 'sale, oldest'} first, as RFC 4180 CSV (CRLF, a header row). Columns: ${columns.join(', ')}. ` +
        "Amounts in major units with the currency's minor digits. A text cell starting with = + - @, a tab, a carriage return or an apostrophe " +
        'gets an apostrophe in front, so spreadsheets show it as text (an import removes it again).',
      request: { params },
      responses: {
        200: {
          description: `A CSV attachment named \`{portfolio id}-${kind}.csv\`.`,
          content: { 'text/csv': { schema: z.string() } },
        },
        404: notFound,
      },
    },
  );

export const exportLotsRoute = exportRoute('lots', LOT_COLUMNS);
export const exportSalesRoute = exportRoute('sales', SALE_COLUMNS);

const ledgerImportRoute = (kind: 'lots' | 'sales', columns: readonly string[]) =>
  defineRoute(
    { access: 'portfolio', idempotent: true },
    {
      method: 'post',
      path: `/v1/portfolios/{id}/${kind}/import`,
      tags: ['portfolios'],
      summary: `Import ${kind} from a CSV in the export's columns`,
      description:
        `The columns of \`GET …/${kind}/export\` (${columns.join(', ')}); the export-only ones (ids, card name, set, number, finish, origin, created_at) are ignored, any other is refused. ` +
        'Every row is checked first; all are written in one transaction, or none (422 with the per-row report).' +
        (kind === 'sales' ? ' A sale of more than is held is refused whole (409 insufficient_holding).' : ''),
      request: { params, body: { required: true, content: { 'application/json': { schema: LedgerImportBody } } } },
      responses: {
        ...importResponses(kind === 'lots' ? 'Lots' : 'Sales'),
        ...(kind === 'sales'
          ? { 409: problemResponse('A sale would dispose of more than was held on its date (insufficient_holding).') }
          : {}),
      },
    },
  );

export const importLotsRoute = ledgerImportRoute('lots', LOT_COLUMNS);
export const importSalesRoute = ledgerImportRoute('sales', SALE_COLUMNS);

export const importCollectionRoute = defineRoute(
  { access: 'portfolio', idempotent: true },
  {
    method: 'post',
    path: '/v1/portfolios/{id}/collection/import',
    tags: ['portfolios'],
    summary: 'Import a collection export (any CSV) as lots, matched to printings',
    description:
      'Each row is matched to a printing — by TCGplayer product id, else set + number (+ finish), else name — and read (quantity, condition, price, date). ' +
      'The report says per row `matched`, `ambiguous` (with candidates), `unmatched` (with a reason) or `invalid` (with its cells). ' +
      'Every row must be matched and valid, else nothing is written (422), unless `matched_only` is true: then the matched valid rows are written and the others skipped. Each written row is a lot of origin `import`.',
    request: { params, body: { required: true, content: { 'application/json': { schema: CollectionImportBody } } } },
    responses: importResponses('Lots'),
  },
);

/** The import's answer; typed as its 200 so one handler can also return the 201 and the 422 problem. */
function answer(
  c: Context<AppEnv>,
  outcome: ImportOutcome,
): Response & TypedResponse<z.infer<typeof ImportResultSchema>, 200, 'json'> {
  const { refused, ...body } = outcome;
  if (refused) {
    const bad = outcome.counts.rows - outcome.counts.matched;
    return problem(c, {
      status: 422,
      code: 'import_rows_refused',
      detail: `${bad} of ${outcome.counts.rows} rows are not importable; nothing was written (see report).`,
      extensions: { counts: outcome.counts, report: outcome.report },
    }) as Response & TypedResponse<z.infer<typeof ImportResultSchema>, 200, 'json'>;
  }
  return c.json(body, (outcome.dry_run || outcome.imported === 0 ? 200 : 201) as 200, NO_STORE);
}

/** A file name from a portfolio id, keeping only characters that need no quoting in a header. */
const attachment = (id: string, kind: string) => ({
  'Content-Type': 'text/csv; charset=utf-8',
  'Content-Disposition': `attachment; filename="${id.replace(/[^A-Za-z0-9_-]/g, '_')}-${kind}.csv"`,
  ...NO_STORE,
});

export function csvRoutes(csv: PortfolioCsvService): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(exportLotsRoute, async (c) => {
    const { id } = c.req.valid('param');
    ownPortfolio(c, id);
    return c.body(await csv.exportLots(id), 200, attachment(id, 'lots'));
  });
  app.openapi(exportSalesRoute, async (c) => {
    const { id } = c.req.valid('param');
    ownPortfolio(c, id);
    return c.body(await csv.exportSales(id), 200, attachment(id, 'sales'));
  });
  app.openapi(importLotsRoute, async (c) => {
    const { id } = c.req.valid('param');
    ownPortfolio(c, id);
    return answer(c, await csv.importLedger('lots', id, c.req.valid('json')));
  });
  app.openapi(importSalesRoute, async (c) => {
    const { id } = c.req.valid('param');
    ownPortfolio(c, id);
    return answer(c, await csv.importLedger('sales', id, c.req.valid('json')));
  });
  app.openapi(importCollectionRoute, async (c) => {
    const { id } = c.req.valid('param');
    ownPortfolio(c, id);
    return answer(c, await csv.importCollection(id, c.req.valid('json')));
  });
  return app;
}
