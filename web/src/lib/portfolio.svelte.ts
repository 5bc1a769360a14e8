// The signed-in portfolio as the portfolio pages share it: its settings (verified against the API)
// and downloads of its exports.
import { api, ok, type Schemas } from './api/client';
import { session } from './session.svelte';

class Owner {
  /** The portfolio the stored credentials open, once verified. */
  portfolio = $state<Schemas['Portfolio'] | null>(null);
  /** Why the stored credentials could not be verified. */
  error = $state<unknown>(null);
  loading = $state(false);
  /** A sign-in (or a create) is being verified: the sign-in form stays on screen meanwhile. */
  signingIn = $state(false);
  /** Bumped after every change to the ledger, so what is shown is read again. */
  revision = $state(0);
  /** A portfolio just created in this page's life: its secret is shown this once. */
  created = $state<{ id: string; secret: string } | null>(null);
  #pending: { id: string; answer: Promise<Schemas['Portfolio'] | null> } | null = null;

  /** Reads the portfolio with the stored credentials; wrong credentials sign out. */
  load(): Promise<Schemas['Portfolio'] | null> {
    const creds = session.portfolio;
    if (!creds) {
      this.portfolio = null;
      return Promise.resolve(null);
    }
    if (this.#pending?.id === creds.id) return this.#pending.answer;
    const answer = this.#load(creds.id).finally(() => {
      if (this.#pending?.answer === answer) this.#pending = null;
    });
    this.#pending = { id: creds.id, answer };
    return answer;
  }

  async #load(id: string): Promise<Schemas['Portfolio'] | null> {
    this.loading = true;
    this.error = null;
    try {
      const p = await ok(
        api.GET('/v1/portfolios/{id}', { params: { path: { id } }, headers: session.portfolioHeaders() }),
      );
      this.portfolio = p;
      return p;
    } catch (err) {
      this.portfolio = null;
      this.error = err;
      const status = (err as { status?: number }).status;
      if (status === 401 || status === 404) session.signOut();
      return null;
    } finally {
      this.loading = false;
    }
  }

  /**
   * Signs in only once the API accepts the credentials: they are checked with their own headers
   * first, so a mistyped secret (or one that could not be checked) is never stored.
   */
  async signIn(creds: { id: string; secret: string }, remember: boolean): Promise<boolean> {
    this.error = null;
    try {
      const p = await ok(
        api.GET('/v1/portfolios/{id}', {
          params: { path: { id: creds.id } },
          headers: { 'X-Portfolio-Id': creds.id, 'X-Portfolio-Secret': creds.secret },
        }),
      );
      this.portfolio = p;
      session.signIn(creds, remember);
      return true;
    } catch (err) {
      this.portfolio = null;
      this.error = err;
      return false;
    }
  }

  changed(): void {
    this.revision += 1;
  }

  /** Signed out: nothing of the portfolio stays on screen. */
  clear(): void {
    this.portfolio = null;
    this.created = null;
  }
}

export const owner = new Owner();

/**
 * Downloads one of the portfolio's exports: fetched with the credential headers (a plain link
 * cannot send them), then saved from a Blob URL.
 */
export async function download(path: string, filename: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(path, { headers: session.portfolioHeaders() });
  } catch {
    throw new Error('The server could not be reached. Check your connection and try again.');
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { detail?: string; title?: string } | null;
    throw new Error(body?.detail ?? body?.title ?? `The server answered ${res.status}.`);
  }
  const url = URL.createObjectURL(await res.blob());
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    document.body.append(a);
    a.click();
    a.remove();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}

/** Exact `quantity × unit price` for a decimal string price (no floating point). */
export function times(unit: string, quantity: number): string {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(unit.trim());
  if (!m || !Number.isInteger(quantity) || quantity < 0) return unit;
  const frac = m[2] ?? '';
  const scaled = BigInt(`${m[1]}${frac}`) * BigInt(quantity);
  if (!frac) return scaled.toString();
  const s = scaled.toString().padStart(frac.length + 1, '0');
  return `${s.slice(0, -frac.length)}.${s.slice(-frac.length)}`;
}

/** Today as the API's calendar dates (UTC). */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export const CONDITIONS = [
  { value: 'NM', label: 'Near mint' },
  { value: 'LP', label: 'Lightly played' },
  { value: 'MP', label: 'Moderately played' },
  { value: 'HP', label: 'Heavily played' },
  { value: 'DMG', label: 'Damaged' },
] as const;

/** What a ledger entry is: the printing's name, set and number, or the owner's item name. */
export function itemName(
  printing: { name: string; set_id: string; number: string; finish: string } | null,
  item: string | null,
): string {
  if (printing) return `${printing.name} (${printing.set_id} ${printing.number}, ${printing.finish})`;
  return item ?? 'Unnamed item';
}
