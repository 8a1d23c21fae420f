#!/usr/bin/env bash
# The server-versions leg, as the workflow's legs job and .ci/run run it, after `npm ci`:
#   LEG=server-versions-node24 IMAGE=postgres=postgres:13,postgres=postgres:17,mysql=mariadb:10.5 bash ci/versions.sh
# IMAGE lists adapter=image pairs, oldest version first; an image written none(<image>) has no stand-in on this machine
# and is named as not run. Into results/$LEG/ beside leg.json:
# - results.json: one run over every server side by side (servers take turns within each workload, on this one
#   machine, so the ratios between versions compare like with like); a cell that fails or loses data fails the leg;
# - conformance.txt: each server's answers against the pins of its flavour and version; a changed answer, or a server
#   that does not report the version its image is tagged with, fails the leg;
# - compare-<adapter>.md: per adapter, its oldest server against its newest in that run (compare --baseline-server),
#   and the same short run on each of the two compared as two runs that differ only in the server (a report headed by
#   the server change). A difference between versions is what the leg is for, not a failure of it.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${LEG:?LEG names the leg}" "${IMAGE:?IMAGE lists adapter=image pairs}"
export CI=true
out=results/$LEG
rm -rf "$out"
mkdir -p "$out"

declare -A images=() oldest=() newest=()
adapters=()
not_run=()
IFS=, read -ra pairs <<<"$IMAGE"
for pair in "${pairs[@]}"; do
  adapter=${pair%%=*} image=${pair#*=}
  if [[ $image == none\(*\) ]]; then
    not_run+=("${image:5:-1}")
    continue
  fi
  [[ -v "images[$adapter]" ]] || { adapters+=("$adapter"); oldest[$adapter]=$image; }
  images[$adapter]+="${images[$adapter]:+,}$image"
  newest[$adapter]=$image
done
[ ${#adapters[@]} -gt 0 ] || { echo "no image to run in IMAGE=$IMAGE" >&2; exit 1; }
node -e 'const [leg, adapters, notRun] = process.argv.slice(1); process.stdout.write(JSON.stringify({ leg, adapter: adapters, node: process.versions.node, image: process.env.IMAGE, notRun: notRun ? notRun.split(" ") : [] }) + "\n")' \
  "$LEG" "$(IFS=,; echo "${adapters[*]}")" "${not_run[*]}" >"$out/leg.json"

flags=()
for adapter in "${adapters[@]}"; do flags+=("--$adapter-image" "${images[$adapter]}"); done
list=$(IFS=,; echo "${adapters[*]}")
echo "== leg $LEG: Node $(node --version); servers: ${flags[*]}"
if [ ${#not_run[@]} -gt 0 ]; then echo "== leg $LEG: not run here, no image can be had on this machine: ${not_run[*]}"; fi

echo "== leg $LEG: one run over every server, side by side"
npx dbmatrix run --adapter "$list" "${flags[@]}" --workload insert-sequential,insert-transaction-batch,crud-mix,read-point \
  --repeat 3 --duration 1s --warmup 20 --conformance --no-progress --out "$out"

echo "== leg $LEG: each server's conformance answers against its pins"
npx dbmatrix conformance --adapter "$list" "${flags[@]}" >"$out/conformance.txt" || {
  cat "$out/conformance.txt"
  echo "an answer differs from its pins" >&2
  exit 1
}
for adapter in "${adapters[@]}"; do
  IFS=, read -ra own <<<"${images[$adapter]}"
  for image in "${own[@]}"; do
    version=${image##*:} flavour=${image##*/} flavour=${flavour%%:*}
    # A version with pins must be found pinned; one without (no stand-in here to pin it from) is reported as not pinned.
    pinned='not pinned'
    [ -f "adapters/$adapter/pins/$flavour-$version.json" ] && pinned='pinned in '
    heading=$(grep -m1 -E "^$adapter( @ [^:]+)?: .*\($flavour ${version//./\\.}, $pinned" "$out/conformance.txt" || true)
    [ -n "$heading" ] || { cat "$out/conformance.txt"; echo "$image: no $adapter server reported $flavour $version ($pinned)" >&2; exit 1; }
    echo "$image: ${heading%%, profile*}"
  done
done

echo "== leg $LEG: each adapter's oldest server against its newest"
labels() { # labels ADAPTER: the first and the last server label of the adapter's cells in the run
  node -e 'const r = require(process.argv[1]); const l = [...new Set(r.cells.filter((c) => c.cell.adapter === process.argv[2]).map((c) => c.cell.serverLabel))]; console.log(l[0] + "\n" + l[l.length - 1])' \
    "$(pwd)/$out/results.json" "$1"
}
for adapter in "${adapters[@]}"; do
  [ "${oldest[$adapter]}" != "${newest[$adapter]}" ] || continue
  mapfile -t ends < <(labels "$adapter")
  code=0
  npx dbmatrix compare -b "$out/results.json" -c "$out/results.json" --baseline-server "${ends[0]}" --current-server "${ends[1]}" \
    --markdown "$out/compare-$adapter.md" >"$out/compare-$adapter.txt" || code=$?
  cat "$out/compare-$adapter.txt"
  [ "$code" -le 1 ] && grep -q "^server changed: $adapter " "$out/compare-$adapter.txt" || {
    echo "$adapter: compare of ${ends[0]} and ${ends[1]} exited $code, or its report is not headed by the server change" >&2
    exit 1
  }
  # Two runs that differ only in the server, as a user compares an upgrade: the same report heading.
  for side in oldest newest; do
    image=$side[$adapter]
    env "DBMATRIX_${adapter^^}_IMAGE=${!image}" npx dbmatrix run --adapter "$adapter" --workload insert-sequential,read-point \
      --ops 500 --repeat 2 --conformance --no-progress --out "$out/$adapter-$side" >/dev/null
  done
  code=0
  npx dbmatrix compare -b "$out/$adapter-oldest/results.json" -c "$out/$adapter-newest/results.json" >"$out/upgrade-$adapter.txt" || code=$?
  [ "$code" -le 1 ] && grep -q "^server changed: $adapter " "$out/upgrade-$adapter.txt" || {
    cat "$out/upgrade-$adapter.txt"
    echo "$adapter: compare of a run on ${oldest[$adapter]} with one on ${newest[$adapter]} exited $code, or is not headed by the server change" >&2
    exit 1
  }
  echo "$adapter: a run on ${oldest[$adapter]} against one on ${newest[$adapter]}: $(grep -m1 '^server changed' "$out/upgrade-$adapter.txt"), exit $code"
done
