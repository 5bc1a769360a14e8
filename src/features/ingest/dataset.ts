/**
 * Which kind of data a database holds: `demo` (invented, from `cardquant demo` or the first
 * start) or `real` (imported). The two are never mixed: a real import into a demo database is
 * refused unless the operator asks to replace the demo, which deletes it first.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { datasetKind, datasetMeta, deleteMarketData, setDatasetMeta, type DatasetKind } from './dataset.repo.ts';

export { datasetKind, datasetMeta, setDatasetMeta, type DatasetKind };

/**
 * Call before writing real data. Marks an empty database as real; refuses a demo database
 * unless `replaceDemo`, in which case the demo is deleted first.
 */
export async function prepareForRealData(
  db: Kysely<Tables>,
  options: { replaceDemo: boolean; nowIso: string },
): Promise<void> {
  const kind = await datasetKind(db);
  if (kind === 'real') return;
  if (kind === 'demo') {
    if (!options.replaceDemo) {
      throw new AppError(
        409,
        'demo_dataset',
        'This database holds demo data; real data is never mixed with it. Re-run with --replace-demo (API: replace_demo=true) to delete the demo first.',
      );
    }
    await deleteMarketData(db);
  }
  await setDatasetMeta(db, { dataset_kind: 'real' }, options.nowIso);
}
