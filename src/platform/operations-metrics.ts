/**
 * Gauges of the operations dashboard (deploy/grafana/cardquant.json), set at each scrape from the
 * database (src/features/ops/operations-gauges.ts), so a step that ran in a child process or on
 * another replica shows on every replica's /metrics. Labels are bounded: step, importer and job
 * names are fixed in code, markets are the configured ones.
 */
import { Gauge, type Registry } from 'prom-client';

export interface OperationsGauges {
  pipelineStepStatus: Gauge<'step' | 'status'>;
  pipelineStepDuration: Gauge<'step'>;
  pipelineStepFinished: Gauge<'step'>;
  pipelineStepLastSuccess: Gauge<'step'>;
  ingestionRows: Gauge<'importer' | 'outcome'>;
  ingestionStatus: Gauge<'importer' | 'status'>;
  ingestionFinished: Gauge<'importer'>;
  marketDataAge: Gauge<'market'>;
  marketDataStale: Gauge<'market'>;
  scheduledJobLastSuccess: Gauge<'job'>;
}

export function createOperationsGauges(registry: Registry): OperationsGauges {
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge<L>({ name, help, labelNames, registers: [registry] });
  return {
    pipelineStepStatus: gauge(
      'cardquant_pipeline_step_last_run_status',
      'Status of the last finished run of each pipeline step: 1 for its status, 0 for the others.',
      ['step', 'status'],
    ),
    pipelineStepDuration: gauge(
      'cardquant_pipeline_step_last_run_duration_seconds',
      'Duration of the last finished run of each pipeline step.',
      ['step'],
    ),
    pipelineStepFinished: gauge(
      'cardquant_pipeline_step_last_run_finished_timestamp_seconds',
      'When the last run of each pipeline step finished (Unix seconds).',
      ['step'],
    ),
    pipelineStepLastSuccess: gauge(
      'cardquant_pipeline_step_last_success_timestamp_seconds',
      'When the last successful run of each pipeline step finished (Unix seconds).',
      ['step'],
    ),
    ingestionRows: gauge(
      'cardquant_ingestion_last_run_rows',
      "Row accounting of each importer's last finished run: read = accepted + updated + unchanged + rejected.",
      ['importer', 'outcome'],
    ),
    ingestionStatus: gauge(
      'cardquant_ingestion_last_run_status',
      "Status of each importer's last finished run: 1 for its status, 0 for the others.",
      ['importer', 'status'],
    ),
    ingestionFinished: gauge(
      'cardquant_ingestion_last_run_finished_timestamp_seconds',
      "When each importer's last run finished (Unix seconds).",
      ['importer'],
    ),
    marketDataAge: gauge(
      'cardquant_market_data_age_seconds',
      "Age of each market's latest price date (seconds from the start of that UTC day), as /v1/meta reports freshness.",
      ['market'],
    ),
    marketDataStale: gauge(
      'cardquant_market_data_stale',
      "1 when a market's latest price date is more than STALE_AFTER_DAYS old (/v1/meta's `stale`), else 0.",
      ['market'],
    ),
    scheduledJobLastSuccess: gauge(
      'cardquant_scheduled_job_last_success_timestamp_seconds',
      'When the last successful slot of each scheduled job finished (Unix seconds).',
      ['job'],
    ),
  };
}
