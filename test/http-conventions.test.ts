import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, bearer, json, startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('sqlite::memory:', { BODY_LIMIT_BYTES: '2048', CORS_ORIGINS: 'https://app.example.com' });
});
afterAll(() => h.close());

async function problemOf(res: Response) {
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return (await res.json()) as {
    status: number;
    code: string;
    title: string;
    detail: string;
    errors?: { field: string }[];
    request_id: string;
  };
}

describe('errors are RFC 9457 problems with stable codes, never 500 for bad input', () => {
  it('unknown route → 404 route_not_found', async () => {
    const res = await h.request('/v1/does-not-exist');
    expect(res.status).toBe(404);
    const p = await problemOf(res);
    expect(p).toMatchObject({ status: 404, code: 'route_not_found', title: 'Not Found' });
  });

  it('wrong method → 405 with Allow', async () => {
    const res = await h.request('/v1/admin/keys', { method: 'PUT', headers: bearer(ADMIN_TOKEN) });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD, POST');
    expect((await problemOf(res)).code).toBe('method_not_allowed');
  });

  it('malformed JSON → 400 malformed_json, without echoing the body', async () => {
    const res = await h.request('/v1/admin/keys', {
      method: 'POST',
      headers: { ...bearer(ADMIN_TOKEN), 'Content-Type': 'application/json' },
      body: '{"name": "x", "role": viewer-not-json',
    });
    expect(res.status).toBe(400);
    const p = await problemOf(res);
    expect(p.code).toBe('malformed_json');
    expect(JSON.stringify(p)).not.toContain('viewer-not-json');
  });

  it('a body that is not JSON → 415 unsupported_media_type', async () => {
    const res = await h.request('/v1/admin/keys', {
      method: 'POST',
      headers: { ...bearer(ADMIN_TOKEN), 'Content-Type': 'text/plain' },
      body: 'name=x',
    });
    expect(res.status).toBe(415);
    expect((await problemOf(res)).code).toBe('unsupported_media_type');
  });

  it('invalid fields → 422 listing each offending field', async () => {
    const res = await h.request('/v1/admin/keys', json({ name: '', role: 'god', extra: 1 }, bearer(ADMIN_TOKEN)));
    expect(res.status).toBe(422);
    const p = await problemOf(res);
    expect(p.code).toBe('validation_failed');
    const fields = p.errors!.map((e) => e.field).sort();
    expect(fields).toEqual(expect.arrayContaining(['body.name', 'body.role']));
  });

  it('invalid query parameters → 422 naming the parameter', async () => {
    const res = await h.request('/v1/admin/keys?limit=0', { headers: bearer(ADMIN_TOKEN) });
    expect(res.status).toBe(422);
    expect((await problemOf(res)).errors?.[0]?.field).toBe('query.limit');
    const bad = await h.request('/v1/admin/keys?cursor=garbage', { headers: bearer(ADMIN_TOKEN) });
    expect(bad.status).toBe(422);
    expect((await problemOf(bad)).errors?.[0]?.field).toBe('query.cursor');
  });

  it('body over the limit → 413 body_too_large', async () => {
    const res = await h.request(
      '/v1/admin/keys',
      json({ name: 'x'.repeat(4000), role: 'viewer' }, bearer(ADMIN_TOKEN)),
    );
    expect(res.status).toBe(413);
    expect((await problemOf(res)).code).toBe('body_too_large');
  });
});

describe('request ids', () => {
  it('echoes a well-formed X-Request-Id and puts it in the problem and the log line', async () => {
    const res = await h.request('/v1/nope', { headers: { 'X-Request-Id': 'trace-abc-123' } });
    expect(res.headers.get('x-request-id')).toBe('trace-abc-123');
    expect((await problemOf(res)).request_id).toBe('trace-abc-123');
    const line = h.logs.map((l) => JSON.parse(l)).find((l) => l.requestId === 'trace-abc-123');
    expect(line).toMatchObject({ msg: 'request', status: 404, route: 'unmatched', method: 'GET' });
    expect(typeof line.durationMs).toBe('number');
  });

  it('generates one when absent or malformed', async () => {
    const a = await h.request('/healthz');
    expect(a.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const b = await h.request('/healthz', { headers: { 'X-Request-Id': 'bad id with spaces' } });
    expect(b.headers.get('x-request-id')).not.toBe('bad id with spaces');
  });
});

describe('security headers and CORS', () => {
  it('sets security headers on success and error responses', async () => {
    for (const path of ['/healthz', '/nope']) {
      const res = await h.request(path);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      // No HSTS without an https PUBLIC_URL.
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('allows configured origins only', async () => {
    const ok = await h.request('/healthz', { headers: { Origin: 'https://app.example.com' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const other = await h.request('/healthz', { headers: { Origin: 'https://evil.example.net' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends HSTS when the public URL is https', async () => {
    const tls = await startHarness('sqlite::memory:', { PUBLIC_URL: 'https://cards.example.com' });
    try {
      expect((await tls.request('/healthz')).headers.get('strict-transport-security')).toContain('max-age=');
    } finally {
      await tls.close();
    }
  });
});

describe('health, readiness, metrics, OpenAPI and docs', () => {
  it('/healthz and /readyz answer 200', async () => {
    expect(await (await h.request('/healthz')).json()).toEqual({ status: 'ok' });
    expect(await (await h.request('/readyz')).json()).toEqual({ status: 'ready' });
  });

  it('/readyz is 503 when the database is not current', async () => {
    const other = await startHarness('sqlite::memory:');
    try {
      // One of this version's migrations missing (a newer release's would keep it ready).
      await other.runtime.database.db
        .deleteFrom('schema_migrations')
        .where('name', '=', (eb) => eb.selectFrom('schema_migrations').select((s) => s.fn.max('name').as('name')))
        .execute();
      const res = await other.request('/readyz');
      expect(res.status).toBe(503);
      expect((await problemOf(res)).code).toBe('not_ready');
    } finally {
      await other.close();
    }
  });

  it('/metrics needs the viewer role and labels by route template, not raw path', async () => {
    expect((await h.request('/metrics')).status).toBe(401);
    await h.request('/v1/admin/keys/key_one', { method: 'DELETE', headers: bearer(ADMIN_TOKEN) });
    await h.request('/random/path/12345');
    const res = await h.request('/metrics', { headers: bearer(ADMIN_TOKEN) });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('http_server_request_duration_seconds_bucket');
    expect(text).toMatch(/route="\/v1\/admin\/keys\/:id",method="DELETE",status_class="4xx"/);
    expect(text).toContain('route="unmatched"');
    expect(text).not.toContain('12345');
    expect(text).not.toContain('key_one');
  });

  it('/metrics is public when METRICS_PUBLIC=true', async () => {
    const open = await startHarness('sqlite::memory:', { METRICS_PUBLIC: 'true' });
    try {
      expect((await open.request('/metrics')).status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it('/openapi.json is OpenAPI 3.1 and states the required role of every operation', async () => {
    const doc = (await (await h.request('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.values(doc.paths).flatMap((p) => Object.values(p));
    expect(ops.length).toBeGreaterThanOrEqual(6);
    for (const op of ops) {
      expect(['public', 'portfolio', 'owner', 'viewer', 'operator', 'admin']).toContain(op['x-required-role']);
      expect(Array.isArray(op.security)).toBe(true);
    }
    expect(doc.paths['/v1/admin/keys']?.post?.['x-required-role']).toBe('admin');
  });

  it('/docs loads only same-origin assets, each of which is served', async () => {
    const res = await h.request('/docs');
    expect(res.status).toBe(200);
    const html = await res.text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThanOrEqual(3);
    for (const ref of refs) {
      expect(ref.startsWith('/')).toBe(true);
      expect(ref.startsWith('//')).toBe(false);
      expect((await h.request(ref)).status).toBe(200);
    }
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(html).not.toMatch(/<script>[^<]/);
  });
});
