/**
 * Standard Webhooks headers (https://www.standardwebhooks.com): `webhook-id` is the delivery id
 * (the same on every attempt and redelivery, so receivers de-duplicate on it), `webhook-timestamp`
 * the attempt's time in seconds, `webhook-signature` one `v1,<base64 HMAC-SHA256>` of
 * `id.timestamp.body` per live secret, space-separated — during a rotation's overlap the new
 * secret's signature and the previous one's.
 */
import { Webhook } from 'standardwebhooks';

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * @example
 * signedHeaders({ id: 'dlv_01…', atMs: Date.now(), body: '{}', secrets: ['whsec_…'] });
 */
export function signedHeaders(args: { id: string; atMs: number; body: string; secrets: string[] }): SignedHeaders {
  const at = new Date(Math.floor(args.atMs / 1000) * 1000);
  return {
    'webhook-id': args.id,
    'webhook-timestamp': String(Math.floor(args.atMs / 1000)),
    'webhook-signature': args.secrets.map((s) => new Webhook(s).sign(args.id, at, args.body)).join(' '),
  };
}
