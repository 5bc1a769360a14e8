/**
 * OpenTelemetry tracing, off unless `OTEL_EXPORTER_OTLP_ENDPOINT` (or `…_TRACES_ENDPOINT`) is
 * set. When off, the SDK is never imported and every function here costs one branch. When on:
 * a span per HTTP request (named by route template, W3C `traceparent` accepted), per pipeline
 * step, and a child process continues its parent's trace from the `TRACEPARENT` the launcher
 * hands it. Spans go over OTLP/HTTP (JSON) in batches.
 */
import type * as Api from '@opentelemetry/api';
import type { Config } from '../config.ts';

interface ActiveTracing {
  api: typeof Api;
  tracer: Api.Tracer;
  /** The context a span without an active parent starts from: the parent process's span, if any. */
  root: Api.Context;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

let active: ActiveTracing | null = null;

/** The part of a span the traced code may touch. */
export interface SpanHandle {
  setAttribute(key: string, value: string | number | boolean): void;
}

type TracingConfig = Pick<
  Config,
  'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' | 'OTEL_SERVICE_NAME' | 'TRACEPARENT'
>;

/** Where spans go, or undefined when tracing is off (OTel's variable names and defaults). */
export function tracesUrl(config: TracingConfig): string | undefined {
  if (config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (config.OTEL_EXPORTER_OTLP_ENDPOINT) return `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return undefined;
}

/**
 * Starts tracing for this process when configured (once; later calls change nothing).
 * Resolves to whether tracing is on.
 *
 * @example
 * await startTracing(config); // no-op unless OTEL_EXPORTER_OTLP_ENDPOINT is set
 */
export async function startTracing(config: TracingConfig): Promise<boolean> {
  const url = tracesUrl(config);
  if (active || !url) return active !== null;
  const [api, node, base, otlp, resources, semconv] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/semantic-conventions'),
  ]);
  const provider = new node.NodeTracerProvider({
    resource: resources.resourceFromAttributes({
      [semconv.ATTR_SERVICE_NAME]: config.OTEL_SERVICE_NAME,
      'process.pid': process.pid,
    }),
    spanProcessors: [new base.BatchSpanProcessor(new otlp.OTLPTraceExporter({ url }))],
  });
  // Installs the async-local-storage context manager and the W3C trace-context propagator.
  provider.register();
  const root = config.TRACEPARENT
    ? api.propagation.extract(api.ROOT_CONTEXT, { traceparent: config.TRACEPARENT })
    : api.ROOT_CONTEXT;
  active = {
    api,
    tracer: provider.getTracer('cardquant'),
    root,
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
  return true;
}

/** Whether spans are being recorded (startTracing found an endpoint). */
export function tracingOn(): boolean {
  return active !== null;
}

/** Sends the spans still buffered and stops tracing (on shutdown). */
export async function stopTracing(): Promise<void> {
  const was = active;
  active = null;
  await was?.shutdown();
}

/** Sends the spans still buffered now (tests; a child process before it exits). */
export async function flushTracing(): Promise<void> {
  await active?.flush();
}

function parentContext(tracing: ActiveTracing): Api.Context {
  const current = tracing.api.context.active();
  return tracing.api.trace.getSpan(current) ? current : tracing.root;
}

/**
 * Runs `fn` inside a span (child of the active span, or of the parent process's span); the
 * span records a thrown error and ends when `fn` settles. Without tracing, just runs `fn`.
 *
 * @example
 * await inSpan('pipeline.step prices', { 'cardquant.pipeline.step': 'prices' }, () => step.run());
 */
export async function inSpan<T>(
  name: string,
  attributes: Record<string, string | number | boolean>,
  fn: (span: SpanHandle | null) => Promise<T>,
): Promise<T> {
  const tracing = active;
  if (!tracing) return fn(null);
  const { api } = tracing;
  const span = tracing.tracer.startSpan(name, { attributes }, parentContext(tracing));
  try {
    return await api.context.with(api.trace.setSpan(parentContext(tracing), span), () => fn(span));
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: api.SpanStatusCode.ERROR, message: (err as Error).message });
    throw err;
  } finally {
    span.end();
  }
}

/**
 * The W3C `traceparent` of the active span, for a child process to continue the trace
 * (undefined without tracing or outside a span).
 *
 * @example
 * spawn(cmd, args, { env: childEnv({ TRACEPARENT: childTraceparent() }) });
 */
export function childTraceparent(): string | undefined {
  const tracing = active;
  if (!tracing) return undefined;
  const carrier: Record<string, string> = {};
  tracing.api.propagation.inject(parentContext(tracing), carrier);
  return carrier.traceparent;
}

/**
 * Runs `next` inside a server span that continues an incoming `traceparent`; when it settles the
 * span is named `METHOD /route/template` and given the status and request id `outcome` reports.
 * Without tracing, just runs `next`.
 *
 * @example
 * await inRequestSpan('GET', (n) => c.req.header(n), next, () => ({ route: '/healthz', status: 200 }));
 */
export async function inRequestSpan(
  method: string,
  header: (name: string) => string | undefined,
  next: () => Promise<void>,
  outcome: () => { route: string; status: number; requestId?: string },
): Promise<void> {
  const tracing = active;
  if (!tracing) return next();
  const { api } = tracing;
  const traceparent = header('traceparent');
  const parent = traceparent
    ? api.propagation.extract(api.ROOT_CONTEXT, { traceparent, tracestate: header('tracestate') ?? '' })
    : api.ROOT_CONTEXT;
  const span = tracing.tracer.startSpan(method, { kind: api.SpanKind.SERVER }, parent);
  try {
    await api.context.with(api.trace.setSpan(parent, span), next);
  } finally {
    const { route, status, requestId } = outcome();
    span.updateName(`${method} ${route}`);
    span.setAttributes({
      'http.request.method': method,
      'http.route': route,
      'http.response.status_code': status,
      'cardquant.request_id': requestId ?? '',
    });
    if (status >= 500) span.setStatus({ code: api.SpanStatusCode.ERROR });
    span.end();
  }
}
