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

# A server served from anywhere but a container would mean this leg did not test what it claims to (a file database
# has no server, so nothing to check).
export DBMATRIX_EXPECT_PROVIDER=testcontainers
if [ -n "${IMAGE:-}" ]; then export "DBMATRIX_${ADAPTER^^}_IMAGE=$IMAGE"; fi
echo "== leg $LEG: Node $(node --version), adapter $ADAPTER${IMAGE:+, image $IMAGE}"

echo "== leg $LEG: npm test -- --adapter=$ADAPTER"
npm test -- --adapter="$ADAPTER"

# The benchmark's figures feed the report job; a failed cell (exit 1) fails the leg after its results are written.
# Each cell is measured for a time, not a count: 2,000 operations of insert-transaction-batch are 200,000 INSERTs,
# which took 190 of the PostgreSQL leg's 280 measured seconds while crud-mix took 2; 3 repeats of 2 s give every
# workload the same samples to judge by.
echo "== leg $LEG: benchmark"
npx dbmatrix run --adapter "$ADAPTER" --repeat 3 --duration 2s --warmup 20 --conformance --no-progress --out "$out"
