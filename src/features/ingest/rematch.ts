/**
 * `cardquant import rematch RUN`: re-processes the raw payloads a price run archived, after a
 * mapping fix (a cross-walk, an override, a catalogue import). It is a new run (importer
 * `rematch`, `resumes` = the original) that counts every row again: rows stored before come out
 * `unchanged`, rows that now match come out `accepted`, the rest are still rejected by reason.
 */
import { AppError, NotFound } from '../../platform/errors.ts';
import { ProductMap } from '../catalog/product-map.ts';
import { priceImporter, withRun, type IngestContext } from './context.ts';
import type { RunSummary } from '../../shared/run-accounting.ts';
import { mapPrices } from './sources/pokemontcg-map.ts';
import { addPriceRows, envelopeResults } from './sources/tcgcsv.ts';
import { relinkListings } from './sources/tcgcsv-listings.ts';

const TCGCSV_PAYLOAD = /^(\d{4}-\d{2}-\d{2})\/(\d+)\/prices$/;

function cardsOf(text: string): unknown[] {
  const parsed: unknown = JSON.parse(text);
  if (Array.isArray(parsed)) return parsed;
  const data = (parsed as { data?: unknown }).data;
  return Array.isArray(data) ? data : [];
}

export async function rematchRun(ctx: IngestContext, runId: string): Promise<RunSummary> {
  const original = await ctx.runs.get(runId);
  if (!original) throw new NotFound('ingestion_run', runId);
  if (original.kind !== 'prices') {
    throw new AppError(
      422,
      'not_a_price_run',
      `Run ${runId} is a ${original.kind} run; only price runs can be re-matched.`,
    );
  }
  const family = original.feed === 'tcgcsv' ? 'tcgcsv' : original.feed === 'pokemontcg' ? 'pokemontcg' : null;
  if (!family)
    throw new AppError(422, 'rematch_unsupported', `Runs of feed ${original.feed} keep no re-matchable payloads.`);

  return withRun(
    ctx,
    {
      importer: 'rematch',
      feed: original.feed,
      kind: 'prices',
      resumes: runId,
      // `source`: deprecated alias of `importer` in the stored parameters (removed in 0.4.0).
      params: { of: runId, importer: original.importer, source: original.importer },
    },
    async (run) => {
      // Stored product listings may link now (a catalogue import since): match them first.
      if (family === 'tcgcsv') await relinkListings(ctx, await ProductMap.load(ctx.database.db));
      const importer = await priceImporter(ctx, run, original.feed);
      let payloads = 0;
      for await (const payload of ctx.runs.payloads(runId)) {
        payloads++;
        const text = payload.body.toString('utf8');
        try {
          if (family === 'tcgcsv') {
            const [, date, group] = TCGCSV_PAYLOAD.exec(payload.name) ?? [];
            if (!date) throw new Error(`payload ${payload.name} is not a TCGCSV prices payload`);
            await addPriceRows(importer, envelopeResults(text), date, () => false, Number(group));
          } else {
            await importer.add(cardsOf(text).flatMap((c) => mapPrices(c)));
          }
        } catch (err) {
          run.fail(payload.name, err);
        }
      }
      await importer.flush();
      if (payloads === 0) throw new Error(`run ${runId} has no archived payloads (none kept, or purged by retention)`);
    },
  );
}
