/**
 * Loads demo data through the same writers real data uses, inside one ingestion run (source
 * `demo`), and marks the database as a demo. Refuses to touch a database that holds real data.
 */
import { isoInstant } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import { PrintingResolver } from '../catalog/printing-resolver.ts';
import { catalogWriter, withRun, type IngestContext } from '../ingest/context.ts';
import { datasetKind, setDatasetMeta } from '../ingest/dataset.ts';
import type { RunSummary } from '../../shared/run-accounting.ts';
import { priceWriter, type PriceValues } from '../prices/price-writer.repo.ts';
import { demoCatalog, demoFinishes, demoSeries, type DemoOptions } from './demo-generator.ts';

const CHUNK = 20_000;

export async function seedDemo(ctx: IngestContext, options: DemoOptions): Promise<RunSummary> {
  const db = ctx.database.db;
  if ((await datasetKind(db)) === 'real') {
    throw new AppError(
      409,
      'real_dataset',
      'This database holds real data; demo data is never mixed with it. Use an empty database for the demo.',
    );
  }
  const nowIso = isoInstant(ctx.clock.now());
  return withRun(
    ctx,
    { importer: 'demo', feed: 'demo', kind: 'prices', to: options.end, params: { ...options } },
    async (run) => {
      await setDatasetMeta(
        db,
        {
          dataset_kind: 'demo',
          demo_seed: String(options.seed),
          demo_end: options.end,
          demo_cards: String(options.cards),
        },
        nowIso,
      );
      const { sets, cards } = demoCatalog(options);
      const writer = catalogWriter(ctx);
      await writer.upsertSets(sets, nowIso);
      await writer.upsertCards(cards, nowIso);
      const resolver = await PrintingResolver.load(db, () => nowIso);
      const prices = priceWriter(ctx.database);
      let buffer: PriceValues[] = [];
      const flush = async () => {
        const outcome = await prices.write(buffer);
        run.add(outcome);
        run.reject('duplicate_row', outcome.duplicates);
        buffer = [];
      };
      // Every printing in one batch: 30,000 single inserts would dominate a benchmark on PostgreSQL.
      const found = cards.flatMap((card, i) =>
        demoFinishes(i, options.printingsPerCard).map((finish) => resolver.find(card.id, finish, null)),
      );
      const pending = found.filter((f) => typeof f !== 'number');
      const created = await resolver.createAll(pending);
      let made = 0;
      const keys = found.map((f) => (typeof f === 'number' ? f : created[made++]!));
      let next = 0;
      for (let i = 0; i < cards.length; i++) {
        const card = cards[i]!;
        const finishes = demoFinishes(i, options.printingsPerCard);
        for (let f = 0; f < finishes.length; f++) {
          const printingKey = keys[next++]!;
          for (const p of demoSeries(options, i, card.rarity ?? 'Common', f)) {
            // prettier-ignore
            buffer.push([
              printingKey, 'tcgplayer', 'NM', 'USD', p.date, 'demo',
              p.marketCents, p.lowCents, p.midCents, p.highCents, null, null, null, null, null,
              p.date, nowIso, run.id,
            ]);
          }
          if (buffer.length >= CHUNK) await flush();
        }
        if (i % 1000 === 999) ctx.progress?.(i + 1, cards.length, 'demo cards');
      }
      await flush();
      ctx.progress?.(cards.length, cards.length, 'demo cards');
    },
  );
}
