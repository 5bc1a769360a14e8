/**
 * Verifies a DKIM-Signature (RFC 6376, rsa-sha256, relaxed/relaxed) on a raw message with the
 * signer's public key: the test's own check that the signature a mail carries is valid, not only
 * present.
 */
import { createHash, createVerify, type KeyObject } from 'node:crypto';

function relaxedHeader(line: string): string {
  const colon = line.indexOf(':');
  const name = line.slice(0, colon).trim().toLowerCase();
  const value = line
    .slice(colon + 1)
    .replace(/\r\n(?=[ \t])/g, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
  return `${name}:${value}`;
}

function relaxedBody(body: string): string {
  const lines = body.split('\r\n').map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.length === 0 ? '' : `${lines.join('\r\n')}\r\n`;
}

export function verifyDkim(raw: string, publicKey: KeyObject): { ok: boolean; reason: string } {
  const split = raw.indexOf('\r\n\r\n');
  const headerText = raw.slice(0, split);
  const body = raw.slice(split + 4);
  const headers = headerText.split(/\r\n(?![ \t])/);
  const signature = headers.find((h) => /^dkim-signature:/i.test(h));
  if (!signature) return { ok: false, reason: 'no DKIM-Signature' };
  const tags = Object.fromEntries(
    relaxedHeader(signature)
      .slice('dkim-signature:'.length)
      .split(';')
      .map((t) => t.trim())
      .filter(Boolean)
      .map((t) => [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1).replace(/\s/g, '')]),
  ) as Record<string, string>;
  if (tags.c !== 'relaxed/relaxed' || tags.a !== 'rsa-sha256')
    return { ok: false, reason: `unsupported ${tags.c} ${tags.a}` };
  const bodyHash = createHash('sha256').update(relaxedBody(body)).digest('base64');
  if (bodyHash !== tags.bh) return { ok: false, reason: 'body hash differs' };
  const remaining = headers.filter((h) => h !== signature);
  const signed: string[] = [];
  for (const name of tags.h!.split(':')) {
    // The last unused instance of a header is signed first (RFC 6376 §5.4.2).
    for (let i = remaining.length - 1; i >= 0; i--) {
      if (remaining[i]!.slice(0, remaining[i]!.indexOf(':')).trim().toLowerCase() === name.toLowerCase()) {
        signed.push(`${relaxedHeader(remaining[i]!)}\r\n`);
        remaining.splice(i, 1);
        break;
      }
    }
  }
  const unsigned = relaxedHeader(signature).replace(/([;\s]b=)[^;]*/, '$1');
  const verifier = createVerify('RSA-SHA256');
  verifier.update(signed.join('') + unsigned);
  return verifier.verify(publicKey, Buffer.from(tags.b!, 'base64'))
    ? { ok: true, reason: 'valid' }
    : { ok: false, reason: 'signature does not verify' };
}
