import { describe, expect, it } from 'vitest';
import { weakEtag } from './conditional.ts';

describe('weakEtag', () => {
  it('joins the version stamps under the representation of this release', () => {
    expect(weakEtag('01JD', '2026-12-04')).toBe('W/"2-01JD-2026-12-04"');
  });

  it('differs from what 0.2.x sent for the same data, so caches revalidate after the renames of 0.3.0', () => {
    expect(weakEtag('01JD')).not.toBe('W/"1-01JD"');
  });
});
