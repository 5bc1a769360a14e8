/**
 * A webhook endpoint's URL and signing secrets are stored sealed with the data key (SecretBox),
 * each bound to its row and column by the associated data, so a sealed value copied to another
 * row or column does not open. Secrets are `whsec_` + 24 random bytes in base64, as the Standard
 * Webhooks specification describes.
 */
import { randomBytes } from 'node:crypto';
import type { SecretBox } from '../../platform/secret-box.ts';

export type SealedColumn = 'url_sealed' | 'secret_sealed' | 'previous_secret_sealed';

/** What a sealed column of endpoint `id` is bound to. */
export function endpointContext(id: string, column: SealedColumn): string {
  return `webhook_endpoints.${column}:${id}`;
}

/** A new signing secret (`whsec_…`, 192 random bits). */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export function sealColumn(box: SecretBox, id: string, column: SealedColumn, value: string): string {
  return box.seal(value, endpointContext(id, column));
}

export function openColumn(box: SecretBox, id: string, column: SealedColumn, sealed: string): string {
  return box.open(sealed, endpointContext(id, column));
}
