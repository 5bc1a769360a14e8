/**
 * CSV through the app on both dialects: a collection export in TCGplayer's app shape (matched,
 * ambiguous, unmatched and invalid rows), all-or-nothing and matched-only imports, dry runs and
 * Idempotency-Key; the own lots and sales files, exported and imported into another portfolio to
 * the same lots; formula-injection escaping; the settings that bound an import.
 */
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { dialects, label } from '#test/dialects.ts';
import { harnessDatabase, json, type Harness } from '#test/harness.ts';
import { seedCollectionCatalogue } from '#test/portfolio-csv-fixtures.ts';

interface Created {
  id: string;
  secret: string;
}
type Json = Record<string, any>;

const HEADER =
  '"Quantity","Name","Simple Name","Set","Card Number","Set Code","Printing","Condition","Language","Rarity","Product ID","SKU","Price","Date Added"';
/** A collection export as TCGplayer's app writes it (a BOM, every field quoted, CRLF). */
const COLLECTION = [
  HEADER,
  // 1. matched by product id
  '"1","Charizard","Charizard","Base Set","4/102","BS","Holofoil","Near Mint","English","Holo Rare","42382","2145711","350.00","3/1/2024"',
  // 2. no product id: matched by group name + number, the finish from "Printing"
  '"2","Pikachu","Pikachu","SV: Scarlet & Violet 151","025/165","MEW","Reverse Holofoil","Lightly Played","English","Common","","","1.25","3/2/2024"',
  // 3. no set or number: matched by name written without its diacritics
  '"1","Flabebe","Flabebe","","","","Normal","Near Mint","English","Common","","","0.10",""',
  // 4. ambiguous: three printings named "Charizard ex"
  '"1","Charizard ex","Charizard ex","","","","Holofoil","Near Mint","English","Double Rare","","","25.00","3/3/2024"',
  // 5. unmatched: a set the catalogue does not have
  '"1","Missingno","Missingno","Jungle","1/64","JU","Holofoil","Near Mint","English","Rare","","","9.99","3/3/2024"',
  // 6. invalid: quantity 0 and a decimal comma
  '"0","Blastoise","Blastoise","Base Set","2/102","BS","Holofoil","Near Mint","English","Holo Rare","42380","","4,99","3/4/2024"',
  // 7. invalid: a date after today
  '"1","Blastoise","Blastoise","Base Set","2/102","BS","Holofoil","Near Mint","English","Holo Rare","42380","","$120.00","12/31/2099"',
].join('\r\n');
const MAPPING = {
  quantity: 'Quantity',
  name: 'Name',
  set: 'Set',
  number: 'Card Number',
  finish: 'Printing',
  condition: 'Condition',
  price: 'Price',
  date: 'Date Added',
  tcgplayer_product_id: 'Product ID',
};
const collection = (extra: Json = {}) => ({
  csv: `\uFEFF${COLLECTION}\r\n`,
  mapping: MAPPING,
  currency: 'USD',
  date_format: 'MM/DD/YYYY',
  acquired_on: '2024-01-15',
  ...extra,
});

describe.each(dialects)('portfolio CSV on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const h = harnessDatabase(d);
    beforeAll(async () => {
      await seedCollectionCatalogue(h.runtime.database.db);
    });

    const create = async () => (await (await h.request('/v1/portfolios', json({}))).json()) as Created;
    const creds = (p: Created) => ({ 'X-Portfolio-Id': p.id, 'X-Portfolio-Secret': p.secret });
    const post = (p: Created, path: string, body: unknown, headers: Record<string, string> = {}) =>
      h.request(`/v1/portfolios/${p.id}${path}`, json(body, { ...creds(p), ...headers }));
    const get = (p: Created, path: string) => h.request(`/v1/portfolios/${p.id}${path}`, { headers: creds(p) });
    const lots = async (p: Created) => ((await (await get(p, '/lots?limit=100')).json()) as Json).items as Json[];

    it('documents the five operations in the OpenAPI document', async () => {
      const doc = (await (await h.request('/openapi.json')).json()) as Json;
      const base = '/v1/portfolios/{id}';
      expect(Object.keys(doc.paths[`${base}/lots/export`].get.responses[200].content)).toEqual(['text/csv']);
      expect(Object.keys(doc.paths[`${base}/sales/export`].get.responses[200].content)).toEqual(['text/csv']);
      for (const path of ['lots/import', 'sales/import', 'collection/import']) {
        const op = doc.paths[`${base}/${path}`].post;
        expect(op['x-required-role'], path).toBe('portfolio');
        expect(
          op.parameters.map((p: Json) => p.name),
          path,
        ).toContain('idempotency-key');
        expect(Object.keys(op.responses), path).toEqual(expect.arrayContaining(['200', '201', '404', '422']));
      }
      const body = doc.components.schemas.CollectionCsvImport;
      expect(body.required).toEqual(['csv', 'mapping', 'currency']);
      expect(Object.keys(body.properties.mapping.properties)).toEqual([
        'tcgplayer_product_id',
        'name',
        'set',
        'number',
        'finish',
        'condition',
        'quantity',
        'price',
        'date',
      ]);
    });

    describe('collection import', () => {
      let p: Created;
      beforeAll(async () => {
        p = await create();
      });

      it('refuses the whole file while any row is not matched and valid, with the per-row report', async () => {
        const res = await post(p, '/collection/import', collection());
        expect(res.status).toBe(422);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        const body = (await res.json()) as Json;
        expect(body).toMatchObject({
          code: 'import_rows_refused',
          detail: '4 of 7 rows are not importable; nothing was written (see report).',
          counts: { rows: 7, matched: 3, ambiguous: 1, unmatched: 1, invalid: 2 },
        });
        expect(body.report).toEqual([
          {
            row: 1,
            line: 2,
            status: 'matched',
            printing_id: 'base1-4.holofoil',
            matched_by: 'product_id',
            imported_as: null,
          },
          {
            row: 2,
            line: 3,
            status: 'matched',
            printing_id: 'sv3pt5-25.reverse-holofoil',
            matched_by: 'set_number',
            imported_as: null,
          },
          { row: 3, line: 4, status: 'matched', printing_id: 'sv3-87.normal', matched_by: 'name', imported_as: null },
          {
            row: 4,
            line: 5,
            status: 'ambiguous',
            printing_id: null,
            matched_by: 'name',
            candidates: [
              expect.objectContaining({
                printing_id: 'sv3-125.holofoil',
                name: 'Charizard ex',
                set_id: 'sv3',
                number: '125',
              }),
              expect.objectContaining({
                printing_id: 'sv3-223.holofoil',
                set_name: 'Obsidian Flames',
                finish: 'holofoil',
              }),
              expect.objectContaining({ printing_id: 'sv3pt5-6.holofoil', tcgplayer_product_id: 502551 }),
            ],
            candidates_total: 3,
            imported_as: null,
          },
          {
            row: 5,
            line: 6,
            status: 'unmatched',
            printing_id: null,
            reason: 'unknown_set',
            detail: 'no set "Jungle"; no card named "missingno"',
            imported_as: null,
          },
          {
            row: 6,
            line: 7,
            status: 'invalid',
            printing_id: 'base1-2.holofoil',
            errors: [
              { field: 'quantity', message: 'must be a whole number greater than 0' },
              { field: 'price', message: 'must be a non-negative decimal number such as 19.99' },
            ],
            imported_as: null,
          },
          {
            row: 7,
            line: 8,
            status: 'invalid',
            printing_id: 'base1-2.holofoil',
            errors: [{ field: 'date', message: 'must not be after today (2026-11-25)' }],
            imported_as: null,
          },
        ]);
        expect(await lots(p)).toEqual([]);
      });

      it('a dry run answers 200 with the report, what would be imported, and writes nothing', async () => {
        const res = await post(p, '/collection/import', collection({ matched_only: true, dry_run: true }));
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({ dry_run: true, imported: 3, skipped: 4 });
        const all = await post(p, '/collection/import', collection({ dry_run: true }));
        expect(all.status).toBe(200);
        expect(await all.json()).toMatchObject({
          dry_run: true,
          imported: 0,
          skipped: 7,
          counts: { rows: 7, matched: 3, ambiguous: 1, unmatched: 1, invalid: 2 },
        });
        expect(await lots(p)).toEqual([]);
      });

      it('with matched_only, imports the matched valid rows as lots in one go and says which were skipped', async () => {
        const key = { 'Idempotency-Key': 'collection-1' };
        const res = await post(p, '/collection/import', collection({ matched_only: true }), key);
        expect(res.status).toBe(201);
        const body = (await res.json()) as Json;
        expect(body).toMatchObject({ dry_run: false, imported: 3, skipped: 4, counts: { rows: 7, matched: 3 } });
        const imported = (body.report as Json[]).map((r) => [r.status, r.imported_as === null ? null : 'lot']);
        expect(imported).toEqual([
          ['matched', 'lot'],
          ['matched', 'lot'],
          ['matched', 'lot'],
          ['ambiguous', null],
          ['unmatched', null],
          ['invalid', null],
          ['invalid', null],
        ]);
        const held = await lots(p);
        expect(held.map((l) => l.id).sort()).toEqual(
          (body.report as Json[]).flatMap((r) => (r.imported_as ? [r.imported_as] : [])).sort(),
        );
        const byPrinting = Object.fromEntries(held.map((l) => [l.printing.id, l]));
        expect(byPrinting['base1-4.holofoil']).toMatchObject({
          quantity: 1,
          unit_cost: 350,
          fees: 0,
          currency: 'USD',
          acquired_on: '2024-03-01',
          condition: 'NM',
          origin: 'import',
        });
        expect(byPrinting['sv3pt5-25.reverse-holofoil']).toMatchObject({
          quantity: 2,
          unit_cost: 1.25,
          cost_basis: 2.5,
          acquired_on: '2024-03-02',
          condition: 'LP',
        });
        // No date in the row: the body's acquired_on.
        expect(byPrinting['sv3-87.normal']).toMatchObject({ unit_cost: 0.1, acquired_on: '2024-01-15' });

        // A retry with the same key replays the answer instead of importing twice.
        const again = await post(p, '/collection/import', collection({ matched_only: true }), key);
        expect(again.status).toBe(201);
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        expect(await again.json()).toEqual(body);
        expect(await lots(p)).toHaveLength(3);
      });

      it('names every mapping problem: a header the file lacks, a missing price column, an unknown field', async () => {
        const res = await post(p, '/collection/import', collection({ mapping: { name: 'Card Name', colour: 'x' } }));
        expect(res.status).toBe(422);
        expect(((await res.json()) as Json).errors.map((e: Json) => e.field)).toEqual(['body.mapping']);
        const missing = await post(p, '/collection/import', collection({ mapping: { name: 'Card Name', set: 'set' } }));
        expect(missing.status).toBe(422);
        expect(((await missing.json()) as Json).errors).toEqual([
          { field: 'body.mapping.price', message: 'is required: the column of the unit cost each lot records' },
          {
            field: 'body.mapping.name',
            message: expect.stringMatching(/^names no column of the CSV \(its columns are "Quantity", /),
          },
        ]);
      });

      it('refuses a default acquisition date after today', async () => {
        const res = await post(p, '/collection/import', collection({ acquired_on: '2026-11-26' }));
        expect(res.status).toBe(422);
        expect(((await res.json()) as Json).errors).toEqual([
          { field: 'body.acquired_on', message: 'must not be after today (2026-11-25)' },
        ]);
      });

      it('refuses malformed CSV with 422 on body.csv, never a 500', async () => {
        const res = await post(p, '/collection/import', collection({ csv: `${HEADER}\n"1","unclosed` }));
        expect(res.status).toBe(422);
        expect(((await res.json()) as Json).errors).toEqual([
          { field: 'body.csv', message: 'is not valid CSV: a quoted field is not closed (line 2)' },
        ]);
      });
    });

    describe('own lots and sales files', () => {
      let p: Created;
      let q: Created;
      beforeAll(async () => {
        p = await create();
        q = await create();
        const lot = (body: Json) => post(p, '/lots', { currency: 'USD', acquired_on: '2026-10-01', ...body });
        expect(
          (
            await lot({
              printing_id: 'base1-4.holofoil',
              quantity: 2,
              unit_cost: '350.10',
              fees: '4.05',
              condition: 'LP',
              note: '=HYPERLINK("http://evil.example","click")',
            })
          ).status,
        ).toBe(201);
        expect(
          (
            await lot({
              printing_id: 'sv3pt5-25.normal',
              quantity: 10,
              unit_cost: '0.05',
              currency: 'EUR',
              acquired_on: '2026-09-30',
              grade: { company: 'PSA', grade: '10' },
            })
          ).status,
        ).toBe(201);
        expect(
          (
            await lot({
              item_name: 'Base Set booster box, "sealed"',
              quantity: 1,
              unit_cost: 9000,
              manual_value: { unit_value: '12500.00', as_of: '2026-11-20' },
              note: "'quoted note",
            })
          ).status,
        ).toBe(201);
        expect(
          (
            await post(p, '/sales', {
              printing_id: 'base1-4.holofoil',
              condition: 'LP',
              quantity: 1,
              proceeds: '420.00',
              fees: '12.60',
              currency: 'USD',
              sold_on: '2026-11-10',
              note: '-discount',
            })
          ).status,
        ).toBe(201);
      });

      it('exports the lots as a CSV attachment in the documented columns, formula cells escaped', async () => {
        const res = await get(p, '/lots/export');
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
        expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${p.id}-lots.csv"`);
        expect(res.headers.get('cache-control')).toBe('no-store');
        const text = await res.text();
        const [header, ...rows] = parse(text) as string[][];
        expect(header).toEqual([
          'lot_id',
          'printing_id',
          'card_name',
          'set_id',
          'number',
          'finish',
          'item_name',
          'quantity',
          'unit_cost',
          'fees',
          'currency',
          'acquired_on',
          'condition',
          'grade_company',
          'grade',
          'manual_value',
          'manual_value_on',
          'note',
          'origin',
          'created_at',
        ]);
        const cells = rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]])));
        expect(cells.map((c) => [c.printing_id, c.acquired_on, c.unit_cost, c.fees, c.currency])).toEqual([
          ['sv3pt5-25.normal', '2026-09-30', '0.05', '0.00', 'EUR'],
          ['base1-4.holofoil', '2026-10-01', '350.10', '4.05', 'USD'],
          ['', '2026-10-01', '9000.00', '0.00', 'USD'],
        ]);
        expect(cells[0]).toMatchObject({
          card_name: 'Pikachu',
          set_id: 'sv3pt5',
          number: '025',
          grade_company: 'PSA',
          grade: '10',
        });
        expect(cells[1]!.note).toBe('\'=HYPERLINK("http://evil.example","click")');
        expect(cells[2]).toMatchObject({
          item_name: 'Base Set booster box, "sealed"',
          manual_value: '12500.00',
          manual_value_on: '2026-11-20',
          note: "''quoted note",
        });
        expect(text).toContain('\r\n');
      });

      it('imports its own export into another portfolio as the same lots, then the sales', async () => {
        const exported = await (await get(p, '/lots/export')).text();
        const res = await post(q, '/lots/import', { csv: exported }, { 'Idempotency-Key': 'lots-1' });
        expect(res.status).toBe(201);
        expect(await res.json()).toMatchObject({ imported: 3, skipped: 0, counts: { rows: 3, matched: 3 } });
        const strip = ({ id: _id, created_at: _c, updated_at: _u, origin: _o, ...rest }: Json) => rest;
        const order = (list: Json[]) =>
          list.map(strip).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
        expect(order(await lots(q))).toEqual(order(await lots(p)));
        expect((await lots(q)).every((l) => l.origin === 'import')).toBe(true);
        const again = await (await get(q, '/lots/export')).text();
        const body = (text: string) => (parse(text) as string[][]).map((r) => [...r.slice(1, 18)]);
        expect(body(again)).toEqual(body(exported));

        const sales = await (await get(p, '/sales/export')).text();
        expect(sales.split('\r\n')[0]).toBe(
          'sale_id,printing_id,card_name,set_id,number,finish,lot_id,quantity,proceeds,fees,currency,sold_on,condition,grade_company,grade,note,origin,created_at',
        );
        expect(sales).toContain(",'-discount,");
        const imported = await post(q, '/sales/import', { csv: sales });
        expect(imported.status).toBe(201);
        const sold = ((await (await get(q, '/sales')).json()) as Json).items as Json[];
        expect(sold).toEqual([
          expect.objectContaining({
            quantity: 1,
            proceeds: 420,
            fees: 12.6,
            condition: 'LP',
            note: '-discount',
            origin: 'import',
          }),
        ]);
      });

      it('refuses a sales file that sells more than is held, writing none of it', async () => {
        const csv =
          'printing_id,quantity,proceeds,currency,sold_on,condition\r\n' +
          'sv3pt5-25.normal,1,1.00,EUR,2026-11-01,NM\r\n' +
          'base1-4.holofoil,5,100.00,USD,2026-11-11,LP\r\n';
        const res = await post(q, '/sales/import', { csv });
        expect(res.status).toBe(409);
        expect(((await res.json()) as Json).code).toBe('insufficient_holding');
        expect(((await (await get(q, '/sales')).json()) as Json).items).toHaveLength(1);
      });

      it('reports unknown printings and bad cells per row, and refuses unknown columns', async () => {
        const csv =
          'printing_id,item_name,quantity,unit_cost,currency,acquired_on\r\n' +
          'base1-4.holofoil,,1,1.00,USD,2026-11-01\r\n' +
          'base1-999.holofoil,,1,1.00,USD,2026-11-01\r\n' +
          ',,0,1.999,USD,2026-13-01\r\n';
        const res = await post(q, '/lots/import', { csv });
        expect(res.status).toBe(422);
        const body = (await res.json()) as Json;
        expect(body.report.map((r: Json) => [r.status, r.reason ?? r.errors?.map((e: Json) => e.field)])).toEqual([
          ['matched', undefined],
          ['unmatched', 'not_found'],
          ['invalid', ['printing_id', 'quantity', 'unit_cost', 'acquired_on']],
        ]);
        const unknown = await post(q, '/lots/import', { csv: 'printing_id,qty,unit_cost,currency,acquired_on\r\n' });
        expect(unknown.status).toBe(422);
        expect(((await unknown.json()) as Json).errors).toEqual([
          { field: 'body.csv', message: expect.stringMatching(/^has unknown columns "qty"; the columns are lot_id, /) },
          { field: 'body.csv', message: 'lacks the columns quantity' },
        ]);
      });

      it('sells an item outside the catalogue by its lot, which must be one of this portfolio', async () => {
        const box = (list: Json[]) => list.find((l) => l.printing === null)!.id as string;
        const csv = (lotId: string) =>
          `lot_id,quantity,proceeds,currency,sold_on\r\n${lotId},1,9500.00,USD,2026-11-21\r\n`;
        const foreign = await post(q, '/sales/import', { csv: csv(box(await lots(p))) });
        expect(foreign.status).toBe(422);
        expect(((await foreign.json()) as Json).report[0]).toMatchObject({
          status: 'invalid',
          errors: [{ field: 'lot_id', message: 'is not a lot of an item outside the catalogue in this portfolio' }],
        });
        const own = await post(q, '/sales/import', { csv: csv(box(await lots(q))), dry_run: true });
        expect(own.status).toBe(200);
        expect(await own.json()).toMatchObject({ dry_run: true, imported: 1, counts: { matched: 1 } });
      });

      it("never shows or changes another portfolio's lots", async () => {
        const res = await h.request(`/v1/portfolios/${p.id}/lots/export`, { headers: creds(q) });
        expect(res.status).toBe(404);
        const write = await h.request(`/v1/portfolios/${p.id}/lots/import`, json({ csv: 'a\r\n' }, creds(q)));
        expect(write.status).toBe(404);
      });
    });
  });
});

describe.each(dialects)('portfolio CSV limits on $name', (d) => {
  describe.skipIf(d.skip !== null)(label(d), () => {
    const h: Harness = harnessDatabase(d, { CSV_IMPORT_MAX_ROWS: '2', CSV_IMPORT_MAX_BYTES: '2048' });

    it('refuses more rows or bytes than the settings allow', async () => {
      const p = (await (await h.request('/v1/portfolios', json({}))).json()) as Created;
      const headers = { 'X-Portfolio-Id': p.id, 'X-Portfolio-Secret': p.secret };
      const rows = (n: number) =>
        `printing_id,quantity,unit_cost,currency,acquired_on\r\n${'x,1,1,USD,2026-01-01\r\n'.repeat(n)}`;
      const send = (csv: string) =>
        h.request(`/v1/portfolios/${p.id}/lots/import`, json({ csv, dry_run: true }, headers));
      expect((await send(rows(2))).status).toBe(200);
      const tooMany = await send(rows(3));
      expect(tooMany.status).toBe(422);
      expect(((await tooMany.json()) as Json).errors).toEqual([{ field: 'body.csv', message: 'has more than 2 rows' }]);
      const tooLarge = await send(`${rows(1)}${' '.repeat(2048)}`);
      expect(((await tooLarge.json()) as Json).errors[0].message).toMatch(/^is \d+ bytes; at most 2048 are accepted$/);
    });
  });
});
