/**
 * The registry is complete and alive: every problem code the source answers with (a literal at a
 * throw or `problem()` site) is registered with the status given there, and every registered code
 * is answered somewhere. The types already refuse an unregistered code; this catches a site the
 * types cannot see (a cast, a code built from a string).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { errorCodes, isErrorCode, type ErrorCode } from './error-codes.ts';

const SRC = fileURLToPath(new URL('..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

interface Site {
  file: string;
  code: string;
  status: number;
}

const CODE = "'([a-z][a-z0-9_]*)'";
/** Where a code is written next to the status it is answered with. */
const PATTERNS: { re: RegExp; site(m: RegExpMatchArray): { code: string; status: number } }[] = [
  // new AppError(409, 'code', …) and a subclass's super(503, 'code', …)
  {
    re: new RegExp(`(?:new AppError|super)\\(\\s*(\\d{3}),\\s*${CODE}`, 'g'),
    site: (m) => ({ status: +m[1]!, code: m[2]! }),
  },
  { re: new RegExp(`new Conflict\\(\\s*${CODE}`, 'g'), site: (m) => ({ status: 409, code: m[1]! }) },
  { re: new RegExp(`new NotFound\\(\\s*${CODE}`, 'g'), site: (m) => ({ status: 404, code: `${m[1]!}_not_found` }) },
  { re: new RegExp(`new Unauthorized\\([^;]*?,\\s*${CODE}\\)`, 'g'), site: (m) => ({ status: 401, code: m[1]! }) },
  // problem(c, { status: 404, code: 'code', … }) and { status: 414, code: 'code', … } answers
  { re: new RegExp(`status:\\s*(\\d{3}),\\s*code:\\s*${CODE}`, 'g'), site: (m) => ({ status: +m[1]!, code: m[2]! }) },
  // app.ts's table of Hono's HTTPException statuses: 415: { code: 'code', … }
  { re: new RegExp(`(\\d{3}):\\s*\\{\\s*code:\\s*${CODE}`, 'g'), site: (m) => ({ status: +m[1]!, code: m[2]! }) },
];

const files = sources(SRC).filter((f) => !f.endsWith('error-codes.ts'));
const texts = new Map(files.map((f) => [relative(SRC, f), readFileSync(f, 'utf8')]));
const sites: Site[] = [...texts].flatMap(([file, text]) =>
  PATTERNS.flatMap((p) => [...text.matchAll(p.re)].map((m) => ({ file, ...p.site(m) }))),
);

describe('the error registry', () => {
  it('finds the throw and problem sites it checks', () => {
    // A guard on the patterns: were they to stop matching, the next test would pass vacuously.
    expect(sites.length).toBeGreaterThan(80);
  });

  it('registers every code the source answers with, at the status given there', () => {
    const wrong = sites
      .filter((s) => !isErrorCode(s.code) || errorCodes[s.code].status !== s.status)
      .map((s) => `${s.file}: ${s.code} (${s.status})`);
    expect(wrong).toEqual([]);
  });

  it('holds no code that nothing answers with', () => {
    const all = [...texts.values()].join('\n');
    const answered = new Set(sites.map((s) => s.code));
    // Codes chosen by an expression (app.ts: `malformed ? 'malformed_json' : … 'bad_request'`;
    // server.ts's parser answers) appear as literals, not next to their status.
    const dead = (Object.keys(errorCodes) as ErrorCode[]).filter(
      (code) => !answered.has(code) && !all.includes(`'${code}'`),
    );
    expect(dead).toEqual([]);
  });

  it('states each meaning in one sentence and keeps retry advice consistent with the status', () => {
    for (const [code, e] of Object.entries(errorCodes)) {
      expect(e.meaning, code).toMatch(/^[A-Z`].*[.)]$/);
      expect(e.meaning.replace(/\(.*?\)|e\.g\.|`[^`]*`/g, '').slice(0, -1), code).not.toMatch(/\.\s/);
      if (e.status === 429) expect(e.retry, code).toBe('after');
      if (e.status === 422 || e.status === 400 || e.status === 404) expect(e.retry, code).toBe('no');
    }
  });
});
