/* global module */
/**
 * Module boundaries (docs/ARCHITECTURE.md, "Layout"). `npm run lint:deps` (scripts/check-boundaries.ts)
 * applies these rules and, in addition, forbids cycles between features at folder level
 * (src/features/<name>), which a module-level rule cannot see.
 */
const ROOT = '^src/(app|cli|runtime|server|cli-support|delivery-channels)\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-imports-no-feature',
      comment: 'platform/, quant/ and shared/ serve every feature and import none.',
      severity: 'error',
      from: { path: '^src/(platform|quant|shared)/' },
      to: { path: '^src/features/' },
    },
    {
      name: 'core-imports-no-root',
      comment: 'platform/, quant/ and shared/ do not import the composition root.',
      severity: 'error',
      from: { path: '^src/(platform|quant|shared)/' },
      to: { path: ROOT },
    },
    {
      name: 'feature-imports-no-root',
      comment:
        'Features receive what they need from the composition root (register functions, options); they never import it.',
      severity: 'error',
      from: { path: '^src/features/' },
      to: { path: ROOT },
    },
    {
      name: 'no-feature-imports-pipeline',
      comment: 'The pipeline orchestrates features; no feature depends on it.',
      severity: 'error',
      from: { path: '^src/features/', pathNot: '^src/features/pipeline/' },
      to: { path: '^src/features/pipeline/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/|\\.test\\.ts$' },
    tsPreCompilationDeps: true,
  },
};
