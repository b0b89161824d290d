#!/usr/bin/env bash
# Times the plugin's ImageSaver against skopeo, on images it pushes to a local docker-registry.
#
#   bench/save.sh
#
# Environment (defaults in brackets):
#   IMAGES [8]            images, each an OCI index over linux/amd64 + linux/arm64
#   LAYER_MB [64]         each image's own layer, per arch, MiB
#   SHARED_MB [32]        one layer all images share, per arch, MiB
#                         -> per arch: IMAGES*LAYER_MB + SHARED_MB distinct MiB (544 by default)
#   SMALL_LAYER_MB [8]    the same images again with this layer size (SHARED_MB scaled alike), to
#   SMALL_SHARED_MB [4]   compare the heap at two image sizes; SMALL_LAYER_MB=0 skips it
#   RUNS [3]              repetitions of (skopeo, plugin cold, plugin warm); medians are reported
#   CONCURRENCY [8]       the plugin's maxConcurrentDownloads (its default)
#   HEAP_CHECK_XMX [32m]  one more cold save of the large set with this -Xmx ("" skips it)
#   EXPERIMENTS [1]       also time a cold save preceded by a SHA-256 JIT warm-up (SaveBench -Dbench.warmSha);
#                         not what the plugin does, see bench/README.md; 0 skips it
#   JAVA_OPTS             extra options for the plugin's JVM
#   BENCH_SKIP_BUILD=1    reuse plugin/target/classes as it is
# Quick run: IMAGES=3 LAYER_MB=8 SHARED_MB=4 SMALL_LAYER_MB=2 SMALL_SHARED_MB=1 RUNS=1 bench/save.sh
#
# Everything (registries' storage, the plugin's cache and output) lives in one mktemp directory
# under ${TMPDIR:-/tmp}, deleted at the end; the registries it starts are stopped by their PIDs.
# Disk needed: about 2 x the source size + 2 x one arch's size (~3.4 GB with the defaults).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

IMAGES=${IMAGES:-8}
LAYER_MB=${LAYER_MB:-64}
SHARED_MB=${SHARED_MB:-32}
SMALL_LAYER_MB=${SMALL_LAYER_MB:-8}
SMALL_SHARED_MB=${SMALL_SHARED_MB:-4}
RUNS=${RUNS:-3}
CONCURRENCY=${CONCURRENCY:-8}
HEAP_CHECK_XMX=${HEAP_CHECK_XMX-32m}
EXPERIMENTS=${EXPERIMENTS:-1}
PLATFORM=linux/amd64

for tool in docker-registry skopeo curl java javac; do
  command -v "$tool" > /dev/null || { echo "save.sh: $tool is not installed (Debian: apt-get install docker-registry skopeo)" >&2; exit 1; }
done

bench_build
bench_workdir save
RESULTS="$BENCH_TARGET/save-results.tsv"
printf 'set\trun\twhat\twall_ms\tsave_ms\tclient_cpu_ms\tregistry_cpu_ms\theap_peak_mib\theap_sampled_max_mib\tgc_live_max_mib\tbytes_fetched\n' > "$RESULTS"

# ---- registries: start_registry, stop_registry, settle (bench/lib.sh) ----

# ---- facts ----

machine_facts
echo "skopeo: $(skopeo --version | awk '{print $3}'); docker-registry: $(docker-registry --version | awk '{print $3}')"
echo "disk for the work directory: $(df -h "$WORK" | awk 'NR==2 {print $4 " free on " $1}')"

start_registry source "$WORK/source"
SRC=127.0.0.1:$REGISTRY_PORT
SRC_PID=$REGISTRY_PID
log "source registry on $SRC (pid $REGISTRY_PID)"

SETS=(large)
[ "$SMALL_LAYER_MB" != 0 ] && SETS+=(small)
declare -A SET_LAYER=([large]=$LAYER_MB [small]=$SMALL_LAYER_MB)
declare -A SET_SHARED=([large]=$SHARED_MB [small]=$SMALL_SHARED_MB)
declare -A SET_PREFIX=([large]=bench/app [small]=bench/small)
declare -A SET_MIB
for set in "${SETS[@]}"; do
  log "pushing $IMAGES images of set '$set' (${SET_LAYER[$set]} MiB own + ${SET_SHARED[$set]} MiB shared layer per arch)"
  java -cp "$BENCH_CP" bench.PushImages "http://$SRC" "${SET_PREFIX[$set]}" "$IMAGES" "${SET_LAYER[$set]}" \
    "${SET_SHARED[$set]}" 7 > "$WORK/push-$set.txt"
  tail -1 "$WORK/push-$set.txt" >&2
  SET_MIB[$set]=$(echo "$IMAGES * ${SET_LAYER[$set]} + ${SET_SHARED[$set]}" | bc)
done

images_of() { for i in $(seq 1 "$IMAGES"); do echo "$SRC/${SET_PREFIX[$1]}-$i:v1"; done; }

# plugin SET RUN WHAT CACHE OUT [java options...]
plugin() {
  local set=$1 run=$2 what=$3 cache=$4 out=$5
  shift 5
  local gclog="$WORK/gc-$set-$run-$what.log" timed reg0 reg1 live
  mapfile -t refs < <(images_of "$set")
  settle
  reg0=$(proc_cpu_ms "$SRC_PID")
  # shellcheck disable=SC2086
  timed=$(run_timed "$WORK/plugin.out" java ${JAVA_OPTS:-} "$@" -Xlog:gc:file="$gclog" -cp "$BENCH_CP" bench.SaveBench \
    "$SRC" "$cache" "$out" "$PLATFORM" "$CONCURRENCY" "${refs[@]}") || return 1
  reg1=$(proc_cpu_ms "$SRC_PID")
  live=$(grep -o '[0-9]*M->[0-9]*M' "$gclog" | sed 's/.*->//; s/M//' | sort -g | tail -1)
  get() { sed -n "s/^$1=//p" "$WORK/plugin.out"; }
  local wall=${timed% *} cpu=${timed#* }
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$set" "$run" "$what" "$wall" "$(get save_ms)" "$cpu" \
    "$((reg1 - reg0))" "$(get heap_peak_mib)" "$(get heap_sampled_max_mib)" "${live:-n/a}" "$(get bytes_fetched)" >> "$RESULTS"
  if [ -n "$(get again_ms)" ]; then
    printf '%s\t%s\t%s\t\t%s\t\t\t\t\t\t\n' "$set" "$run" "$what-again" "$(get again_ms)" >> "$RESULTS"
  fi
  log "  $what: $wall ms process, $(get save_ms) ms save${RUN_AGAIN:+, again $(get again_ms) ms}, CPU $cpu ms + registry $((reg1 - reg0)) ms," \
    "heap peak $(get heap_peak_mib) MiB (of max $(get heap_max_mib)), fetched $(get bytes_fetched) B"
}

copy_all() { # DST REF...
  local dst=$1 ref
  shift
  for ref in "$@"; do
    skopeo copy --quiet --override-os linux --override-arch amd64 --src-tls-verify=false --dest-tls-verify=false \
      "docker://$ref" "docker://$dst/${ref#*/}"
  done
}

skopeo_copy() {
  local set=$1 run=$2 timed reg0 reg1 dreg
  start_registry "target-$set-$run" "$WORK/skopeo-target"
  local dst=127.0.0.1:$REGISTRY_PORT pid=$REGISTRY_PID
  mapfile -t refs < <(images_of "$set")
  settle
  reg0=$(proc_cpu_ms "$SRC_PID")
  dreg=$(proc_cpu_ms "$pid")
  timed=$(run_timed "$WORK/skopeo.out" copy_all "$dst" "${refs[@]}")
  reg1=$(( $(proc_cpu_ms "$SRC_PID") - reg0 + $(proc_cpu_ms "$pid") - dreg ))
  stop_registry "$pid"
  local wall=${timed% *} cpu=${timed#* }
  printf '%s\t%s\tskopeo\t%s\t%s\t%s\t%s\t\t\t\t\n' "$set" "$run" "$wall" "$wall" "$cpu" "$reg1" >> "$RESULTS"
  log "  skopeo: $wall ms for ${#refs[@]} sequential copies, CPU $cpu ms + registries $reg1 ms"
}

LOADS=()
for set in "${SETS[@]}"; do
  for run in $(seq 1 "$RUNS"); do
    load=$(cut -d' ' -f1 /proc/loadavg)
    LOADS+=("$set/$run: $load")
    log "set $set, run $run/$RUNS (load $load)"
    rm -rf "$WORK/skopeo-target" "$WORK/cache" "$WORK/out"
    skopeo_copy "$set" "$run"
    plugin "$set" "$run" cold "$WORK/cache" "$WORK/out"
    rm -rf "$WORK/out"
    plugin "$set" "$run" warm "$WORK/cache" "$WORK/out"
    rm -rf "$WORK/out2" "$WORK/out2-again"
    if [ "$EXPERIMENTS" = 1 ]; then
      rm -rf "$WORK/cache2" "$WORK/out2"
      plugin "$set" "$run" cold-warmsha "$WORK/cache2" "$WORK/out2" -Dbench.warmSha=true
      rm -rf "$WORK/cache2" "$WORK/out2"
    fi
    RUN_AGAIN=1 plugin "$set" "$run" warm2 "$WORK/cache" "$WORK/out2" -Dbench.again=true
    rm -rf "$WORK/out2" "$WORK/out2-again"
    # the plugin's tree must hold what skopeo's registry holds: same blobs, same tag targets
    if ! diff <(tree_summary "$WORK/out/linux-amd64/registry") <(tree_summary "$WORK/skopeo-target") > "$WORK/diff.txt"; then
      head -20 "$WORK/diff.txt" >&2
      echo "save.sh: the plugin's tree differs from skopeo's" >&2
      exit 1
    fi
  done
done
rm -rf "$WORK/skopeo-target" "$WORK/out"

heap_check=""
if [ -n "$HEAP_CHECK_XMX" ]; then
  log "cold save of set large with -Xmx$HEAP_CHECK_XMX"
  rm -rf "$WORK/cache"
  if plugin large 0 "cold-Xmx$HEAP_CHECK_XMX" "$WORK/cache" "$WORK/out" "-Xmx$HEAP_CHECK_XMX"; then
    heap_check="a cold save of the large set with -Xmx$HEAP_CHECK_XMX succeeded"
  else
    heap_check="a cold save of the large set with -Xmx$HEAP_CHECK_XMX FAILED"
  fi
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- report ----

med() { # set what column
  awk -F'\t' -v s="$1" -v w="$2" -v c="$3" 'NR > 1 && $1 == s && $3 == w && $2 > 0 && $c != "n/a" {print $c}' "$RESULTS" | median
}
runs() { # set what column -> "a / b / c"
  awk -F'\t' -v s="$1" -v w="$2" -v c="$3" 'NR > 1 && $1 == s && $3 == w && $2 > 0 {printf "%s%s", (n++ ? " / " : ""), $c}' "$RESULTS"
}
ratio() { echo "scale=3; $1 / $2" | bc | sed 's/^\./0./'; }

echo
echo "Medians of $RUNS runs; $IMAGES images, $PLATFORM saved from amd64+arm64 indexes, $CONCURRENCY plugin downloads at once."
echo "save = the ImageSaver.save call (what the goal adds to a running Maven); process = the whole plugin JVM;"
echo "CPU = user + system time of the client process (JVM start included) + of the registries it talked to."
echo "skopeo = $IMAGES sequential 'skopeo copy --override-arch amd64' into a docker-registry with a fresh store."
for set in "${SETS[@]}"; do
  echo
  echo "Set '$set': ${SET_MIB[$set]} MiB for $PLATFORM (${SET_LAYER[$set]} MiB per image + ${SET_SHARED[$set]} MiB shared), $((2 * ${SET_MIB[$set]})) MiB in the source"
  echo
  echo "| | median ms | runs (ms) | ratio to skopeo | CPU ms: client + registries | heap peak MiB | heap sampled max MiB | live after GC max MiB |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  sk=$(med "$set" skopeo 4)
  printf '| skopeo copy | %s | %s | 1 | %s + %s | | | |\n' "$sk" "$(runs "$set" skopeo 4)" "$(med "$set" skopeo 6)" "$(med "$set" skopeo 7)"
  for what in cold warm; do
    printf '| plugin %s, save call | %s | %s | %s | | %s | %s | %s |\n' "$what" "$(med "$set" "$what" 5)" "$(runs "$set" "$what" 5)" \
      "$(ratio "$(med "$set" "$what" 5)" "$sk")" "$(med "$set" "$what" 8)" "$(med "$set" "$what" 9)" "$(med "$set" "$what" 10)"
    printf '| plugin %s, whole JVM | %s | %s | %s | %s + %s | | | |\n' "$what" "$(med "$set" "$what" 4)" "$(runs "$set" "$what" 4)" \
      "$(ratio "$(med "$set" "$what" 4)" "$sk")" "$(med "$set" "$what" 6)" "$(med "$set" "$what" 7)"
  done
  printf '| plugin warm, save call again in a warmed-up JVM | %s | %s | %s | | | | |\n' "$(med "$set" warm2-again 5)" \
    "$(runs "$set" warm2-again 5)" "$(ratio "$(med "$set" warm2-again 5)" "$sk")"
  if [ "$EXPERIMENTS" = 1 ]; then
    printf '| experiment: plugin cold, SHA-256 JIT warm-up first, save call | %s | %s | %s | %s + %s | | | |\n' \
      "$(med "$set" cold-warmsha 5)" "$(runs "$set" cold-warmsha 5)" "$(ratio "$(med "$set" cold-warmsha 5)" "$sk")" \
      "$(med "$set" cold-warmsha 6)" "$(med "$set" cold-warmsha 7)"
  fi
done
echo
echo "Load average (1 min) at the start of each run: ${LOADS[*]}."
echo "Goals: cold <= 0.7 x skopeo, warm <= 0.05 x skopeo, heap flat as images grow."
[ -n "$heap_check" ] && echo "Heap check: $heap_check."
echo "Every run's plugin tree held the same blobs and tag targets as skopeo's registry."
echo "Raw numbers: $RESULTS"
