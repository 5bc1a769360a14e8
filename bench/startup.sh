#!/usr/bin/env bash
# Start-up costs of the compiled runtime (docs/adr/0015) against running TypeScript through tsx,
# with hyperfine (apt-get install hyperfine); results go to bench/results/startup-*.json.
#
#   bench/startup.sh [RUNS] [BASE_REV]
#
# 1. `npm ci` in temporary clones of HEAD (its `prepare` step builds dist/) and, if BASE_REV is
#    given, of BASE_REV (before the build step existed); each run starts without node_modules or
#    dist/ but with the npm cache warm. Also `npm ci --omit=dev` of HEAD, which must still build.
# 2. `cardquant --help` in each runtime: compiled (node --enable-source-maps dist/main.js) and
#    typescript (src/main.ts through tsx, as bin/cardquant.js ran it before); needs npm run build.
# Cold start to a listening server is bench/cold-start.ts --runtime compiled|typescript.
set -euo pipefail
runs="${1:-5}"
base="${2:-}"
root="$(cd "$(dirname "$0")/.." && pwd)"
results="$root/bench/results"
mkdir -p "$results"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

clone() { # clone REV DIR
  git clone --quiet --no-checkout "$root" "$2"
  git -C "$2" checkout --quiet "$1"
}

clone HEAD "$tmp/head"
cmds=(-n "npm ci (HEAD, builds dist/)" "cd $tmp/head && npm ci --no-audit --no-fund")
if [ -n "$base" ]; then
  clone "$base" "$tmp/base"
  cmds+=(-n "npm ci ($base)" "cd $tmp/base && npm ci --no-audit --no-fund")
fi
hyperfine --runs "$runs" --prepare "rm -rf $tmp/head/node_modules $tmp/head/dist ${base:+$tmp/base/node_modules}" \
  --export-json "$results/startup-npm-ci.json" "${cmds[@]}"
hyperfine --runs 1 --prepare "rm -rf $tmp/head/node_modules $tmp/head/dist" \
  -n "npm ci --omit=dev (HEAD)" "cd $tmp/head && npm ci --omit=dev --no-audit --no-fund && test -f dist/main.js" \
  --export-json "$results/startup-npm-ci-omit-dev.json"

test -f "$root/dist/main.js" || (cd "$root" && npm run build)
hyperfine --runs "$runs" --warmup 1 --export-json "$results/startup-help.json" \
  -n "compiled: node --enable-source-maps dist/main.js --help" \
  "node --enable-source-maps $root/dist/main.js --help" \
  -n "typescript: node src/platform/typescript-entry.mjs src/main.ts --help" \
  "node $root/src/platform/typescript-entry.mjs $root/src/main.ts --help"
