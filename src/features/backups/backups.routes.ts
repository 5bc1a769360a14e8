/**
 * `GET /v1/admin/backups`: the backup registry with each manifest's summary, and the last
 * restore drill (docs/OBSERVABILITY.md, "Backups and restore drills").
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../platform/http/context.ts';
import { createRouter, defineRoute } from '../../platform/http/route.ts';
import { lastDrill, listBackups, type BackupRow, type DrillRow } from './backups.repo.ts';
import type { Manifest } from './manifest.ts';

const Backup = z
  .object({
    id: z.string(),
    created_at: z.string(),
    dialect: z.enum(['sqlite', 'postgres']),
    status: z.enum(['running', 'succeeded', 'failed', 'deleted']),
    file_name: z.string().nullable(),
    locations: z.array(z.string()).openapi({ description: '`file:<path>` and `s3://<bucket>/<key>` copies.' }),
    bytes: z.number().int().nullable(),
    sha256: z.string().nullable(),
    encrypted: z.boolean(),
    key_id: z.string().nullable().openapi({ description: 'The data key that sealed the file (encrypted backups).' }),
    duration_ms: z.number().int().nullable(),
    error: z.string().nullable(),
    manifest: z
      .object({
        migration: z.string().nullable(),
        tables: z.number().int(),
        rows: z.number().int().openapi({ description: 'Rows over every table of the snapshot.' }),
      })
      .nullable(),
  })
  .openapi('Backup');

const Drill = z
  .object({
    id: z.string(),
    backup_id: z.string().nullable(),
    started_at: z.string(),
    result: z.enum(['passed', 'failed']),
    duration_seconds: z.number().openapi({ description: 'The recovery time: fetch, decrypt, restore and verify.' }),
    mismatches: z.array(z.string()),
    error: z.string().nullable(),
  })
  .openapi('RestoreDrill');

export const listBackupsRoute = defineRoute(
  { access: 'viewer' },
  {
    method: 'get',
    path: '/v1/admin/backups',
    tags: ['admin'],
    summary: 'Backups, newest first, with their manifests summarised and the last restore drill',
    request: { query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) }) },
    responses: {
      200: {
        description: 'The backup registry.',
        content: {
          'application/json': { schema: z.object({ items: z.array(Backup), last_drill: Drill.nullable() }) },
        },
      },
    },
  },
);

function backupView(row: BackupRow): z.infer<typeof Backup> {
  const manifest = row.manifest ? (JSON.parse(row.manifest) as Manifest) : null;
  return {
    id: row.id,
    created_at: row.created_at,
    dialect: row.dialect,
    status: row.status,
    file_name: row.file_name,
    locations: JSON.parse(row.locations) as string[],
    bytes: row.bytes,
    sha256: row.sha256,
    encrypted: row.encrypted === 1,
    key_id: manifest?.file.key_id ?? null,
    duration_ms: row.duration_ms,
    error: row.error,
    manifest: manifest
      ? {
          migration: manifest.migration,
          tables: manifest.tables.length,
          rows: manifest.tables.reduce((n, t) => n + t.rows, 0),
        }
      : null,
  };
}

function drillView(row: DrillRow): z.infer<typeof Drill> {
  return {
    id: row.id,
    backup_id: row.backup_id,
    started_at: row.started_at,
    result: row.result,
    duration_seconds: row.duration_ms / 1000,
    mismatches: JSON.parse(row.mismatches) as string[],
    error: row.error,
  };
}

export function backupsRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(listBackupsRoute, async (c) => {
    const { limit } = c.req.valid('query');
    const db = c.get('platform').database.db;
    const [rows, drill] = await Promise.all([listBackups(db, { limit }), lastDrill(db)]);
    return c.json({ items: rows.map(backupView), last_drill: drill ? drillView(drill) : null }, 200);
  });
  return app;
}
