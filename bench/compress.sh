#!/usr/bin/env bash
# Layer compression throughput: the JDK's GZIPOutputStream (today's gzip layers), the plugin's
# ParallelGzipOutputStream at 1 and 2 threads (levels 1 and 6), ParallelZstdOutputStream at 1 and
# 2 threads, aircompressor's own ZstdOutputStream, and the command-line gzip / pigz / zstd on the
# same file.
#
#   bench/compress.sh
#
# Environment: SIZE_MB (default 300) of mixed data, half random and half YAML-like text
# (bench.CompressBench generate; KIND=text: text only, KIND=random: random only); RUNS (default 3), medians reported; MODES to override the Java
# modes; BENCH_SKIP_BUILD=1 to reuse plugin/target/classes; JAVA_OPTS for the JVMs.
# Each Java mode runs in a fresh JVM (a build compresses cold); its time is the compression alone,
# reading the file from the page cache and writing to a counting sink. The tools write into `wc -c`.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SIZE_MB=${SIZE_MB:-300}
RUNS=${RUNS:-3}
MODES=${MODES:-"jdk-gzip-1 pgzip-1-1 pgzip-1-2 jdk-gzip-6 pgzip-6-1 pgzip-6-2 zstdstream pzstd-1 pzstd-2"}

bench_build
WORK=$(mktemp -d /tmp/cluster-image-bench-compress.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
RESULTS="$BENCH_TARGET/compress-results.tsv"
: > "$RESULTS"

machine_facts
# shellcheck disable=SC2086
JAVA=(java ${JAVA_OPTS:-} -cp "$BENCH_CP" bench.CompressBench)
INPUT="$WORK/mixed.bin"
"${JAVA[@]}" generate "$INPUT" "$SIZE_MB" "${KIND:-mixed}"
cat "$INPUT" > /dev/null # into the page cache
echo "input: $SIZE_MB MiB ${KIND:-mixed} (mixed: half random, half text); runs: $RUNS"

TOOLS=()
command -v gzip > /dev/null && TOOLS+=("gzip -1" "gzip -6")
command -v pigz > /dev/null && TOOLS+=("pigz -1 -p 2" "pigz -6 -p 2")
command -v zstd > /dev/null && TOOLS+=("zstd -1 -T1" "zstd -3 -T1" "zstd -3 -T2")

for run in $(seq "$RUNS"); do
  log "run $run/$RUNS (load $(cut -d' ' -f1 /proc/loadavg))"
  for mode in $MODES; do
    # mode wall_ms cpu_ms in out
    echo "$("${JAVA[@]}" "$mode" "$INPUT")" | tr ' ' '\t' >> "$RESULTS"
  done
  for tool in "${TOOLS[@]}"; do
    read -r wall cpu < <(run_timed "$WORK/count" bash -c "$tool -c '$INPUT' | wc -c")
    printf '%s\t%s\t%s\t%s\t%s\n' "${tool// /_}" "$wall" "$cpu" "$(stat -c %s "$INPUT")" "$(cat "$WORK/count")" >> "$RESULTS"
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "| compressor | wall (median) | MB/s | CPU (median) | output / input |"
echo "|---|---|---|---|---|"
for name in $(cut -f1 "$RESULTS" | awk '!seen[$0]++'); do
  wall=$(awk -v n="$name" '$1 == n {print $2}' "$RESULTS" | median)
  cpu=$(awk -v n="$name" '$1 == n {print $3}' "$RESULTS" | median)
  read -r in out < <(awk -v n="$name" '$1 == n {print $4, $5; exit}' "$RESULTS")
  awk -v n="${name//_/ }" -v w="$wall" -v c="$cpu" -v i="$in" -v o="$out" \
    'BEGIN {printf "| %s | %.2f s | %.0f | %.2f s | %.3f |\n", n, w / 1000, i / 1e6 / (w / 1000), c / 1000, o / i}'
done
