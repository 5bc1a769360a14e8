import { describe, expect, it } from 'vitest';
import { finishOf } from './finishes.ts';

describe('finishOf', () => {
  it("maps each source's spelling of a finish", () => {
    expect(finishOf('Reverse Holofoil')).toBe('reverse-holofoil');
    expect(finishOf('1stEditionHolofoil')).toBe('1st-edition-holofoil');
    expect(finishOf('reverse_holo')).toBe('reverse-holofoil');
    expect(finishOf('  Unlimited   Normal ')).toBe('unlimited');
  });

  it('finds nothing for a label named like a property every object has', () => {
    for (const label of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])
      expect(finishOf(label)).toBeNull();
  });
});
