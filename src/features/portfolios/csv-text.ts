/**
 * CSV text in and out of portfolios: parsing an uploaded file (RFC 4180, UTF-8 with or without a
 * byte-order mark, delimiter given or detected from the header line, bounded in bytes and rows)
 * and writing an export that spreadsheets cannot run as formulas.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { ValidationFailed } from '../../platform/errors.ts';

export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

export interface CsvLimits {
  /** Largest CSV text accepted, in UTF-8 bytes. */
  maxBytes: number;
  /** Most data rows accepted (the header row not counted). */
  maxRows: number;
}

export interface CsvRecord {
  /** 1 = the first data row. */
  row: number;
  /** The line of the file the row ends on (the header is line 1). */
  line: number;
  cells: string[];
}

export interface ParsedCsv {
  delimiter: Delimiter;
  /** The header row, each name trimmed. */
  headers: string[];
  records: CsvRecord[];
}

/**
 * The delimiter the header line uses: the one of `, ; TAB |` that occurs most often outside quotes
 * (ties in that order). A header line without any is read as one comma-separated column.
 *
 * @example
 * detectDelimiter('"Quantity";"Name";"Set"\n1;Pikachu;Base'); // ';'
 */
export function detectDelimiter(text: string): Delimiter {
  const counts = new Map<Delimiter, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of text.replace(/^\uFEFF/, '')) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch as Delimiter)) counts.set(ch as Delimiter, counts.get(ch as Delimiter)! + 1);
  }
  let best: Delimiter = ',';
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

/**
 * Parses CSV text: a header row, then data rows of as many fields (empty lines skipped). Problems
 * are 422s on `field` (the body member the text came in): too large, too many rows, no header,
 * malformed quoting or a row with the wrong number of fields (named by its line).
 *
 * @example
 * parseCsvText('a,b\n1,2\n', { maxBytes: 1000, maxRows: 10 }, 'body.csv').records; // [{ row: 1, line: 2, cells: ['1', '2'] }]
 */
export function parseCsvText(
  text: string,
  limits: CsvLimits,
  field: string,
  delimiter: Delimiter | 'auto' = 'auto',
): ParsedCsv {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) {
    throw new ValidationFailed([{ field, message: `is ${bytes} bytes; at most ${limits.maxBytes} are accepted` }]);
  }
  const chosen = delimiter === 'auto' ? detectDelimiter(text) : delimiter;
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parse(text, {
      bom: true,
      delimiter: chosen,
      skip_empty_lines: true,
      info: true,
      // The header and one row past the limit are enough to know it is exceeded.
      to: limits.maxRows + 2,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    throw new ValidationFailed([{ field, message: `is not valid CSV: ${csvErrorMessage(err)}` }]);
  }
  const [header, ...rows] = parsed;
  if (!header || header.record.every((h) => h.trim() === '')) {
    throw new ValidationFailed([{ field, message: 'has no header row' }]);
  }
  if (rows.length > limits.maxRows) {
    throw new ValidationFailed([{ field, message: `has more than ${limits.maxRows} rows` }]);
  }
  return {
    delimiter: chosen,
    headers: header.record.map((h) => h.trim()),
    records: rows.map((r, i) => ({ row: i + 1, line: r.info.lines, cells: r.record })),
  };
}

/** csv-parse's message without the input echoed back (it can quote a whole line). */
function csvErrorMessage(err: unknown): string {
  const e = err as { code?: string; lines?: number; message?: string };
  const where = e.lines === undefined ? '' : ` (line ${e.lines})`;
  switch (e.code) {
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
    case 'CSV_RECORD_INCONSISTENT_COLUMNS':
      return `a row has a different number of fields than the header${where}`;
    case 'CSV_QUOTE_NOT_CLOSED':
      return `a quoted field is not closed${where}`;
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return `a quoted field has text after its closing quote${where}`;
    default:
      return `${e.code ?? 'parse error'}${where}`;
  }
}

/** Characters a spreadsheet reads as the start of a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text cell made safe for spreadsheets: one that starts with `= + - @`, a tab or a carriage
 * return, or with an apostrophe, gets an apostrophe in front (so `=HYPERLINK(…)` is shown as text,
 * and `unescapeCell` restores every cell exactly).
 *
 * @example
 * escapeCell('=1+1'); // "'=1+1"
 * escapeCell('Charizard'); // 'Charizard'
 */
export function escapeCell(value: string): string {
  return FORMULA_START.test(value) || value.startsWith("'") ? `'${value}` : value;
}

/**
 * The text an exported cell stood for: one leading apostrophe removed (see `escapeCell`).
 *
 * @example
 * unescapeCell("'=1+1"); // '=1+1'
 */
export function unescapeCell(value: string): string {
  return value.startsWith("'") ? value.slice(1) : value;
}

/**
 * RFC 4180 CSV (CRLF line ends, a header row, fields with commas, quotes or line breaks quoted),
 * every cell passed through `escapeCell`; null and undefined are empty cells.
 *
 * @example
 * toCsvText(['a', 'b'], [['=1', null]]); // "a,b\r\n'=1,\r\n"
 */
export function toCsvText(columns: readonly string[], rows: (string | number | null | undefined)[][]): string {
  const cells = rows.map((r) => r.map((v) => (v === null || v === undefined ? '' : escapeCell(String(v)))));
  return stringify(cells, { header: true, columns: [...columns], record_delimiter: 'windows' });
}
