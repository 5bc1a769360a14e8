/**
 * Fingerprints of what the `read-models` step publishes, to show two derives (two code versions
 * on copies of one database) published the same bytes: every row of each read model in key order,
 * the dashboard snapshot's body (not its build time) and the printings' product lines, hashed with
 * SHA-256 per table (each row as the JSON array of its columns in column order).
 *
 * Usage: npx tsx bench/derive-compare.ts DATABASE_URL [DATABASE_URL]
 * With one URL it prints the fingerprints; with two it prints both and exits 1 when they differ,
 * naming the first differing row of each table that differs.
 */
import { createHash } from 'node:crypto';
import { openDatabase, type Database } from '../src/platform/db/database.ts';
import { rawRows } from '../src/platform/db/dialect.ts';

/** Each read model and the columns that order it (its key, then every other column for a total order). */
const TABLES: { name: string; select: string; order: string }[] = [
  { name: 'latest_prices', select: '*', order: 'printing_key, market, condition, currency' },
  { name: 'card_summary', select: '*', order: 'card_id' },
  { name: 'card_terms', select: '*', order: 'term, card_id' },
  { name: 'set_summary', select: '*', order: 'set_id' },
  { name: 'facet_counts', select: '*', order: 'facet, id' },
  { name: 'market_indexes', select: '*', order: 'id' },
  { name: 'index_values', select: '*', order: 'index_id, date' },
  { name: 'dashboard_snapshot', select: 'id, body', order: 'id' },
  { name: 'printings', select: 'key, product_line', order: 'key' },
];

interface Fingerprint {
  table: string;
  rows: number;
  sha256: string;
  lines: string[];
}

async function fingerprints(database: Database): Promise<Fingerprint[]> {
  const out: Fingerprint[] = [];
  for (const t of TABLES) {
    const rows = await rawRows(database, `select ${t.select} from ${t.name} order by ${t.order}`, []);
    const hash = createHash('sha256');
    const lines = rows.map((r) => JSON.stringify(r.map((v) => (v instanceof Date ? v.toISOString() : v))));
    for (const line of lines) hash.update(line).update('\n');
    out.push({ table: t.name, rows: rows.length, sha256: hash.digest('hex'), lines });
  }
  return out;
}

const urls = process.argv.slice(2);
if (urls.length < 1 || urls.length > 2) {
  console.error('usage: npx tsx bench/derive-compare.ts DATABASE_URL [DATABASE_URL]');
  process.exit(2);
}
const results: Fingerprint[][] = [];
for (const url of urls) {
  const database = openDatabase(url);
  try {
    results.push(await fingerprints(database));
  } finally {
    await database.close();
  }
}
let differ = false;
for (let i = 0; i < TABLES.length; i++) {
  const [a, b] = [results[0]![i]!, results[1]?.[i]];
  const same = b === undefined || (a.sha256 === b.sha256 && a.rows === b.rows);
  console.log(
    `${a.table.padEnd(20)} ${String(a.rows).padStart(8)} ${a.sha256.slice(0, 16)}` +
      (b ? ` ${String(b.rows).padStart(8)} ${b.sha256.slice(0, 16)} ${same ? 'same' : 'DIFFERENT'}` : ''),
  );
  if (b && !same) {
    differ = true;
    const at = a.lines.findIndex((line, k) => line !== b.lines[k]);
    const k = at < 0 ? a.lines.length : at;
    console.log(`  first difference at row ${k}:\n  < ${a.lines[k] ?? '(none)'}\n  > ${b.lines[k] ?? '(none)'}`);
  }
}
if (differ) process.exit(1);
