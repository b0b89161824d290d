#!/usr/bin/env bash
# Times LayoutReader.read + ImageScanner.scan on every layout of the shared corpus.
#
#   bench/scan.sh [LAYOUTS_DIR]
#
# LAYOUTS_DIR defaults to ../shared/corpus/layouts next to the checkout (or $SCAN_LAYOUTS).
# Environment: RUNS (default 3) repetitions, medians reported; SCAN_ONLY=<substring> to time only
# matching layouts; BENCH_SKIP_BUILD=1 to reuse plugin/target/classes as it is; JAVA_OPTS for the JVMs.
#
# Per run and layout: a fresh JVM scans the layout twice ("first" = what a build pays, helm's native
# library load included for chart layouts; "again" = same JVM, warmed up). Then one JVM scans all
# layouts in a row ("all together"). Prints a markdown table of medians; raw numbers go to
# bench/target/scan-results.tsv.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

LAYOUTS=${1:-${SCAN_LAYOUTS:-$REPO_DIR/../shared/corpus/layouts}}
RUNS=${RUNS:-3}
if [ ! -d "$LAYOUTS" ]; then
  echo "scan.sh: no corpus at $LAYOUTS (it lives outside the repo and is not always present); nothing to time."
  exit 0
fi
LAYOUTS=$(cd "$LAYOUTS" && pwd)
mapfile -t CASES < <(find "$LAYOUTS" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | LC_ALL=C sort | grep -F -- "${SCAN_ONLY:-}")
if [ ${#CASES[@]} -eq 0 ]; then
  echo "scan.sh: no layouts under $LAYOUTS${SCAN_ONLY:+ matching '$SCAN_ONLY'}; nothing to time."
  exit 0
fi

bench_build
WORK=$(mktemp -d /tmp/cluster-image-bench-scan.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
RESULTS="$BENCH_TARGET/scan-results.tsv"
: > "$RESULTS"

machine_facts
echo "layouts: ${#CASES[@]} under $LAYOUTS; runs: $RUNS"
# shellcheck disable=SC2086
JAVA=(java ${JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED -cp "$BENCH_CP" bench.ScanBench)

for run in $(seq 1 "$RUNS"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  printf '%s\tload\tload\t0\t%s\n' "$run" "$load" >> "$RESULTS"
  log "run $run/$RUNS: one fresh JVM per layout (load $load)"
  for c in "${CASES[@]}"; do
    timed=$(run_timed "$WORK/out.tsv" "${JAVA[@]}" "$WORK/run$run" 2 "$LAYOUTS/$c") \
      || { echo "scan.sh: scanning $c failed" >&2; exit 1; }
    grep -v '^TOTAL' "$WORK/out.tsv" | awk -v r="$run" -F'\t' '{print r "\tsingle\t" $0}' >> "$RESULTS"
    printf '%s\tprocess\t%s\t0\t%s\t\t\t\t%s\n' "$run" "$c" "${timed% *}" "${timed#* }" >> "$RESULTS"
    rm -rf "$WORK/run$run"
  done
  log "run $run/$RUNS: all layouts in one JVM"
  timed=$(run_timed "$WORK/out.tsv" "${JAVA[@]}" "$WORK/all$run" 1 "${CASES[@]/#/$LAYOUTS/}") || exit 1
  awk -v r="$run" -F'\t' '$1 == "TOTAL" {print r "\tall\tTOTAL\t1\t" $2; next} {print r "\tall\t" $0}' "$WORK/out.tsv" >> "$RESULTS"
  printf '%s\tprocess\tALL\t0\t%s\t\t\t\t%s\n' "$run" "${timed% *}" "${timed#* }" >> "$RESULTS"
  rm -rf "$WORK/all$run"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

values() { # mode layout iter [column] -> that column (default: ms) of every run
  awk -F'\t' -v m="$1" -v l="$2" -v i="$3" -v c="${4:-5}" '$2 == m && $3 == l && $4 == i {print $c}' "$RESULTS"
}
col() { values "$@" | median; }
least() { values "$@" | sort -g | head -1; }
each() { values "$@" | paste -sd/ | sed 's|/| / |g'; }
field() { # first value of column $4 for mode/layout
  awk -F'\t' -v m="$1" -v l="$2" -v f="$3" '$2 == m && $3 == l && $4 == 1 {print $f; exit}' "$RESULTS"
}

echo
echo "Medians of $RUNS runs, milliseconds. first = first scan in a fresh JVM (wall; min = fastest run; CPU = CPU"
echo "time of the scanning thread, which Helm's Go threads and the JIT threads are not in); again = second scan in"
echo "that JVM; process = the whole java process for that layout (JVM start, class loading, both scans), wall and"
echo "CPU (user + system, all threads)."
echo "Load average (1 min) at the start of each run: $(each load load 0)."
echo
echo "| layout | images | charts | first | first min | first CPU | again | process | process CPU |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for c in "${CASES[@]}"; do
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$c" "$(field single "$c" 6)" "$(field single "$c" 7)" \
    "$(col single "$c" 1)" "$(least single "$c" 1)" "$(col single "$c" 1 9)" "$(col single "$c" 2)" \
    "$(col process "$c" 0)" "$(col process "$c" 0 9)"
done
echo
echo "All ${#CASES[@]} layouts one after another in one JVM: $(col all TOTAL 1) ms scanning (runs: $(each all TOTAL 1))," \
  "$(col process ALL 0) ms for the whole process, $(col process ALL 0 9) ms CPU (medians of $RUNS)."
echo "Sum of the per-layout 'first' medians: $(for c in "${CASES[@]}"; do col single "$c" 1; done | awk '{s+=$1} END {printf "%.0f", s}') ms."
slowest=$(for c in "${CASES[@]}"; do printf '%s %s\n' "$(col single "$c" 1)" "$c"; done | sort -gr | head -3)
echo "Slowest (first scan): $(echo "$slowest" | awk '{printf "%s%s %s ms", (NR>1?"; ":""), $2, $1}')."
errors=$(awk -F'\t' '$2 == "single" && $4 == 1 && $8 > 0 {print $3}' "$RESULTS" | sort -u | tr '\n' ' ')
[ -n "$errors" ] && echo "Layouts with error findings (scanned all the same): $errors"
echo "Raw numbers: $RESULTS"
