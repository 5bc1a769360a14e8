import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { childTraceparent, inSpan, startTracing, tracesUrl, tracingOn } from './tracing.ts';

describe('tracing settings', () => {
  it('follows OpenTelemetry’s variables: the base endpoint gets /v1/traces, the traces endpoint is taken as is', () => {
    expect(tracesUrl(loadConfig({}))).toBeUndefined();
    expect(tracesUrl(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }))).toBe(
      'http://collector:4318/v1/traces',
    );
    expect(
      tracesUrl(
        loadConfig({
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/custom',
        }),
      ),
    ).toBe('http://traces:4318/custom');
  });

  it('is off by default: nothing starts, spans are plain calls and children get no TRACEPARENT', async () => {
    expect(await startTracing(loadConfig({}))).toBe(false);
    expect(tracingOn()).toBe(false);
    expect(await inSpan('pipeline.step x', {}, (span) => Promise.resolve(span))).toBeNull();
    expect(childTraceparent()).toBeUndefined();
  });
});
