// Who owns the alert rules and endpoints the alerts page manages: the signed-in portfolio, an
// e-mail subscriber (its `cqm_…` manage token, memory only), or the operators (the operator key).
import { session } from '../session.svelte';

class Subscriber {
  /** The manage token of a confirmed e-mail subscription: memory only, never stored. */
  token = $state<string | null>(null);
}
export const subscriber = new Subscriber();

export type OwnerKind = 'portfolio' | 'subscriber' | 'operator';

export function ownerKind(): OwnerKind | null {
  if (session.portfolio) return 'portfolio';
  if (subscriber.token) return 'subscriber';
  if (session.operatorKey) return 'operator';
  return null;
}

/** The headers that authenticate as the current owner (empty when nobody is signed in). */
export function ownerHeaders(): Record<string, string> {
  switch (ownerKind()) {
    case 'portfolio':
      return session.portfolioHeaders();
    case 'subscriber':
      return { Authorization: `Bearer ${subscriber.token}` };
    case 'operator':
      return session.operatorHeaders();
    default:
      return {};
  }
}
