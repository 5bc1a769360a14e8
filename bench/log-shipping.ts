/**
 * What shipping costs the code that logs: time per `log.info` call with shipping off and on (to a
 * local Loki-speaking receiver that answers 204), in interleaved rounds so machine noise cancels.
 * Usage: npx tsx bench/log-shipping.ts [--lines 50000] [--rounds 6]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/platform/log.ts';
import { logShippingFromConfig } from '../src/platform/logship/log-shipping.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const lines = arg('lines', 50_000);
const rounds = arg('rounds', 6);

let received = 0;
const receiver = createServer((req, res) => {
  req.on('data', (c: Buffer) => (received += c.length));
  req.on('end', () => {
    res.statusCode = 204;
    res.end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/loki/api/v1/push`;

const devNull = { write: () => true };
const off = createLogger('info', devNull);
const shipping = (await logShippingFromConfig(loadConfig({ LOG_SHIP_HTTP_URL: url, LOG_SHIP_HTTP_FORMAT: 'loki' }), {
  role: 'serve',
  stdout: devNull,
}))!;
const on = createLogger('info', shipping.destination);

async function run(log: typeof off): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < lines; i++) {
    log.info({ requestId: `r${i}`, route: '/v1/cards/:id', status: 200, durationMs: 1.25 }, 'request');
    // Let the shipper's sends run between chunks, as a server's event loop would.
    if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
  }
  return ((performance.now() - started) * 1000) / lines;
}

const results = { off: [] as number[], on: [] as number[] };
await run(off);
await run(on);
for (let r = 0; r < rounds; r++) {
  results.off.push(await run(off));
  results.on.push(await run(on));
}
await shipping.close(30_000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`lines per round: ${lines}, rounds: ${rounds}`);
console.log(
  `off: median ${median(results.off).toFixed(2)} µs per line (${results.off.map((x) => x.toFixed(2)).join(' ')})`,
);
console.log(
  `on:  median ${median(results.on).toFixed(2)} µs per line (${results.on.map((x) => x.toFixed(2)).join(' ')})`,
);
console.log(
  `shipped lines: ${shipping.shippers[0]!.counts.shippedLines}, dropped: ${JSON.stringify(shipping.shippers[0]!.counts.dropped)}, received bytes: ${received}`,
);
receiver.close();
