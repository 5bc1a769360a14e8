// The one API client: typed by the generated schema (schema.d.ts), same origin as the app.
import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
type Problem = Schemas['Problem'];
export const api = createClient<paths>({
  baseUrl: typeof location === 'undefined' ? 'http://localhost' : location.origin,
});

/** An RFC 9457 problem the API answered with (or one made up for a network failure). */
export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  /** What the API said about each invalid field (`errors` of the problem document), by field. */
  readonly fields: Record<string, string[]> | undefined;
  /** The request id the server logged the request under (quote it in a support request). */
  readonly requestId: string | undefined;
  constructor(status: number, body: unknown) {
    const p = (body ?? {}) as Partial<Problem>;
    super(p.detail ?? p.title ?? `The server answered ${status}.`);
    this.status = status;
    this.code = p.code ?? 'unknown';
    this.title = p.title ?? 'Request failed';
    this.requestId = p.request_id;
    let fields: Record<string, string[]> | undefined;
    for (const e of Array.isArray(p.errors) ? p.errors : []) {
      fields ??= {};
      (fields[e.field] ??= []).push(e.message);
    }
    this.fields = fields;
  }
}

/**
 * The data of an openapi-fetch answer, or throws its problem as an ApiProblem.
 * @example const card = await ok(api.GET('/v1/cards/{id}', { params: { path: { id } } }));
 */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let answer: { data?: T; error?: unknown; response: Response };
  try {
    answer = await call;
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiProblem(0, {
      title: 'Network error',
      detail: 'The server could not be reached. Check your connection and try again.',
      code: 'network_error',
    });
  }
  if (answer.error !== undefined || !answer.response.ok) throw new ApiProblem(answer.response.status, answer.error);
  return answer.data as T;
}
