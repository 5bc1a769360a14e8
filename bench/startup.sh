#!/usr/bin/env bash
# Start-up costs of the compiled runtime (docs/adr/0015) against running TypeScript through tsx,
# timed with hyperfine (apt-get install hyperfine); results in bench/results/startup-*.json.
#
#   bench/startup.sh [RUNS] [NPM_CI_RUNS]
#
# 1. `npm ci --omit=dev` in a temporary clone of HEAD, NPM_CI_RUNS times (default 1): the whole
#    production install, its `prepare` build included; it fails unless dist/main.js was built.
#    Each run starts without node_modules or dist/, with the npm cache warm.
# 2. The build alone (`node scripts/build.mjs`, what `prepare` runs), RUNS times (default 5).
# 3. `cardquant --help` in each runtime, RUNS times after one warm-up: compiled
#    (node --enable-source-maps dist/main.js) and typescript (src/main.ts through tsx, as
#    bin/cardquant.js ran everything before the build step); builds dist/ first if missing.
# Cold start to a listening server is bench/cold-start.ts --runtime compiled|typescript.
set -euo pipefail
runs="${1:-5}"
ci_runs="${2:-1}"
root="$(cd "$(dirname "$0")/.." && pwd)"
results="$root/bench/results"
mkdir -p "$results"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

git clone --quiet "$root" "$tmp/head"
hyperfine --runs "$ci_runs" --prepare "rm -rf $tmp/head/node_modules $tmp/head/dist" \
  --export-json "$results/startup-npm-ci.json" \
  -n "npm ci --omit=dev (builds dist/)" \
  "cd $tmp/head && npm ci --omit=dev --no-audit --no-fund --loglevel=error && test -f dist/main.js"

hyperfine --runs "$runs" --export-json "$results/startup-build.json" \
  -n "node scripts/build.mjs" "node $root/scripts/build.mjs --out-dir $tmp/dist"

test -f "$root/dist/main.js" || (cd "$root" && npm run build)
hyperfine --runs "$runs" --warmup 1 --export-json "$results/startup-help.json" \
  -n "compiled: node --enable-source-maps dist/main.js --help" \
  "node --enable-source-maps $root/dist/main.js --help" \
  -n "typescript: node src/platform/typescript-entry.mjs src/main.ts --help" \
  "node $root/src/platform/typescript-entry.mjs $root/src/main.ts --help"
