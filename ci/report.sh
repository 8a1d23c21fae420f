#!/usr/bin/env bash
# The report job's work, as the workflow and .ci/run run it:  bash ci/report.sh LEGS_DIR OUT_DIR
# LEGS_DIR holds one folder per leg, results-<leg>/ (as download-artifact lays out the legs' uploads), each with
# results.json and leg.json. The legs whose `report` is `merged` (ci/legs.js) are merged into one run
# (OUT_DIR/results.json), reported (summary.md, report.html, bench/) and compared with the baseline; the others are
# reported on their own, the server-versions leg with its comparisons of each adapter's oldest and newest server. Everything ends up in OUT_DIR/summary.md, and in $GITHUB_STEP_SUMMARY when that is set.
#   DBMATRIX_BASELINE      results.json to compare with; when the file does not exist, the summary says so in a notice
#   DBMATRIX_NEW_BASELINE  where to copy the merged run if it may become the baseline (every leg present, every cell passed)
#   DBMATRIX_LEGS_NOT_RUN  legs that were knowingly not run (.ci/run: no image for them here), named in the summary
# Exit code 1 when a leg uploaded no results, a cell failed, or compare found a regression; the summary is written first.
set -uo pipefail
cd "$(dirname "$0")/.."
legs_dir=${1:?usage: ci/report.sh LEGS_DIR OUT_DIR}
out=${2:?usage: ci/report.sh LEGS_DIR OUT_DIR}
mkdir -p "$out"
summary=$out/summary.md
: >"$summary"
code=0
note() { printf '%s\n' "$*" >>"$summary"; }
fail() { code=1; note "$@"; echo "$*" >&2; }

merged=()
own=()
versions=()
missing=()
while read -r leg _adapter _node _image report _local_image _script; do
  if [[ " ${DBMATRIX_LEGS_NOT_RUN:-} " == *" $leg "* ]]; then
    note "> [!NOTE]"
    note "> Leg \`$leg\` was not run on this machine (see the CI log for why); its cells are absent from this report."
    note ""
    continue
  fi
  file=$legs_dir/results-$leg/results.json
  if [ ! -f "$file" ]; then missing+=("$leg"); continue; fi
  case $report in
    merged) merged+=("$file") ;;
    versions) versions+=("$leg") ;;
    *) own+=("$leg") ;;
  esac
done < <(node ci/legs.js)

if [ ${#missing[@]} -gt 0 ]; then
  note "> [!CAUTION]"
  fail "> Leg(s) ${missing[*]} uploaded no results.json: their cells are missing from this report and from the comparison."
  note ""
fi

if [ ${#merged[@]} -gt 0 ]; then
  npx dbmatrix merge "${merged[@]}" --out "$out/results.json" || code=1
fi
if [ -f "$out/results.json" ]; then
  cells_ok=true
  npx dbmatrix report "$out/results.json" --markdown "$out/merged.md" --html "$out/report.html" --bench-json "$out/bench" --title "dbmatrix: merged legs" || { code=1; cells_ok=false; }
  cat "$out/merged.md" >>"$summary"
  if [ -n "${DBMATRIX_BASELINE:-}" ] && [ -f "$DBMATRIX_BASELINE" ]; then
    npx dbmatrix compare --baseline "$DBMATRIX_BASELINE" --current "$out/results.json" --markdown "$out/compare.md" --json "$out/compare.json" || code=1
    cat "$out/compare.md" >>"$summary"
  else
    # No baseline is not a pass: the summary says so where a reader looks, and so does the log.
    note ""
    note "> [!WARNING]"
    note "> No baseline to compare with${DBMATRIX_BASELINE:+ (no file at \`$DBMATRIX_BASELINE\`)}: this run was not judged for regressions. A baseline is kept from each run on main in which every leg passed."
    echo "::notice title=dbmatrix::no baseline to compare with; this run was not judged for regressions"
  fi
fi

for leg in "${own[@]}"; do
  note ""
  npx dbmatrix report "$legs_dir/results-$leg/results.json" --markdown "$out/$leg.md" --title "dbmatrix: $leg" || code=1
  cat "$out/$leg.md" >>"$summary"
done

# The server versions side by side, each adapter's oldest against its newest, and the versions that could not run.
for leg in "${versions[@]}"; do
  note ""
  npx dbmatrix report "$legs_dir/results-$leg/results.json" --markdown "$out/$leg.md" --title "dbmatrix: server versions" || code=1
  cat "$out/$leg.md" >>"$summary"
  for md in "$legs_dir/results-$leg"/compare-*.md; do
    [ -f "$md" ] || continue
    note ""
    cat "$md" >>"$summary"
  done
  skipped=$(node -e 'console.log((require(process.argv[1]).notRun ?? []).join(", "))' "$(realpath "$legs_dir/results-$leg/leg.json")")
  if [ -n "$skipped" ]; then
    note ""
    note "> [!NOTE]"
    note "> Not run in \`$leg\` (no image for them on that machine): $skipped."
  fi
done

if [ -n "${DBMATRIX_NEW_BASELINE:-}" ]; then
  # A regression on main is the new normal and becomes the baseline; a hole (a missing leg, a failed cell) never does.
  if [ "${cells_ok:-false}" = true ] && [ ${#missing[@]} -eq 0 ]; then
    mkdir -p "$(dirname "$DBMATRIX_NEW_BASELINE")"
    cp "$out/results.json" "$DBMATRIX_NEW_BASELINE"
    echo "kept as the baseline: $DBMATRIX_NEW_BASELINE"
    if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "kept-baseline=true" >>"$GITHUB_OUTPUT"; fi
  else
    echo "not kept as the baseline: a leg is missing or a cell failed" >&2
  fi
fi

if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$summary" >>"$GITHUB_STEP_SUMMARY"; fi
exit "$code"
