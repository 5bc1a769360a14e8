import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { ValidationFailed } from '../../platform/errors.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { decodeCursor, page, pageQuery } from '../../platform/http/pagination.ts';
import { createRouter, defineRoute, problemResponse } from '../../platform/http/route.ts';
import { startHeld, type BackgroundWork } from '../../platform/background.ts';
import type { PipelineLauncher } from './launcher.ts';
import type { Pipeline } from './pipeline.ts';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');

const PipelineRun = z
  .object({
    id: z.string(),
    step: z.string().openapi({ example: 'derive' }),
    trigger: z.string().openapi({ description: 'schedule, cli or api' }),
    status: z
      .enum(['running', 'succeeded', 'failed', 'skipped', 'abandoned'])
      .openapi({ description: '`abandoned`: its process died (no heartbeat for 3 × RUN_HEARTBEAT_SECONDS).' }),
    range_from: z.string().nullable(),
    range_to: z.string().nullable(),
    started_at: z.string(),
    finished_at: z.string().nullable(),
    duration_ms: z.number().int().nullable(),
    counts: z.record(z.string(), z.unknown()).nullable(),
    error: z.string().nullable(),
    holder: z.string().nullable().openapi({ description: 'The process that ran it (host:pid/instance).' }),
    heartbeat_at: z.string().nullable().openapi({ description: 'Its last heartbeat.' }),
  })
  .openapi('PipelineRun');

export const listPipelineRunsRoute = defineRoute(
  { access: 'viewer' },
  {
    method: 'get',
    path: '/v1/admin/pipeline/runs',
    tags: ['admin'],
    summary: 'Pipeline step runs, newest first',
    request: { query: z.object({ ...pageQuery, step: z.string().max(64).optional() }) },
    responses: {
      200: {
        description: 'A page of step runs.',
        content: {
          'application/json': { schema: z.object({ items: z.array(PipelineRun), next_cursor: z.string().nullable() }) },
        },
      },
    },
  },
);

export const startPipelineRoute = defineRoute(
  { access: 'operator', idempotent: true },
  {
    method: 'post',
    path: '/v1/admin/pipeline/run',
    tags: ['admin'],
    summary: 'Start pipeline steps now (in a separate process); poll the runs list',
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z
              .object({
                steps: z
                  .array(z.string().max(64))
                  .max(20)
                  .default([])
                  .openapi({ description: 'Empty: every step in order.' }),
                from: date.optional(),
                to: date.optional(),
              })
              .strict(),
          },
        },
      },
    },
    responses: {
      202: {
        description: 'Started.',
        content: {
          'application/json': {
            schema: z.object({ status: z.literal('started'), steps: z.array(z.string()), runs_url: z.string() }),
          },
        },
      },
      503: problemResponse(
        '`background_capacity_full`: MAX_CHILD_PROCESSES runs are already going (see Retry-After); `shutting_down`.',
      ),
    },
  },
);

export function pipelineRoutes(
  pipeline: Pipeline,
  launcher: PipelineLauncher,
  background: BackgroundWork,
): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(listPipelineRunsRoute, async (c) => {
    const q = c.req.valid('query');
    const position = decodeCursor(q.cursor, ['id'] as const);
    const rows = await pipeline.list({ step: q.step, beforeId: position?.id, limit: q.limit + 1 });
    return c.json(
      page(rows, q.limit, (last) => ({ id: last.id })),
      200,
    );
  });
  app.openapi(startPipelineRoute, async (c) => {
    const body = c.req.valid('json');
    const known = pipeline.names();
    const unknown = body.steps.filter((s) => !known.includes(s));
    if (unknown.length > 0) {
      throw new ValidationFailed(
        unknown.map((s) => ({ field: 'body.steps', message: `unknown step "${s}"; known: ${known.join(', ')}` })),
      );
    }
    const steps = body.steps.length ? body.steps : known;
    const principal = c.get('principal')!;
    const audit = {
      actor: principal.actor,
      role: principal.role,
      action: 'pipeline.run',
      target: steps.join(','),
      requestId: c.get('requestId'),
      ip: c.get('clientIp'),
    };
    let pid: number | null;
    try {
      ({ pid } = await startHeld(background.take('a pipeline run'), () =>
        launcher.launch({ steps: body.steps, from: body.from, to: body.to, trigger: 'api' }),
      ));
    } catch (err) {
      await c.get('platform').audit.record({
        ...audit,
        result: 'failure',
        detail: { steps, from: body.from ?? null, to: body.to ?? null, error: (err as Error).message },
      });
      throw err;
    }
    await c.get('platform').audit.record({
      ...audit,
      result: 'success',
      detail: { steps, from: body.from ?? null, to: body.to ?? null, pid },
    });
    return c.json({ status: 'started' as const, steps, runs_url: '/v1/admin/pipeline/runs' }, 202);
  });
  return app;
}
