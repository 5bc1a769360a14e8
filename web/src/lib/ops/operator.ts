// Operator reads shared by several operator pages (typed by the generated schema).
import { api, ok } from '../api/client';
import { session } from '../session.svelte';

/** Pending and dead deliveries per channel, and the oldest due one. */
export function deliveryStats() {
  return ok(api.GET('/v1/admin/deliveries/stats', { headers: session.operatorHeaders() }));
}

export type DeliveryBacklog = Awaited<ReturnType<typeof deliveryStats>>['channels'];
