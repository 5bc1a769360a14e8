/**
 * Control characters in request strings are refused in one place, before validation and
 * handlers: PostgreSQL cannot store NUL in text (it would answer 500), and no field of this API
 * has a use for the others. Tab, line feed and carriage return stay allowed (free-text notes).
 * `defineRoute` puts this middleware on every operation, so path parameters, query parameters,
 * headers and JSON bodies of every route are covered without each schema saying so.
 */
import type { MiddlewareHandler } from 'hono';
import { ValidationFailed, type FieldProblem } from '../errors.ts';
import type { AppEnv } from './context.ts';

/** C0 controls except tab, LF and CR; DEL; C1 controls. Matching them is this file's purpose. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * In header values only C0 controls and DEL: Node decodes header bytes as latin1, so the UTF-8
 * bytes of "Москва" or "€" arrive as U+0080–U+009F and are not controls there.
 */
// eslint-disable-next-line no-control-regex
const HEADER_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** A percent-encoded C0 control or DEL in a URL (C1 controls arrive as %C2%80–%C2%9F). */
const ENCODED_CONTROL = /%(?:[01][0-9a-f]|7f|c2%[89][0-9a-f])/i;

/** A JSON text that may hold a control character in a string: escaped C0/DEL/C1, or raw DEL/C1. */
const JSON_CONTROL = /\\u00(?:[01][0-9a-f]|7f|[89][0-9a-f])|[\u007f-\u009f]/i;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Whether `value` holds a character this API refuses.
 *
 * @example
 * hasControlCharacter('a\u0000b'); // true
 * hasControlCharacter('line one\nline two'); // false
 */
export function hasControlCharacter(value: string): boolean {
  return CONTROL.test(value);
}

/** Whether a header value of `lines` (name, value, …) may hold a control character; true when there are no lines to read. */
function anyHeaderControl(lines: readonly string[] | undefined): boolean {
  if (lines === undefined) return true;
  for (let i = 1; i < lines.length; i += 2) if (HEADER_CONTROL.test(lines[i]!)) return true;
  return false;
}

function describe(value: string): string {
  const code = CONTROL.exec(value)![0].codePointAt(0)!;
  return `must not contain control characters (found U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
}

/** Every string (and object key) in a parsed JSON value holding a control character, by field path. */
function walkJson(value: unknown, path: string, found: FieldProblem[]): void {
  if (typeof value === 'string') {
    if (hasControlCharacter(value)) found.push({ field: path, message: describe(value) });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => walkJson(v, `${path}.${i}`, found));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (hasControlCharacter(k)) found.push({ field: path, message: `has a key that ${describe(k)}` });
      else walkJson(v, `${path}.${k}`, found);
    }
  }
}

async function bodyProblems(req: {
  header(name: string): string | undefined;
  text(): Promise<string>;
}): Promise<FieldProblem[]> {
  const type = req.header('Content-Type') ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) return [];
  const text = await req.text(); // cached by Hono: the validator reads the same text again
  if (!JSON_CONTROL.test(text)) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return []; // malformed JSON is the validator's answer (400 malformed_json)
  }
  const found: FieldProblem[] = [];
  walkJson(parsed, 'body', found);
  return found;
}

/**
 * Route middleware: a 422 naming each field (`path.id`, `query.q`, `header.x-portfolio-id`,
 * `body.note`) that holds a control character other than tab, LF or CR.
 *
 * @example
 * defineRoute({ access: 'public' }, route) // adds rejectControlCharacters() to the route
 */
export function rejectControlCharacters(): MiddlewareHandler<AppEnv> {
  return async function rejectControlCharacters(c, next) {
    const found: FieldProblem[] = [];
    if (ENCODED_CONTROL.test(c.req.url) || CONTROL.test(c.req.url)) {
      for (const [name, value] of Object.entries(c.req.param() as Record<string, string>)) {
        if (hasControlCharacter(value)) found.push({ field: `path.${name}`, message: describe(value) });
      }
      for (const [name, values] of Object.entries(c.req.queries())) {
        if (hasControlCharacter(name))
          found.push({ field: 'query', message: `has a parameter name that ${describe(name)}` });
        else
          for (const value of values)
            if (hasControlCharacter(value)) found.push({ field: `query.${name}`, message: describe(value) });
      }
    }
    // Iterating `Headers` builds and sorts them; the lines as received are read first, and only a
    // request with a control character in one of them (or none supplied) walks the `Headers`,
    // which name the fields as before (their values are these lines, trimmed and joined).
    if (anyHeaderControl(c.get('rawHeaders')))
      c.req.raw.headers.forEach((value, name) => {
        if (HEADER_CONTROL.test(value)) found.push({ field: `header.${name}`, message: describe(value) });
      });
    if (BODY_METHODS.has(c.req.method)) found.push(...(await bodyProblems(c.req)));
    if (found.length > 0) throw new ValidationFailed(found);
    await next();
  };
}
