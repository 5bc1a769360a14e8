import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '../../platform/errors.ts';
import { detectDelimiter, escapeCell, parseCsvText, toCsvText, unescapeCell } from './csv-text.ts';

const limits = { maxBytes: 10_000, maxRows: 5 };

function refusal(run: () => unknown): { field: string; message: string }[] {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationFailed);
    return (err as ValidationFailed).extra.fields!;
  }
  throw new Error('expected a ValidationFailed');
}

describe('detectDelimiter', () => {
  it('takes the delimiter the header line uses most, outside quotes', () => {
    expect(detectDelimiter('"Quantity";"Name";"Set"\n1;Pikachu;Base')).toBe(';');
    expect(detectDelimiter('a\tb\tc\n1,2,3,4,5,6\n')).toBe('\t');
    expect(detectDelimiter('"a;b;c",d\n')).toBe(',');
    expect(detectDelimiter('a|b\n')).toBe('|');
    expect(detectDelimiter('\uFEFFname\n')).toBe(',');
  });
});

describe('parseCsvText', () => {
  it('reads a header and rows, with a BOM, quoted line breaks and empty lines, naming each row by its line', () => {
    const parsed = parseCsvText('\uFEFF Name ,Qty\r\n"Pika\nchu",1\r\n\r\nMew,2\r\n', limits, 'body.csv');
    expect(parsed).toEqual({
      delimiter: ',',
      headers: ['Name', 'Qty'],
      records: [
        { row: 1, line: 3, cells: ['Pika\nchu', '1'] },
        { row: 2, line: 5, cells: ['Mew', '2'] },
      ],
    });
  });

  it('uses a given delimiter instead of detecting one', () => {
    expect(parseCsvText('a;b\n1;2\n', limits, 'body.csv', ',').records[0]!.cells).toEqual(['1;2']);
    expect(parseCsvText('a;b\n1;2\n', limits, 'body.csv').records[0]!.cells).toEqual(['1', '2']);
  });

  it('refuses text over the byte limit, counted in UTF-8', () => {
    const text = `name\n${'é'.repeat(10)}\n`;
    expect(Buffer.byteLength(text)).toBe(26);
    expect(refusal(() => parseCsvText(text, { maxBytes: 25, maxRows: 5 }, 'body.csv'))).toEqual([
      { field: 'body.csv', message: 'is 26 bytes; at most 25 are accepted' },
    ]);
    expect(parseCsvText(text, { maxBytes: 26, maxRows: 5 }, 'body.csv').records).toHaveLength(1);
  });

  it('refuses more rows than the limit, and accepts exactly the limit', () => {
    const rows = (n: number) => `a\n${Array.from({ length: n }, (_, i) => String(i)).join('\n')}\n`;
    expect(parseCsvText(rows(5), limits, 'body.csv').records).toHaveLength(5);
    expect(refusal(() => parseCsvText(rows(6), limits, 'body.csv'))).toEqual([
      { field: 'body.csv', message: 'has more than 5 rows' },
    ]);
  });

  it('refuses an empty text, an unclosed quote and a row with the wrong number of fields, without echoing the input', () => {
    expect(refusal(() => parseCsvText('', limits, 'body.csv'))[0]!.message).toBe('has no header row');
    expect(refusal(() => parseCsvText(' , \n', limits, 'body.csv'))[0]!.message).toBe('has no header row');
    expect(refusal(() => parseCsvText('a,b\n"secret,2\n', limits, 'body.csv'))[0]!.message).toBe(
      'is not valid CSV: a quoted field is not closed (line 2)',
    );
    expect(refusal(() => parseCsvText('a,b\n1,2\n1,2,3\n', limits, 'body.csv'))[0]!.message).toBe(
      'is not valid CSV: a row has a different number of fields than the header (line 3)',
    );
    expect(refusal(() => parseCsvText('a,b\n"1"x,2\n', limits, 'body.csv'))[0]!.message).toBe(
      'is not valid CSV: a quoted field has text after its closing quote (line 2)',
    );
  });
});

describe('formula-safe cells', () => {
  it('puts an apostrophe before a cell a spreadsheet would run, and before one that starts with an apostrophe', () => {
    expect(['=1+1', '+1', '-2', '@SUM(A1)', '\tx', '\rx', "'quoted", 'Charizard', '4.50', ''].map(escapeCell)).toEqual([
      "'=1+1",
      "'+1",
      "'-2",
      "'@SUM(A1)",
      "'\tx",
      "'\rx",
      "''quoted",
      'Charizard',
      '4.50',
      '',
    ]);
  });

  it('unescapes every escaped cell back to what it was', () => {
    for (const value of ['=1+1', "'quoted", "''", 'plain', '-', ''])
      expect(unescapeCell(escapeCell(value))).toBe(value);
  });

  // Any text, and the prefixes that matter here: formula starts, quotes, line breaks, apostrophes.
  const cell = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc
      .tuple(fc.constantFrom('=', '+', '-', '@', '\t', '\r', "'", '"', '\n', ',', "''"), fc.string())
      .map(([a, b]) => a + b),
  );

  it('any table of text survives export and re-reading: no cell starts a formula, and unescaping restores it', () => {
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { maxLength: 5 }), (rows) => {
        const text = toCsvText(['a', 'b'], rows);
        const read = parseCsvText(text, { maxBytes: 1e6, maxRows: 10 }, 'f', ',').records.map((r) => r.cells);
        for (const cells of read) for (const cell of cells) expect(/^[=+\-@\t\r]/.test(cell)).toBe(false);
        expect(read.map((cells) => cells.map(unescapeCell))).toEqual(rows);
      }),
    );
  });

  it('writes RFC 4180 CSV with CRLF, quoting where needed, empty cells for null, every cell escaped', () => {
    const text = toCsvText(
      ['name', 'note', 'qty'],
      [
        ['=HYPERLINK("http://x")', 'a,b', 2],
        ['Mew', null, undefined],
      ],
    );
    expect(text).toBe('name,note,qty\r\n"\'=HYPERLINK(""http://x"")","a,b",2\r\nMew,,\r\n');
    expect(parse(text)).toEqual([
      ['name', 'note', 'qty'],
      ['\'=HYPERLINK("http://x")', 'a,b', '2'],
      ['Mew', '', ''],
    ]);
  });
});
