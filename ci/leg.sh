#!/usr/bin/env bash
# One leg of the CI matrix, exactly as the workflow's `legs` job and .ci/run run it, after `npm ci`:
#   LEG=postgres15-node24 ADAPTER=postgres IMAGE=postgres:15 bash ci/leg.sh
# It runs the test suite for one adapter under CI=true (a skipped test fails it), with its server from Testcontainers
# (IMAGE, when set, is the image to start), then the benchmark run whose results.json the report job merges, into
# results/$LEG/ beside leg.json, which says which leg made it.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${LEG:?LEG names the leg}" "${ADAPTER:?ADAPTER names the adapter}"
export CI=true
out=results/$LEG
rm -rf "$out"
mkdir -p "$out"
node -e 'process.stdout.write(JSON.stringify({ leg: process.argv[1], adapter: process.argv[2], node: process.versions.node, image: process.argv[3] }) + "\n")' \
  "$LEG" "$ADAPTER" "${IMAGE:-}" >"$out/leg.json"

if [ "$ADAPTER" != sqlite ]; then
  # A suite served from anywhere but a container would mean this leg did not test what it claims to.
  export DBMATRIX_EXPECT_PROVIDER=testcontainers
  if [ -n "${IMAGE:-}" ]; then export "DBMATRIX_${ADAPTER^^}_IMAGE=$IMAGE"; fi
fi
echo "== leg $LEG: Node $(node --version), adapter $ADAPTER${IMAGE:+, image $IMAGE}"

echo "== leg $LEG: npm test -- --adapter=$ADAPTER"
npm test -- --adapter="$ADAPTER"

# The benchmark's figures feed the report job; a failed cell (exit 1) fails the leg after its results are written.
echo "== leg $LEG: benchmark"
npx dbmatrix run --adapter "$ADAPTER" --repeat 3 --ops 2000 --conformance --no-progress --out "$out"
