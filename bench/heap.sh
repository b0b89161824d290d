#!/usr/bin/env bash
# Peak Java heap of validate-layout + scan-images (LayoutReader.read + ImageScanner.scan) on big inputs
# made by the benchmark: a 50 MiB manifest of many documents, a 50 MiB single-document manifest, and a
# chart whose template renders 200 MiB.
#
#   bench/heap.sh
#
# Environment: HEAP (default 256m) the -Xmx of each JVM, the goal being to stay within it (a flat heap)
# or to stop early with an error that names the input; SIZES to override "manifests:50 document:50 chart:200";
# BENCH_SKIP_BUILD=1 to reuse plugin/target/classes as it is.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

HEAP=${HEAP:-256m}
SIZES=${SIZES:-"manifests:50 document:50 chart:200"}
bench_build
WORK=$(mktemp -d /tmp/cluster-image-bench-heap.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
machine_facts
echo
echo "Each case in a fresh JVM with -Xmx$HEAP -XX:+UseSerialGC; peak = sum of the heap pools' peak use while reading."
echo
echo "| input | MiB | result | peak heap MiB | found / error | wall ms |"
echo "|---|---:|---|---:|---|---:|"
for size in $SIZES; do
  kind=${size%%:*}
  mib=${size#*:}
  rm -rf "$WORK/case"
  start=$(now_ms)
  line=$(java "-Xmx$HEAP" -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED -cp "$BENCH_CP" bench.HeapBench "$kind" "$mib" "$WORK/case" 2>"$WORK/err" \
    || echo "$kind	$mib	crashed	-	$(tail -1 "$WORK/err")")
  wall=$(( $(now_ms) - start ))
  IFS=$'\t' read -r k m result peak what <<< "$line"
  printf '| %s | %s | %s | %s | %s | %s |\n' "$k" "$m" "$result" "$peak" "${what:0:160}" "$wall"
done
