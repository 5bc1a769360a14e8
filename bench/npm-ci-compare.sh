#!/usr/bin/env bash
# `npm ci` (full install, devDependencies included: what a developer and CI run) of a base
# revision against HEAD, timed with hyperfine (apt-get install hyperfine) in fresh clones, the npm
# cache warm; each run starts without node_modules or dist/. Results in
# bench/results/npm-ci-compare.json.
#
#   bench/npm-ci-compare.sh BASE_REV [RUNS]
set -euo pipefail
base="${1:?usage: bench/npm-ci-compare.sh BASE_REV [RUNS]}"
runs="${2:-3}"
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$root/bench/results"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
git clone --quiet "$root" "$tmp/before" && git -C "$tmp/before" checkout --quiet "$base"
git clone --quiet "$root" "$tmp/after"
cd "$tmp"
hyperfine --runs "$runs" --prepare 'rm -rf before/node_modules before/dist after/node_modules after/dist' \
  --export-json "$root/bench/results/npm-ci-compare.json" \
  -n "before ($base)" "cd before && npm ci --no-audit --no-fund --loglevel=error" \
  -n "after (HEAD, prepare builds dist/)" "cd after && npm ci --no-audit --no-fund --loglevel=error && test -f dist/main.js"
