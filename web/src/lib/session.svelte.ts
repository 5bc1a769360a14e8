// Who the browser acts as: a portfolio (id + secret) and/or an operator key.
// The portfolio secret lives in sessionStorage (gone when the tab closes) unless the user chose
// "remember on this device" (localStorage). The operator key is never persisted: memory only.
const KEY = 'cardquant.portfolio';

export interface PortfolioCredentials {
  id: string;
  secret: string;
}

function read(storage: Storage | undefined): PortfolioCredentials | null {
  try {
    const raw = storage?.getItem(KEY);
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<PortfolioCredentials>;
    return typeof v.id === 'string' && typeof v.secret === 'string' ? { id: v.id, secret: v.secret } : null;
  } catch {
    return null;
  }
}

const browser = typeof window !== 'undefined';

class Session {
  portfolio = $state<PortfolioCredentials | null>(
    browser ? (read(window.sessionStorage) ?? read(window.localStorage)) : null,
  );
  remembered = $state(browser ? read(window.localStorage) !== null : false);
  operatorKey = $state<string | null>(null);

  signIn(credentials: PortfolioCredentials, remember: boolean): void {
    this.signOut();
    const text = JSON.stringify(credentials);
    (remember ? window.localStorage : window.sessionStorage).setItem(KEY, text);
    this.portfolio = credentials;
    this.remembered = remember;
  }

  signOut(): void {
    if (browser) {
      window.sessionStorage.removeItem(KEY);
      window.localStorage.removeItem(KEY);
    }
    this.portfolio = null;
    this.remembered = false;
  }

  /** The headers that authenticate as the signed-in portfolio. */
  portfolioHeaders(): Record<string, string> {
    if (!this.portfolio) return {};
    return { 'X-Portfolio-Id': this.portfolio.id, 'X-Portfolio-Secret': this.portfolio.secret };
  }

  /** The headers that authenticate as the operator (bearer key), memory only. */
  operatorHeaders(): Record<string, string> {
    return this.operatorKey ? { Authorization: `Bearer ${this.operatorKey}` } : {};
  }
}

export const session = new Session();
