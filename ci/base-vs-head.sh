#!/usr/bin/env bash
# The base-vs-head job: the pull request's base and head measured in alternating rounds on this one runner, so the
# difference between two runners cannot pass for a regression (the cached baseline's weakness). Run from the head checkout:
#   bash ci/base-vs-head.sh BASE_DIR [dbmatrix run arguments...]
# e.g. bash ci/base-vs-head.sh base --workload insert-sequential,read-point --ops 2000
#   DBMATRIX_ADAPTER  adapters to run (default: dbmatrix run's default adapter); their servers come as `dbmatrix run` finds them (URL variables, else Testcontainers)
#   DBMATRIX_ROUNDS   rounds, each running base and head once (default 6)
#   DBMATRIX_OUT      results folder, emptied first (default results/base-vs-head): rounds/, base.json, head.json, compare.md
# Exit code as `dbmatrix compare`'s: 1 when head regressed; compare.md goes to $GITHUB_STEP_SUMMARY when that is set.
set -euo pipefail
base=$(cd "${1:?usage: ci/base-vs-head.sh BASE_DIR [dbmatrix run arguments...]}" && pwd)
shift
cd "$(dirname "$0")/.."
out=${DBMATRIX_OUT:-results/base-vs-head}

echo "== npm ci in the base checkout ($base) and in the head checkout ($(pwd))"
(cd "$base" && npm ci --no-audit --no-fund)
npm ci --no-audit --no-fund

rm -rf "$out"
code=0
# Head's dbmatrix drives both sides, so both are judged by the same compare; each side runs its own bin/dbmatrix.js.
node bin/dbmatrix.js alternate --base "$base" --head . --rounds "${DBMATRIX_ROUNDS:-6}" --out "$out" \
  -- ${DBMATRIX_ADAPTER:+--adapter "$DBMATRIX_ADAPTER"} "$@" || code=$?
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$out/compare.md" ]; then cat "$out/compare.md" >>"$GITHUB_STEP_SUMMARY"; fi
exit "$code"
