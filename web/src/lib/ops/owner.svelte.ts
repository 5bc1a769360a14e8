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

/** A short non-reversible digest of a credential (FNV-1a): tells owners apart, never shown. */
function digest(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

/**
 * Who the page acts as, as a value that changes whenever the owner does (another portfolio, another
 * manage token, another operator key): what is on screen for one owner is dropped for the next.
 */
export function ownerIdentity(): string | null {
  switch (ownerKind()) {
    case 'portfolio':
      return `portfolio:${session.portfolio!.id}`;
    case 'subscriber':
      return `subscriber:${digest(subscriber.token!)}`;
    case 'operator':
      return `operator:${digest(session.operatorKey!)}`;
    default:
      return null;
  }
}
