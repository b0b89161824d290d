#!/usr/bin/env bash
# Times the plugin's package-image engine against buildah and tar on one layout, then a whole
# `mvn package` of a <packaging>cluster-image</packaging> project against the sealos-equivalent
# pipeline (skopeo copy into a registry store + buildah bud + buildah push oci-archive:).
#
#   bench/package.sh
#
# Environment (defaults in brackets):
#   IMAGES [8]             images pushed to a local docker-registry, each an OCI index over linux/amd64 +
#   LAYER_MB [64]          linux/arm64 with one layer of its own (LAYER_MB) and one layer all images
#   SHARED_MB [32]         share (SHARED_MB), as bench/save.sh: per arch IMAGES*LAYER_MB+SHARED_MB MiB (544)
#   RUNS [3]               repetitions; medians are reported
#   PARTS [engine,pipeline]  engine: the layout benchmark; pipeline: mvn package against sealos's steps
#   BUILDAH_DRIVER [overlay] buildah's storage driver (overlay, as sealos uses; or vfs)
#   EXPERIMENTS [1]        also time the engine a second time in a warmed-up JVM, and bench.OnePassArchive
#                          (a prototype of a one-pass archive writer, see bench/README.md); 0 skips them
#   JAVA_OPTS              extra options for the engine's JVM (bench.PackageBench)
#   BENCH_SKIP_BUILD=1     reuse plugin/target/classes and the installed plugin as they are
# Quick run: IMAGES=2 LAYER_MB=4 SHARED_MB=2 RUNS=1 bench/package.sh
#
# Needs: JDK 17+, docker-registry, skopeo, buildah, curl, GNU tar; root for buildah (it runs with
# --isolation chroot and a private --root/--runroot under the work directory, so no global storage is
# touched). The pipeline part installs the plugin into ~/.m2 (./mvnw -q -B -o install -DskipTests)
# and runs ./mvnw offline against it.
#
# Everything lives in one mktemp directory under ${TMPDIR:-/tmp}, deleted at the end; the registries
# it starts are stopped by their PIDs and buildah's storage is removed (and unmounted) with it.
# Disk needed: about 4 GB with the defaults (the peak is printed at the end).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

IMAGES=${IMAGES:-8}
LAYER_MB=${LAYER_MB:-64}
SHARED_MB=${SHARED_MB:-32}
RUNS=${RUNS:-3}
PARTS=${PARTS:-engine,pipeline}
BUILDAH_DRIVER=${BUILDAH_DRIVER:-overlay}
EXPERIMENTS=${EXPERIMENTS:-1}
PLATFORM=linux/amd64

for tool in docker-registry skopeo buildah curl tar java javac; do
  command -v "$tool" > /dev/null || { echo "package.sh: $tool is not installed (Debian: apt-get install docker-registry skopeo buildah)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "package.sh: buildah needs root here (it runs with --isolation chroot)" >&2; exit 1; }
part() { case ",$PARTS," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

# ---- build: the plugin installed (for mvn) and compiled (for the engine's JVM) ----

PLUGIN_JAR="$HOME/.m2/repository/io/clusterimage/cluster-image-maven-plugin/0.1.0-SNAPSHOT/cluster-image-maven-plugin-0.1.0-SNAPSHOT.jar"
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  log "installing the plugin (./mvnw -q -B -o install -DskipTests)"
  mvnw_quiet install -DskipTests >&2
fi
BENCH_SKIP_BUILD=1 bench_build # install compiled plugin/target/classes
jar_sum() { [ -f "$PLUGIN_JAR" ] && sha256sum "$PLUGIN_JAR" | cut -c1-16 || echo none; }
PLUGIN_JAR_SUM=$(jar_sum) # the jar is reproducible: the same sources give the same sum
# ~/.m2 is shared: another developer's install may replace the plugin while this runs. Before each cold
# mvn package, put this checkout's plugin back if so (and say so in the results).
ensure_plugin() {
  [ "$(jar_sum)" = "$PLUGIN_JAR_SUM" ] && return 0
  log "  the installed plugin is not this checkout's any more ($(jar_sum)); installing it again"
  mvnw_quiet install -DskipTests >&2
  REINSTALLS=$((REINSTALLS + 1))
}
REINSTALLS=0

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cluster-image-bench-package.XXXXXX")
PIDS=()
BH_ROOT="$WORK/buildah/root"
BH_RUNROOT="$WORK/buildah/runroot"
mkdir -p "$WORK/tmp"

# buildah with private storage; TMPDIR keeps its temporary OCI layouts under WORK (not /var/tmp)
bh() { TMPDIR="$WORK/tmp" buildah --root "$BH_ROOT" --runroot "$BH_RUNROOT" --storage-driver "$BUILDAH_DRIVER" "$@"; }
unmount_under() {
  local m
  for m in $(findmnt -rn -o TARGET | grep "^$1/" | sort -r); do umount "$m" 2> /dev/null || umount -l "$m" || true; done
}
bh_clear() {
  if [ -d "$BH_ROOT" ]; then
    bh rm -a > /dev/null 2>&1 || true
    bh rmi -a -f > /dev/null 2>&1 || true
  fi
  unmount_under "$WORK/buildah"
  rm -rf "$WORK/buildah"
}
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2> /dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2> /dev/null || true; done
  bh_clear
  unmount_under "$WORK"
  rm -rf "$WORK"
}
trap cleanup EXIT

RESULTS="$BENCH_TARGET/package-results.tsv"
printf 'part\trun\twhat\twall_ms\tcpu_ms\tregistry_cpu_ms\tinner_ms\tjvm_start_ms\tnote\n' > "$RESULTS"
record() { # part run what wall cpu registry_cpu inner jvm_start note
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$RESULTS"
}

PEAK_MB=0
disk_mark() {
  local mb
  mb=$(du -sxm "$WORK" 2> /dev/null | cut -f1)
  [ "$mb" -gt "$PEAK_MB" ] && PEAK_MB=$mb
  return 0
}

# ---- facts ----

machine_facts
echo "buildah: $(buildah --version | awk '{print $3}') ($BUILDAH_DRIVER, --isolation chroot); skopeo: $(skopeo --version | awk '{print $3}');" \
  "docker-registry: $(docker-registry --version | awk '{print $3}'); tar: $(tar --version | head -1)"
echo "maven: $("$REPO_DIR/mvnw" -B -o -v 2>/dev/null | head -1); plugin $PLUGIN_VERSION installed, jar sha256 $PLUGIN_JAR_SUM..."
echo "disk for the work directory: $(df -h "$WORK" | awk 'NR==2 {print $4 " free on " $1}')"
# Some VMs (this one: Firecracker, virtio-balloon) hand freed memory back to the host, and writing into
# memory the guest has not used lately costs several times the CPU. Writing the same GiB twice shows it.
first_touch() {
  local i out
  [ -x /usr/bin/time ] || { echo "n/a (no /usr/bin/time)"; return; }
  for i in 1 2; do
    out=$( { /usr/bin/time -f '%e s, %S s system' dd if=/dev/zero of="$WORK/touch" bs=1M count=1024 status=none; } 2>&1 )
    rm -f "$WORK/touch"
    printf '%s%s' "${i/2/; then }" "$out" | sed 's/^1//'
  done
}
echo "page-cache writes: 1 GiB with dd: $(first_touch) (a large first figure: fresh memory is expensive here)"

# ---- source registry and images ----

start_registry source "$WORK/source"
SRC=127.0.0.1:$REGISTRY_PORT
SRC_PID=$REGISTRY_PID
log "source registry on $SRC (pid $SRC_PID); pushing $IMAGES images ($LAYER_MB MiB own + $SHARED_MB MiB shared layer per arch)"
java -cp "$BENCH_CP" bench.PushImages "http://$SRC" bench/app "$IMAGES" "$LAYER_MB" "$SHARED_MB" 7 > "$WORK/push.txt"
tail -1 "$WORK/push.txt" >&2
MIB=$(echo "$IMAGES * $LAYER_MB + $SHARED_MB" | bc)
images() { for i in $(seq 1 "$IMAGES"); do echo "$SRC/bench/app-$i:v1"; done; }

# A context as the brief of a cluster image has it: manifests/ that use the images, and this Kubefile.
write_context() { # DIR
  mkdir -p "$1/manifests"
  cat > "$1/Kubefile" <<'EOF'
FROM scratch
COPY manifests manifests
COPY registry registry
CMD ["kubectl apply -f manifests/"]
EOF
  local i
  for i in $(seq 1 "$IMAGES"); do
    cat <<EOF
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-$i
spec:
  replicas: 1
  selector:
    matchLabels:
      app: app-$i
  template:
    metadata:
      labels:
        app: app-$i
    spec:
      containers:
        - name: app
          image: $SRC/bench/app-$i:v1
EOF
  done > "$1/manifests/apps.yaml"
}

# What a layout or an archive holds, without modes and owners: "d path" and "f path size" lines.
layout_files() { (cd "$1" && find manifests registry \( -type d -printf 'd %p\n' \) -o \( -type f -printf 'f %p %s\n' \)) | LC_ALL=C sort; }
archive_files() { java -cp "$BENCH_CP" bench.ArchiveFiles "$1" 2> "$1.layers"; } # ARCHIVE; its layers' media types and sizes in ARCHIVE.layers
layers_of() { awk '{sub(/application\/vnd.oci.image.layer.v1./, "", $2); printf "%s%s %s B", (n++ ? ", " : ""), $2, $3}' "$1"; }
strip_hash() { sed 's/^\(f .* [0-9]*\) [0-9a-f]\{64\}$/\1/' | LC_ALL=C sort; }

timed_field() { echo "${1% *}"; }

# buildah bud + push of CONTEXT into ARCHIVE; records buildah-bud and buildah-push for PART RUN
buildah_build() { # PART RUN CONTEXT ARCHIVE
  local part=$1 run=$2 ctx=$3 archive=$4 t
  bh_clear
  mkdir -p "$BH_ROOT" "$BH_RUNROOT"
  bh images > /dev/null # storage initialised before the clock starts, as on a machine that has used buildah
  settle
  t=$(run_timed "$WORK/bud.out" bh bud --isolation chroot -f "$ctx/Kubefile" -t "localhost/bench/package:$run" "$ctx")
  BUD_WALL=${t% *} BUD_CPU=${t#* }
  t=$(run_timed "$WORK/push.out" bh push "localhost/bench/package:$run" "oci-archive:$archive")
  PUSH_WALL=${t% *} PUSH_CPU=${t#* }
  disk_mark
  record "$part" "$run" buildah-bud "$BUD_WALL" "$BUD_CPU" "" "" "" ""
  record "$part" "$run" buildah-push "$PUSH_WALL" "$PUSH_CPU" "" "" "" "$(stat -c %s "$archive") bytes"
  log "  buildah bud $BUD_WALL ms (CPU $BUD_CPU), push $PUSH_WALL ms (CPU $PUSH_CPU)"
  bh_clear
}

LOADS=()
CHECKS=()

# =====================================================================================================
# Part 1: the engine on a prepared layout
# =====================================================================================================

if part engine; then
  LAYOUT="$WORK/layout"
  write_context "$LAYOUT"
  log "preparing the layout's registry/ (ImageSaver, as save-registry does)"
  java -cp "$BENCH_CP" bench.SaveBench "$SRC" "$WORK/layout-cache" "$WORK/layout-save" "$PLATFORM" 8 $(images) > "$WORK/layout-save.out"
  mv "$WORK/layout-save/linux-amd64/registry" "$LAYOUT/registry"
  rm -rf "$WORK/layout-save" "$WORK/layout-cache" # the tree's blobs were hard links into the cache: they stay
  LAYOUT_MB=$(du -sm "$LAYOUT" | cut -f1)
  LAYOUT_FILES=$(find "$LAYOUT" -type f | wc -l)
  log "layout: $LAYOUT_MB MiB in $LAYOUT_FILES files"
  layout_files "$LAYOUT" > "$WORK/layout.files"

  for run in $(seq 1 "$RUNS"); do
    load=$(cut -d' ' -f1 /proc/loadavg)
    LOADS+=("engine/$run: $load")
    log "engine, run $run/$RUNS (load $load)"

    # (a) the plugin's engine, in a JVM of its own
    rm -rf "$WORK/pkg-work" "$WORK/plugin.tar"
    settle
    t=$(run_timed "$WORK/engine.out" java ${JAVA_OPTS:-} -Dbench.launchMs="$(now_ms)" -cp "$BENCH_CP" bench.PackageBench \
      "$LAYOUT" "$LAYOUT/registry" "$WORK/pkg-work" "$WORK/plugin.tar")
    get() { sed -n "s/^$1=//p" "$WORK/engine.out"; }
    disk_mark
    record engine "$run" plugin-jvm "${t% *}" "${t#* }" "" "$(get engine_ms)" "$(get jvm_start_ms)" "$(get archive_bytes) bytes"
    record engine "$run" plugin-build "" "" "" "$(get build_ms)" "" ""
    record engine "$run" plugin-write "" "" "" "$(get write_ms)" "" ""
    record engine "$run" plugin-engine-cpu "" "$(get engine_cpu_ms)" "" "" "" ""
    log "  plugin: engine $(get engine_ms) ms (build $(get build_ms) + write $(get write_ms); CPU $(get engine_cpu_ms)), JVM start $(get jvm_start_ms) ms, whole JVM ${t% *} ms (CPU ${t#* })"
    if [ "$run" = 1 ]; then
      archive_files "$WORK/plugin.tar" > "$WORK/plugin.files"
      PLUGIN_LAYERS=$(layers_of "$WORK/plugin.tar.layers")
    fi
    rm -rf "$WORK/pkg-work" "$WORK/plugin.tar"

    # (b) buildah bud + buildah push oci-archive:
    rm -f "$WORK/buildah.tar"
    buildah_build engine "$run" "$LAYOUT" "$WORK/buildah.tar"
    if [ "$run" = 1 ]; then
      archive_files "$WORK/buildah.tar" > "$WORK/buildah.files"
      BUILDAH_LAYERS=$(layers_of "$WORK/buildah.tar.layers")
    fi
    rm -f "$WORK/buildah.tar"

    # (c) tar cf of the same files
    rm -f "$WORK/plain.tar"
    settle
    t=$(run_timed "$WORK/tar.out" tar cf "$WORK/plain.tar" -C "$LAYOUT" Kubefile manifests registry)
    disk_mark
    record engine "$run" tar "${t% *}" "${t#* }" "" "" "" "$(stat -c %s "$WORK/plain.tar") bytes"
    log "  tar cf: ${t% *} ms (CPU ${t#* })"
    rm -f "$WORK/plain.tar"

    if [ "$EXPERIMENTS" = 1 ]; then
      # the engine twice in one JVM: the second build without class loading and JIT warm-up
      rm -rf "$WORK/pkg-work" "$WORK/plugin.tar"
      settle
      t=$(run_timed "$WORK/engine2.out" java ${JAVA_OPTS:-} -Dbench.repeat=2 -cp "$BENCH_CP" bench.PackageBench \
        "$LAYOUT" "$LAYOUT/registry" "$WORK/pkg-work" "$WORK/plugin.tar")
      again=$(sed -n 's/^again_ms=//p' "$WORK/engine2.out")
      record engine "$run" plugin-again "" "" "" "$again" "" ""
      log "  experiment: engine again in a warmed-up JVM $again ms"
      rm -rf "$WORK/pkg-work" "$WORK/plugin.tar"

      # a prototype of the one-pass archive writer suggested in bench/README.md (not the plugin's code)
      rm -f "$WORK/onepass.tar"
      settle
      t=$(run_timed "$WORK/onepass.out" java ${JAVA_OPTS:-} -cp "$BENCH_CP" bench.OnePassArchive "$LAYOUT" "$WORK/onepass.tar" manifests registry)
      onepass=$(sed -n 's/^onepass_ms=//p' "$WORK/onepass.out")
      record engine "$run" onepass-jvm "${t% *}" "${t#* }" "" "$onepass" "" "$(stat -c %s "$WORK/onepass.tar") bytes"
      log "  experiment: one-pass prototype $onepass ms, whole JVM ${t% *} ms (CPU ${t#* })"
      if [ "$run" = 1 ]; then
        archive_files "$WORK/onepass.tar" > "$WORK/onepass.files"
      fi
      rm -f "$WORK/onepass.tar"
    fi
  done

  # the three hold the same files
  if diff <(strip_hash < "$WORK/plugin.files") "$WORK/layout.files" > "$WORK/diff.txt" \
      && diff "$WORK/plugin.files" "$WORK/buildah.files" > "$WORK/diff.txt"; then
    CHECKS+=("engine: the plugin's and buildah's archives hold the layout's $LAYOUT_FILES files and their directories, with the same content (SHA-256 of every file)")
    if [ "$EXPERIMENTS" = 1 ]; then
      diff "$WORK/plugin.files" "$WORK/onepass.files" > "$WORK/diff.txt" || { head -20 "$WORK/diff.txt" >&2; echo "package.sh: the one-pass prototype's archive differs" >&2; exit 1; }
      CHECKS+=("engine: so does the one-pass prototype's archive")
    fi
  else
    head -20 "$WORK/diff.txt" >&2
    echo "package.sh: the plugin's archive, buildah's and the layout differ" >&2
    exit 1
  fi
  rm -rf "$LAYOUT"
fi

# =====================================================================================================
# Part 2: mvn package of a cluster-image project vs skopeo copy + buildah bud + buildah push
# =====================================================================================================


if part pipeline; then
  PROJECT="$WORK/project"
  write_context "$PROJECT"
  cluster_image_pom "$PROJECT" bench-app "$SRC"
  SEALOS="$WORK/sealos"
  # Not -o: offline, save-registry takes images from its cache only (by design), and a cold build has an
  # empty cache (see offline_maven_settings in lib.sh).
  offline_maven_settings "$WORK/settings.xml"
  mvn_package() { # LOG; the launch and exit times go to LOG.stamps, as the log's HH:MM:SS.mmm
    date +%H:%M:%S.%3N > "$1.stamps"
    (cd "$PROJECT" && "$REPO_DIR/mvnw" -B -s "$WORK/settings.xml" package "${MVN_LOG_OPTS[@]}" \
      -Dcluster-image.cacheDirectory="$WORK/mvn-cache") > "$1" 2>&1 \
      || { tail -40 "$1" >&2; echo "package.sh: mvn package failed (log above)" >&2; return 1; }
    date +%H:%M:%S.%3N >> "$1.stamps"
    if grep -q 'Downloading from' "$1"; then
      grep 'Downloading from' "$1" | head -5 >&2
      echo "package.sh: Maven tried to download artifacts; run ./mvnw install once online" >&2
      return 1
    fi
  }
  copy_all() { # DST
    local ref
    for ref in $(images); do
      skopeo copy --quiet --override-os linux --override-arch amd64 --src-tls-verify=false --dest-tls-verify=false \
        "docker://$ref" "docker://$1/${ref#*/}"
    done
  }
  NOOP_OK=1
  EDIT_REUSED=1
  JAR_CHANGED=()
  # Maven's own fixed cost, for reference: a project with nothing bound (packaging pom, phase validate)
  EMPTY="$WORK/empty"
  empty_project "$EMPTY"
  mvn_empty() { (cd "$EMPTY" && "$REPO_DIR/mvnw" -B -s "$WORK/settings.xml" validate) > "$WORK/mvn-empty.log" 2>&1 || { tail -20 "$WORK/mvn-empty.log" >&2; return 1; }; }

  for run in $(seq 1 "$RUNS"); do
    load=$(cut -d' ' -f1 /proc/loadavg)
    LOADS+=("pipeline/$run: $load")
    log "pipeline, run $run/$RUNS (load $load)"

    # Maven alone
    settle
    t=$(run_timed "$WORK/mvn.out" mvn_empty)
    record pipeline "$run" mvn-empty "${t% *}" "${t#* }" "" "" "" ""
    log "  mvn validate of an empty project: ${t% *} ms (CPU ${t#* })"

    # mvn package, cold: empty cache, no target/
    ensure_plugin
    rm -rf "$PROJECT/target" "$WORK/mvn-cache"
    settle
    reg0=$(proc_cpu_ms "$SRC_PID")
    t=$(run_timed "$WORK/mvn.out" mvn_package "$WORK/mvn-cold.log")
    reg1=$(proc_cpu_ms "$SRC_PID")
    disk_mark
    read -r v s sv p plugin total up down < <(mvn_times "$WORK/mvn-cold.log")
    record pipeline "$run" mvn-cold "${t% *}" "${t#* }" "$((reg1 - reg0))" "$plugin" "" "maven total $total"
    record pipeline "$run" mvn-cold-start-up "" "" "" "$up" "" ""
    record pipeline "$run" mvn-cold-exit "" "" "" "$down" "" ""
    record pipeline "$run" mvn-cold-validate-layout "" "" "" "$v" "" ""
    record pipeline "$run" mvn-cold-scan-images "" "" "" "$s" "" ""
    record pipeline "$run" mvn-cold-save-registry "" "" "" "$sv" "" ""
    record pipeline "$run" mvn-cold-package-image "" "" "" "$p" "" ""
    log "  mvn package cold: ${t% *} ms (CPU ${t#* } + registry $((reg1 - reg0))); start-up $up ms, plugin goals $plugin ms (validate $v, scan $s, save $sv, package $p), exit $down ms"
    cp "$WORK/mvn-cold.log" "$BENCH_TARGET/package-mvn-cold.log"

    # mvn package again, nothing changed
    settle
    t=$(run_timed "$WORK/mvn.out" mvn_package "$WORK/mvn-warm.log")
    read -r v s sv p plugin total up down < <(mvn_times "$WORK/mvn-warm.log")
    note="maven total $total"
    if ! grep -q 'registry trees up to date' "$WORK/mvn-warm.log" || ! grep -q 'cluster-image.tar up to date' "$WORK/mvn-warm.log"; then
      note="$note; NOT a no-op (save-registry or package-image ran again)"
      NOOP_OK=0
    fi
    if [ "$(jar_sum)" != "$PLUGIN_JAR_SUM" ]; then
      note="$note; the installed plugin was replaced during this run"
      JAR_CHANGED+=("$run")
    fi
    record pipeline "$run" mvn-warm "${t% *}" "${t#* }" "" "$plugin" "" "$note"
    record pipeline "$run" mvn-warm-start-up "" "" "" "$up" "" ""
    record pipeline "$run" mvn-warm-exit "" "" "" "$down" "" ""
    record pipeline "$run" mvn-warm-validate-layout "" "" "" "$v" "" ""
    record pipeline "$run" mvn-warm-scan-images "" "" "" "$s" "" ""
    record pipeline "$run" mvn-warm-save-registry "" "" "" "$sv" "" ""
    record pipeline "$run" mvn-warm-package-image "" "" "" "$p" "" ""
    log "  mvn package warm: ${t% *} ms (CPU ${t#* }); start-up $up ms, plugin goals $plugin ms (validate $v, scan $s, save $sv, package $p), exit $down ms"
    cp "$WORK/mvn-warm.log" "$BENCH_TARGET/package-mvn-warm.log"
    if [ "$run" = 1 ]; then
      archive_files "$PROJECT/target/bench-app-1.0.0-cluster-image.tar" > "$WORK/mvn.files"
      tree_summary "$PROJECT/target/cluster-image/linux-amd64/registry" > "$WORK/mvn.tree"
    fi

    # mvn package after editing one manifest (the images unchanged): package-image builds the manifests layer
    # again and takes the registry layer from the previous archive
    echo "# edited in run $run" >> "$PROJECT/manifests/apps.yaml"
    settle
    t=$(run_timed "$WORK/mvn.out" mvn_package "$WORK/mvn-edit.log")
    read -r v s sv p plugin total up down < <(mvn_times "$WORK/mvn-edit.log")
    note="maven total $total"
    if ! grep -q 'unchanged layer(s)' "$WORK/mvn-edit.log"; then
      note="$note; the registry layer was NOT taken from the previous archive"
      EDIT_REUSED=0
    fi
    record pipeline "$run" mvn-edit "${t% *}" "${t#* }" "" "$plugin" "" "$note"
    record pipeline "$run" mvn-edit-scan-images "" "" "" "$s" "" ""
    record pipeline "$run" mvn-edit-package-image "" "" "" "$p" "" ""
    log "  mvn package after editing one manifest: ${t% *} ms (CPU ${t#* }); plugin goals $plugin ms (scan $s, package $p)"
    cp "$WORK/mvn-edit.log" "$BENCH_TARGET/package-mvn-edit.log"
    rm -rf "$PROJECT/target" "$WORK/mvn-cache"

    # sealos's steps: skopeo copy into a registry whose store is registry/, buildah bud, buildah push
    rm -rf "$SEALOS"
    write_context "$SEALOS"
    start_registry "sealos-$run" "$SEALOS/registry"
    DST=127.0.0.1:$REGISTRY_PORT
    DST_PID=$REGISTRY_PID
    settle
    reg0=$(( $(proc_cpu_ms "$SRC_PID") + $(proc_cpu_ms "$DST_PID") ))
    t=$(run_timed "$WORK/skopeo.out" copy_all "$DST")
    reg1=$(( $(proc_cpu_ms "$SRC_PID") + $(proc_cpu_ms "$DST_PID") ))
    stop_registry "$DST_PID"
    record pipeline "$run" skopeo "${t% *}" "${t#* }" "$((reg1 - reg0))" "" "" ""
    log "  skopeo copy x $IMAGES: ${t% *} ms (CPU ${t#* } + registries $((reg1 - reg0)))"
    rm -f "$WORK/buildah.tar"
    buildah_build pipeline "$run" "$SEALOS" "$WORK/buildah.tar"
    if [ "$run" = 1 ]; then
      tree_summary "$SEALOS/registry" > "$WORK/sealos.tree"
      archive_files "$WORK/buildah.tar" > "$WORK/sealos.files"
    fi
    # the same edit, built again the sealos way (the images are in registry/ already: no skopeo)
    echo "# edited in run $run" >> "$SEALOS/manifests/apps.yaml"
    rm -f "$WORK/buildah.tar"
    buildah_build pipeline-edit "$run" "$SEALOS" "$WORK/buildah.tar"
    rm -rf "$SEALOS" "$WORK/buildah.tar"
  done

  # docker-registry leaves an empty _uploads directory in every repository it received blobs for
  if diff "$WORK/mvn.tree" "$WORK/sealos.tree" > "$WORK/diff.txt" \
      && diff "$WORK/mvn.files" <(grep -v '^d .*/_uploads$' "$WORK/sealos.files") > "$WORK/diff.txt"; then
    CHECKS+=("pipeline: the plugin's registry tree held the same blobs and tags as skopeo's registry store, and the two archives the same files with the same content (buildah's also the registry's empty _uploads directories)")
  else
    head -20 "$WORK/diff.txt" >&2
    echo "package.sh: the mvn package output and the sealos-equivalent output differ" >&2
    exit 1
  fi
  [ "$NOOP_OK" = 1 ] && CHECKS+=("pipeline: every second mvn package found save-registry and package-image up to date")
  [ "$EDIT_REUSED" = 1 ] && CHECKS+=("pipeline: every mvn package after the edit took the registry layer from the previous archive")
  if [ "${#JAR_CHANGED[@]}" -gt 0 ]; then
    CHECKS+=("WARNING: another install replaced the plugin in ~/.m2 during pipeline run(s) ${JAR_CHANGED[*]}: those runs may mix two builds")
  fi
  [ "$REINSTALLS" -gt 0 ] && CHECKS+=("pipeline: the plugin was installed again $REINSTALLS time(s) before a run, after another install had replaced it in ~/.m2")
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

# =====================================================================================================
# Report
# =====================================================================================================

col() { # part what column -> the runs' values, one a line
  awk -F'\t' -v p="$1" -v w="$2" -v c="$3" 'NR > 1 && $1 == p && $3 == w && $c != "" {print $c}' "$RESULTS"
}
med() { col "$@" | median; }
runs() { col "$@" | paste -sd/ | sed 's:/: / :g'; }
# per run, the sum of several rows' column
sum_rows() { # part column what...
  local p=$1 c=$2
  shift 2
  awk -F'\t' -v p="$p" -v c="$c" -v list=" $* " 'NR > 1 && $1 == p && index(list, " " $3 " ") {s[$2] += $c} END {for (r in s) print r "\t" s[r]}' "$RESULTS" \
    | sort -n | cut -f2
}
ratio() { [ -n "$1" ] && [ -n "$2" ] && [ "$2" != 0 ] && echo "scale=3; $1 / $2" | bc | sed 's/^\./0./' || echo n/a; }
fmt() { printf '%.0f' "$1"; }

echo
echo "Medians of $RUNS runs, milliseconds; CPU = user + system time of the process and its children."
if part engine; then
  bud_push=$(sum_rows engine 4 buildah-bud buildah-push | median)
  bud_push_cpu=$(sum_rows engine 5 buildah-bud buildah-push | median)
  engine=$(med engine plugin-jvm 7)
  jvm=$(med engine plugin-jvm 4)
  tarm=$(med engine tar 4)
  echo
  echo "Engine: one layout, $LAYOUT_MB MiB in $LAYOUT_FILES files (manifests/ + a registry/ tree of $IMAGES images, $MIB MiB of"
  echo "gzip'd incompressible layers), Kubefile FROM scratch / COPY manifests / COPY registry / CMD, linux/amd64."
  echo
  echo "| | median ms | runs (ms) | CPU ms | plugin engine ÷ this | plugin whole JVM ÷ this |"
  echo "|---|---:|---:|---:|---:|---:|"
  printf '| plugin engine: ImageBuilder.build into an OciArchive + finish | %s | %s | %s | | |\n' "$engine" "$(runs engine plugin-jvm 7)" "$(med engine plugin-engine-cpu 5)"
  printf '| - of which ImageBuilder.build (layers written into the archive) | %s | %s | | | |\n' "$(med engine plugin-build 7)" "$(runs engine plugin-build 7)"
  printf '| - of which OciArchive.finish | %s | %s | | | |\n' "$(med engine plugin-write 7)" "$(runs engine plugin-write 7)"
  printf '| plugin JVM start (launch to main) | %s | %s | | | |\n' "$(med engine plugin-jvm 8)" "$(runs engine plugin-jvm 8)"
  printf '| plugin whole JVM (launch to exit) | %s | %s | %s | | |\n' "$jvm" "$(runs engine plugin-jvm 4)" "$(med engine plugin-jvm 5)"
  printf '| buildah bud | %s | %s | %s | | |\n' "$(med engine buildah-bud 4)" "$(runs engine buildah-bud 4)" "$(med engine buildah-bud 5)"
  printf '| buildah push oci-archive: | %s | %s | %s | | |\n' "$(med engine buildah-push 4)" "$(runs engine buildah-push 4)" "$(med engine buildah-push 5)"
  printf '| **buildah bud + push** | %s | %s | %s | **%s** | %s |\n' "$bud_push" "$(sum_rows engine 4 buildah-bud buildah-push | paste -sd/ | sed 's:/: / :g')" \
    "$bud_push_cpu" "$(ratio "$engine" "$bud_push")" "$(ratio "$jvm" "$bud_push")"
  printf '| **tar cf** | %s | %s | %s | **%s** | %s |\n' "$tarm" "$(runs engine tar 4)" "$(med engine tar 5)" "$(ratio "$engine" "$tarm")" "$(ratio "$jvm" "$tarm")"
  if [ "$EXPERIMENTS" = 1 ]; then
    printf '| experiment: plugin engine again in a warmed-up JVM | %s | %s | | | |\n' "$(med engine plugin-again 7)" "$(runs engine plugin-again 7)"
    op=$(med engine onepass-jvm 7)
    opj=$(med engine onepass-jvm 4)
    printf '| experiment: one-pass prototype (bench.OnePassArchive), in place of the engine | %s | %s | | | |\n' "$op" \
      "$(runs engine onepass-jvm 7)"
    printf '| experiment: one-pass prototype, whole JVM | %s | %s | %s | | |\n' "$opj" "$(runs engine onepass-jvm 4)" "$(med engine onepass-jvm 5)"
  fi
  echo
  echo "Layers in the archives: plugin: $PLUGIN_LAYERS; buildah: $BUILDAH_LAYERS."
  echo "Goals: plugin ÷ buildah <= 0.2: $(ratio "$engine" "$bud_push") (engine), $(ratio "$jvm" "$bud_push") (whole JVM);" \
    "plugin ÷ tar <= 2: $(ratio "$engine" "$tarm") (engine), $(ratio "$jvm" "$tarm") (whole JVM)."
  if [ "$EXPERIMENTS" = 1 ]; then
    echo "Experiment, the one-pass prototype: ÷ buildah $(ratio "$op" "$bud_push") (its write call), $(ratio "$opj" "$bud_push") (whole JVM);" \
      "÷ tar $(ratio "$op" "$tarm") (write call), $(ratio "$opj" "$tarm") (whole JVM)."
  fi
fi
if part pipeline; then
  sealos=$(sum_rows pipeline 4 skopeo buildah-bud buildah-push | median)
  sealos_cpu=$(sum_rows pipeline 5 skopeo buildah-bud buildah-push | median)
  cold=$(med pipeline mvn-cold 4)
  coldp=$(med pipeline mvn-cold 7)
  echo
  echo "Pipeline: a <packaging>cluster-image</packaging> project whose manifests use $IMAGES images ($MIB MiB for $PLATFORM)"
  echo "in a local docker-registry; ./mvnw -B package (Maven repositories unreachable), cold = empty cacheDirectory and no target/, warm = the same"
  echo "command again with nothing changed. sealos-equivalent = $IMAGES sequential skopeo copy into a docker-registry whose"
  echo "store is registry/, then buildah bud + buildah push oci-archive: ($BUILDAH_DRIVER)."
  echo
  echo "| | median ms | runs (ms) | CPU ms (+ registries) | ÷ sealos-equivalent |"
  echo "|---|---:|---:|---:|---:|"
  printf '| **mvn package, cold (wall)** | %s | %s | %s + %s | **%s** |\n' "$cold" "$(runs pipeline mvn-cold 4)" \
    "$(med pipeline mvn-cold 5)" "$(med pipeline mvn-cold 6)" "$(ratio "$cold" "$sealos")"
  printf '| - JVM and Maven start-up (launch of ./mvnw to the first log line) | %s | %s | | |\n' "$(med pipeline mvn-cold-start-up 7)" "$(runs pipeline mvn-cold-start-up 7)"
  printf '| - Maven'"'"'s "Total time" (log) | %s | %s | | |\n' "$(col pipeline mvn-cold 9 | sed 's/^maven total \([0-9]*\).*/\1/' | median)" \
    "$(col pipeline mvn-cold 9 | sed 's/^maven total \([0-9]*\).*/\1/' | paste -sd/ | sed 's:/: / :g')"
  printf '| - BUILD SUCCESS to the end of the process | %s | %s | | |\n' "$(med pipeline mvn-cold-exit 7)" "$(runs pipeline mvn-cold-exit 7)"
  printf '| - the plugin goals (Maven log) | %s | %s | | %s |\n' "$coldp" "$(runs pipeline mvn-cold 7)" "$(ratio "$coldp" "$sealos")"
  for g in validate-layout scan-images save-registry package-image; do
    printf '| -- %s | %s | %s | | |\n' "$g" "$(med pipeline "mvn-cold-$g" 7)" "$(runs pipeline "mvn-cold-$g" 7)"
  done
  printf '| for reference: Maven alone (mvn validate of an empty pom-packaging project, wall) | %s | %s | %s | %s |\n' "$(med pipeline mvn-empty 4)" \
    "$(runs pipeline mvn-empty 4)" "$(med pipeline mvn-empty 5)" "$(ratio "$(med pipeline mvn-empty 4)" "$sealos")"
  printf '| skopeo copy × %s | %s | %s | %s + %s | |\n' "$IMAGES" "$(med pipeline skopeo 4)" "$(runs pipeline skopeo 4)" \
    "$(med pipeline skopeo 5)" "$(med pipeline skopeo 6)"
  printf '| buildah bud | %s | %s | %s | |\n' "$(med pipeline buildah-bud 4)" "$(runs pipeline buildah-bud 4)" "$(med pipeline buildah-bud 5)"
  printf '| buildah push oci-archive: | %s | %s | %s | |\n' "$(med pipeline buildah-push 4)" "$(runs pipeline buildah-push 4)" "$(med pipeline buildah-push 5)"
  printf '| **sealos-equivalent total** | %s | %s | %s | 1 |\n' "$sealos" "$(sum_rows pipeline 4 skopeo buildah-bud buildah-push | paste -sd/ | sed 's:/: / :g')" "$sealos_cpu"
  printf '| **mvn package, warm (wall)** | %s | %s | %s | %s |\n' "$(med pipeline mvn-warm 4)" "$(runs pipeline mvn-warm 4)" \
    "$(med pipeline mvn-warm 5)" "$(ratio "$(med pipeline mvn-warm 4)" "$sealos")"
  printf '| - JVM and Maven start-up (launch of ./mvnw to the first log line) | %s | %s | | |\n' "$(med pipeline mvn-warm-start-up 7)" "$(runs pipeline mvn-warm-start-up 7)"
  printf '| - Maven'"'"'s "Total time" (log) | %s | %s | | |\n' "$(col pipeline mvn-warm 9 | sed 's/^maven total \([0-9]*\).*/\1/' | median)" \
    "$(col pipeline mvn-warm 9 | sed 's/^maven total \([0-9]*\).*/\1/' | paste -sd/ | sed 's:/: / :g')"
  printf '| - BUILD SUCCESS to the end of the process | %s | %s | | |\n' "$(med pipeline mvn-warm-exit 7)" "$(runs pipeline mvn-warm-exit 7)"
  printf '| - **the plugin goals (Maven log)** | %s | %s | | |\n' "$(med pipeline mvn-warm 7)" "$(runs pipeline mvn-warm 7)"
  for g in validate-layout scan-images save-registry package-image; do
    printf '| -- %s | %s | %s | | |\n' "$g" "$(med pipeline "mvn-warm-$g" 7)" "$(runs pipeline "mvn-warm-$g" 7)"
  done
  edit_sealos=$(sum_rows pipeline-edit 4 buildah-bud buildah-push | median)
  printf '| **mvn package after editing one manifest (wall)** | %s | %s | %s | %s of buildah bud + push after the same edit |\n' \
    "$(med pipeline mvn-edit 4)" "$(runs pipeline mvn-edit 4)" "$(med pipeline mvn-edit 5)" "$(ratio "$(med pipeline mvn-edit 4)" "$edit_sealos")"
  printf '| - the plugin goals (Maven log) | %s | %s | | |\n' "$(med pipeline mvn-edit 7)" "$(runs pipeline mvn-edit 7)"
  for g in scan-images package-image; do
    printf '| -- %s | %s | %s | | |\n' "$g" "$(med pipeline "mvn-edit-$g" 7)" "$(runs pipeline "mvn-edit-$g" 7)"
  done
  printf '| buildah bud + push after the same edit | %s | %s | %s | |\n' "$edit_sealos" \
    "$(sum_rows pipeline-edit 4 buildah-bud buildah-push | paste -sd/ | sed 's:/: / :g')" "$(sum_rows pipeline-edit 5 buildah-bud buildah-push | median)"
  echo
  echo "Goals: cold mvn package ÷ sealos-equivalent <= 0.25: $(ratio "$cold" "$sealos") (whole mvn), $(ratio "$coldp" "$sealos") (plugin goals);" \
    "warm no-op plugin time <= 2000 ms: $(med pipeline mvn-warm 7) ms (mvn wall $(med pipeline mvn-warm 4) ms);" \
    "edit rebuild, mvn wall over Maven alone: $(( $(med pipeline mvn-edit 4) - $(med pipeline mvn-empty 4) )) ms."
  if part engine; then
    # the same 544 MiB registry tree as the engine's layout: the goal as a running Maven pays for it (plugin
    # classes loaded and SHA-256 compiled by the goals before it), against tar of the engine's layout
    echo "package-image goal in the cold mvn package ÷ tar cf of the engine's layout: $(ratio "$(med pipeline mvn-cold-package-image 7)" "$tarm")" \
      "($(med pipeline mvn-cold-package-image 7) ms against $tarm ms; same images, same sizes)."
  fi
fi
echo
echo "Load average (1 min) at the start of each run: ${LOADS[*]}."
disk_mark
echo "Peak disk use of the work directory: $PEAK_MB MiB (sampled after each step)."
for c in "${CHECKS[@]}"; do echo "Check: $c."; done
echo "Raw numbers: $RESULTS"
