import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkBoundaries, FEATURE_CYCLE_RULE, featureCycles } from './check-boundaries.ts';

describe('module boundaries', () => {
  it('the source tree keeps them', async () => {
    expect(await checkBoundaries()).toEqual([]);
  });

  describe('a tree that breaks each rule', () => {
    // A fixture tree outside the repository: nothing is ever written under src/.
    const dir = mkdtempSync(join(tmpdir(), 'boundaries-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const plant = (path: string, text: string) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    plant('src/runtime.ts', 'export const runtime = 1;\n');
    // alpha → beta through one module, beta → alpha through another: no module cycle, a folder cycle.
    plant('src/features/alpha/one.ts', "import { two } from '../beta/two.ts';\nexport const one = two;\n");
    plant('src/features/alpha/three.ts', 'export const three = 3;\n');
    plant('src/features/beta/two.ts', 'export const two = 2;\n');
    plant(
      'src/features/beta/four.ts',
      "import type { three } from '../alpha/three.ts';\nexport type Four = typeof three;\n",
    );
    plant('src/features/gamma/cli.ts', "import { runtime } from '../../runtime.ts';\nexport const g = runtime;\n");
    plant('src/platform/leak.ts', "import { one } from '../features/alpha/one.ts';\nexport const leak = one;\n");
    plant('src/shared/root.ts', "import { runtime } from '../runtime.ts';\nexport const r = runtime;\n");

    it('names every broken rule', async () => {
      const found = await checkBoundaries(dir);
      expect(found).toEqual(
        expect.arrayContaining([
          { rule: FEATURE_CYCLE_RULE, from: 'src/features/alpha', to: 'alpha → beta → alpha' },
          { rule: 'feature-imports-no-root', from: 'src/features/gamma/cli.ts', to: 'src/runtime.ts' },
          { rule: 'core-imports-no-feature', from: 'src/platform/leak.ts', to: 'src/features/alpha/one.ts' },
          { rule: 'core-imports-no-root', from: 'src/shared/root.ts', to: 'src/runtime.ts' },
        ]),
      );
      expect(found).toHaveLength(4);
    });
  });

  it('finds each cycle between features once, however long', () => {
    const edges = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a', 'd'])],
      ['d', new Set<string>()],
    ]);
    expect(featureCycles(edges)).toEqual([['a', 'b', 'c', 'a']]);
    expect(featureCycles(new Map([['a', new Set(['b'])]]))).toEqual([]);
  });
});
