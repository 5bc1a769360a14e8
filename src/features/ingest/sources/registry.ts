/**
 * The named sources of `cardquant import` and of the pipeline's ingest steps, with their
 * settings taken from configuration.
 */
import type { Config } from '../../../config.ts';
import type { StepSources } from '../../pipeline/steps.ts';
import { importPokemontcgCatalog, importPokemontcgPrices } from './pokemontcg-api.ts';

/** Upstream client settings every API source shares. */
export function upstreamSettings(config: Config) {
  return { timeoutMs: config.UPSTREAM_TIMEOUT_MS, retries: config.UPSTREAM_RETRIES };
}

export function sourcesFromConfig(config: Config): StepSources {
  const up = upstreamSettings(config);
  const pokemontcg = { ...up, baseUrl: config.POKEMONTCG_BASE_URL, apiKey: config.POKEMONTCG_API_KEY };
  const catalog: StepSources['catalog'] = [];
  const prices: StepSources['prices'] = [];
  for (const name of config.CATALOG_SOURCES) {
    if (name === 'pokemontcg') catalog.push({ name, run: (ctx) => importPokemontcgCatalog(ctx, pokemontcg) });
  }
  for (const name of config.PRICE_SOURCES) {
    if (name === 'pokemontcg') prices.push({ name, run: (ctx) => importPokemontcgPrices(ctx, pokemontcg) });
  }
  return { catalog, prices };
}
