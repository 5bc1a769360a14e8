/**
 * The delivery worker's channels, composed in one place (docs/DELIVERY.md). Every channel factory
 * takes the same dependencies; `cardquant start` and `cardquant worker` run a DeliveryWorker with
 * the channels listed here, `cardquant serve` runs none.
 */
import { hostname } from 'node:os';
import type { Channel, ChannelDeps } from './platform/outbox/outbox.ts';
import { DeliveryWorker } from './platform/outbox/worker.ts';
import type { Runtime } from './runtime.ts';
import { discordChannel } from './features/webhooks/discord.channel.ts';
import { emailChannel } from './features/email/email.channel.ts';
import { webhookChannel } from './features/webhooks/webhook.channel.ts';

export function channelDeps(runtime: Runtime): ChannelDeps {
  return {
    db: runtime.database.db,
    dialect: runtime.database.dialect,
    clock: runtime.clock,
    box: runtime.dataKeys.box,
    config: runtime.config,
    log: runtime.log,
    newId: runtime.newId,
  };
}

/**
 * The channels this build sends through. A delivery whose channel is not listed stays pending
 * (visible in /v1/admin/deliveries and the pending gauge) until a worker that has it runs.
 */
export function deliveryChannels(runtime: Runtime): Channel[] {
  const deps = channelDeps(runtime);
  // E-mail is off (no channel, its deliveries wait) while EMAIL_PROVIDER is `none`.
  const email = emailChannel(deps);
  return [
    webhookChannel(deps), // src/features/webhooks/ — Standard Webhooks
    discordChannel(deps), // src/features/webhooks/ — Discord embeds
    ...(email ? [email] : []), // src/features/email/ — smtp, resend, postmark, file
  ];
}

/**
 * A delivery worker configured from the DELIVERY_* settings, leasing as `instance` on this host.
 *
 * @example
 * const worker = deliveryWorker(runtime, `${process.pid}-a1b2c3d4`); worker.start();
 */
export function deliveryWorker(
  runtime: Runtime,
  instance: string,
  channels: Channel[] = deliveryChannels(runtime),
): DeliveryWorker {
  const cfg = runtime.config;
  return new DeliveryWorker(
    runtime.database.db,
    runtime.database.dialect,
    runtime.clock,
    runtime.newId,
    runtime.log,
    channels,
    {
      owner: `${hostname()}:${instance}`,
      concurrency: cfg.DELIVERY_CONCURRENCY,
      leaseMs: cfg.DELIVERY_LEASE_SECONDS * 1000,
      pollMs: cfg.DELIVERY_POLL_MS,
      schedule: {
        maxAttempts: cfg.DELIVERY_MAX_ATTEMPTS,
        baseMs: cfg.DELIVERY_BACKOFF_BASE_SECONDS * 1000,
        maxDelayMs: cfg.DELIVERY_BACKOFF_MAX_HOURS * 3_600_000,
      },
    },
    runtime.metrics,
  );
}
