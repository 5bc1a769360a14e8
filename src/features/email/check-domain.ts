/**
 * `cardquant email check-domain`: looks up the sender-authentication records docs/EMAIL.md asks
 * an operator to publish (SPF, DKIM, DMARC, and Postmark's Return-Path) and reports each as
 * published, missing or wrong. Lookups go to DNS_SERVERS when set, else the system resolvers.
 */
import { Resolver } from 'node:dns/promises';

export type CheckProvider = 'smtp' | 'resend' | 'postmark' | 'file';

export interface RecordCheck {
  record: 'SPF' | 'DKIM' | 'DMARC' | 'Return-Path';
  name: string;
  status: 'published' | 'missing' | 'wrong';
  detail: string;
}

/** The lookups a check makes (node:dns/promises Resolver has both). */
export interface TxtResolver {
  resolveTxt(name: string): Promise<string[][]>;
  resolveCname(name: string): Promise<string[]>;
}

/** A resolver that asks `servers` (`host` or `host:port`), or the system's when empty. */
export function dnsResolver(servers: string[], timeoutMs = 3000): Resolver {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
  if (servers.length > 0) resolver.setServers(servers);
  return resolver;
}

/** The selector a provider signs with when the operator names none (Resend: `resend`). */
export function defaultSelector(provider: CheckProvider): string | null {
  return provider === 'resend' ? 'resend' : null;
}

async function txt(resolver: TxtResolver, name: string): Promise<string[] | { error: string }> {
  try {
    return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(''));
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'error';
    return { error: code };
  }
}

const absent = (code: string) =>
  code === 'ENOTFOUND' || code === 'ENODATA' ? 'no TXT record' : `lookup failed (${code})`;

async function checkSpf(resolver: TxtResolver, name: string, include: string | null): Promise<RecordCheck> {
  const found = await txt(resolver, name);
  if ('error' in found) return { record: 'SPF', name, status: 'missing', detail: absent(found.error) };
  const spf = found.filter((r) => /^v=spf1(\s|$)/i.test(r));
  if (spf.length === 0) return { record: 'SPF', name, status: 'missing', detail: 'no v=spf1 record' };
  if (spf.length > 1)
    return { record: 'SPF', name, status: 'wrong', detail: 'more than one v=spf1 record (SPF fails)' };
  const record = spf[0]!;
  if (/\s\+?all(\s|$)/i.test(record))
    return { record: 'SPF', name, status: 'wrong', detail: `allows anyone: ${record}` };
  if (include && !record.toLowerCase().split(/\s+/).includes(`include:${include}`))
    return { record: 'SPF', name, status: 'wrong', detail: `lacks include:${include}: ${record}` };
  return { record: 'SPF', name, status: 'published', detail: record };
}

async function checkDkim(resolver: TxtResolver, domain: string, selector: string | null): Promise<RecordCheck> {
  if (!selector)
    return {
      record: 'DKIM',
      name: `<selector>._domainkey.${domain}`,
      status: 'missing',
      detail: 'no selector: pass --selector',
    };
  const name = `${selector}._domainkey.${domain}`;
  const found = await txt(resolver, name);
  if ('error' in found) return { record: 'DKIM', name, status: 'missing', detail: absent(found.error) };
  const key = found.find((r) => /(^|;)\s*p=/i.test(r));
  if (!key) return { record: 'DKIM', name, status: 'missing', detail: 'no record with a p= tag' };
  const p = /(?:^|;)\s*p=([^;]*)/i.exec(key)?.[1]?.trim() ?? '';
  if (p === '') return { record: 'DKIM', name, status: 'wrong', detail: 'empty p= (the key is revoked)' };
  if (!/^[A-Za-z0-9+/=\s]+$/.test(p)) return { record: 'DKIM', name, status: 'wrong', detail: 'p= is not base64' };
  return { record: 'DKIM', name, status: 'published', detail: `${key.slice(0, 60)}${key.length > 60 ? '…' : ''}` };
}

async function checkDmarc(resolver: TxtResolver, domain: string): Promise<RecordCheck> {
  const name = `_dmarc.${domain}`;
  const found = await txt(resolver, name);
  if ('error' in found) return { record: 'DMARC', name, status: 'missing', detail: absent(found.error) };
  const dmarc = found.filter((r) => /^v=DMARC1\s*(;|$)/i.test(r));
  if (dmarc.length === 0) return { record: 'DMARC', name, status: 'missing', detail: 'no v=DMARC1 record' };
  if (dmarc.length > 1) return { record: 'DMARC', name, status: 'wrong', detail: 'more than one v=DMARC1 record' };
  const policy = /;\s*p=(none|quarantine|reject)\s*(;|$)/i.exec(dmarc[0]!)?.[1];
  if (!policy) return { record: 'DMARC', name, status: 'wrong', detail: `no valid p= policy: ${dmarc[0]}` };
  return { record: 'DMARC', name, status: 'published', detail: dmarc[0]! };
}

async function checkReturnPath(resolver: TxtResolver, domain: string): Promise<RecordCheck> {
  const name = `pm-bounces.${domain}`;
  try {
    const targets = await resolver.resolveCname(name);
    return targets.some((t) => t.toLowerCase().replace(/\.$/, '') === 'pm.mtasv.net')
      ? { record: 'Return-Path', name, status: 'published', detail: 'CNAME pm.mtasv.net' }
      : { record: 'Return-Path', name, status: 'wrong', detail: `CNAME ${targets.join(', ')} (expected pm.mtasv.net)` };
  } catch (err) {
    return {
      record: 'Return-Path',
      name,
      status: 'missing',
      detail: absent((err as { code?: string }).code ?? 'error'),
    };
  }
}

/**
 * Checks what `provider` needs published for `domain` (docs/EMAIL.md, "Sender authentication").
 *
 * @example
 * const checks = await checkDomain(dnsResolver([]), 'example.com', { provider: 'resend' });
 */
export async function checkDomain(
  resolver: TxtResolver,
  domain: string,
  options: { provider: CheckProvider; selector?: string | null },
): Promise<RecordCheck[]> {
  const d = domain.toLowerCase().replace(/\.$/, '');
  const selector = options.selector ?? defaultSelector(options.provider);
  const checks: Promise<RecordCheck>[] = [];
  if (options.provider === 'resend') checks.push(checkSpf(resolver, `send.${d}`, 'amazonses.com'));
  else if (options.provider === 'postmark') checks.push(checkReturnPath(resolver, d));
  else checks.push(checkSpf(resolver, d, null));
  checks.push(checkDkim(resolver, d, selector), checkDmarc(resolver, d));
  return Promise.all(checks);
}

/** The report's lines and its exit code (1 when anything is missing or wrong). */
export function report(checks: RecordCheck[]): { lines: string[]; exitCode: number } {
  const lines = checks.map((c) => `${c.record.padEnd(11)} ${c.status.padEnd(9)} ${c.name}  ${c.detail}`);
  return { lines, exitCode: checks.every((c) => c.status === 'published') ? 0 : 1 };
}
