/** Prints the README's configuration table from the schema in src/config.ts. Usage: npx tsx scripts/config-table.ts */
import { configSchema, settingDocs, type Config } from '../src/config.ts';

export function configTable(): string {
  const defaults = configSchema.safeParse({});
  const values: Partial<Config> = defaults.success ? defaults.data : {};
  const rows = (Object.keys(settingDocs) as (keyof Config)[]).map((key) => {
    const v = values[key];
    const shown = v === undefined ? '—' : Array.isArray(v) ? (v.length ? v.join(',') : '(empty)') : String(v);
    return `| \`${key}\` | \`${shown}\` | ${settingDocs[key]} |`;
  });
  return ['| setting | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(configTable());
