#!/usr/bin/env bash
# Times the fetch goal's engine against the init.sh it replaces, on a Helm repository served on 127.0.0.1.
#
#   bench/fetch.sh
#
# Environment: RUNS (default 5) repetitions, medians reported; TOOL_MB (default 64) the size of the tool
# in each platform's archive; TEMPLATES (default 300) files in the chart; BENCH_SKIP_BUILD=1 to reuse
# plugin/target/classes.
#
# The repository (python3 -m http.server) holds index.yaml, the chart demo-0.2.0.tgz and
# tool-linux-{amd64,arm64}.tar.gz. Per run, for linux/amd64 and linux/arm64:
#   init.sh       what labring's init.sh scripts do with curl instead of helm: read index.yaml, download
#                 the chart and untar it into charts/, download each platform's archive and untar the tool
#                 into opt/ — every build, nothing cached
#   fetch cold    a JVM running DeclaredSources.fetch with an empty cache and no lock (resolves the range
#                 from the index, downloads, verifies, places both platforms' trees, writes the lock)
#   fetch locked  the same with the lock and a filled cache: what every later build pays when its inputs
#                 changed (an unchanged build skips fetch altogether)
# Wall times are the whole process (JVM start included); "in-JVM" is the fetch alone.
#
# Then (MVN=0 skips it) whole `mvn -o package` runs of one cluster-image project in two forms: the chart
# vendored under charts/, and the chart declared in the POM with cluster-image.lock and a filled cache.
# Each is timed with nothing changed, and after an edit of a manifest; the difference is what declaring
# the chart costs a build. This part installs the plugin into ~/.m2 (./mvnw -q -B -o install -DskipTests).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-5}
TOOL_MB=${TOOL_MB:-64}
TEMPLATES=${TEMPLATES:-300}
for tool in python3 curl tar; do
  command -v "$tool" > /dev/null || { echo "fetch.sh: needs $tool" >&2; exit 1; }
done

bench_build
WORK=$(mktemp -d /tmp/cluster-image-bench-fetch.XXXXXX)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2> /dev/null || true; done; rm -rf "$WORK"' EXIT

machine_facts
log "generating the repository: a chart of $TEMPLATES templates, a ${TOOL_MB} MiB tool per platform"
REPO="$WORK/repo"
mkdir -p "$REPO" "$WORK/src/demo/templates"
printf 'apiVersion: v2\nname: demo\nversion: 0.2.0\n' > "$WORK/src/demo/Chart.yaml"
for i in $(seq 1 "$TEMPLATES"); do
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo-%s\ndata:\n  x: "%s"\n' "$i" "$(head -c 3000 /dev/urandom | base64 -w0)" \
    > "$WORK/src/demo/templates/cm-$i.yaml"
done
(cd "$WORK/src" && tar -czf "$REPO/demo-0.2.0.tgz" demo)
for arch in amd64 arm64; do
  mkdir -p "$WORK/src/linux-$arch"
  head -c $((TOOL_MB * 1024 * 1024)) /dev/urandom > "$WORK/src/linux-$arch/tool"
  echo "license" > "$WORK/src/linux-$arch/LICENSE"
  (cd "$WORK/src" && tar -czf "$REPO/tool-linux-$arch.tar.gz" "linux-$arch")
done
printf 'apiVersion: v1\nentries:\n  demo:\n  - version: 0.2.0\n    urls: [demo-0.2.0.tgz]\n    digest: %s\n' \
  "$(sha256sum "$REPO/demo-0.2.0.tgz" | cut -d' ' -f1)" > "$REPO/index.yaml"
PORT=$(free_port)
(cd "$REPO" && exec python3 -m http.server --bind 127.0.0.1 "$PORT" > "$WORK/http.log" 2>&1) &
PIDS+=("$!")
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/index.yaml" > /dev/null && break; sleep 0.1; done
URL="http://127.0.0.1:$PORT"

cat > "$WORK/init.sh" <<SH
set -euo pipefail
out=\$1
curl -fsSL "$URL/index.yaml" > /dev/null   # helm repo add + helm pull read the index
for arch in amd64 arm64; do
  mkdir -p "\$out/\$arch/charts" "\$out/\$arch/opt"
  curl -fsSL "$URL/demo-0.2.0.tgz" | tar -xz -C "\$out/\$arch/charts"
  curl -fsSL "$URL/tool-linux-\$arch.tar.gz" | tar -xz --strip-components=1 -C "\$out/\$arch/opt" "linux-\$arch/tool"
  chmod 0755 "\$out/\$arch/opt/tool"
done
SH

# shellcheck disable=SC2086
JAVA=(java ${JAVA_OPTS:-} -cp "$BENCH_CP" bench.FetchBench "$URL")
declare -A WALL CPU INJVM
for run in $(seq 1 "$RUNS"); do
  log "run $run/$RUNS (load $(cut -d' ' -f1 /proc/loadavg))"
  rm -rf "$WORK/out" "$WORK/cache" "$WORK/lock"
  settle
  t=$(run_timed "$WORK/o" bash "$WORK/init.sh" "$WORK/out/init"); WALL[init]+="${t% *} "; CPU[init]+="${t#* } "
  settle
  t=$(run_timed "$WORK/o" "${JAVA[@]}" "$WORK/out/cold" "$WORK/cache" "$WORK/lock"); WALL[cold]+="${t% *} "; CPU[cold]+="${t#* } "
  INJVM[cold]+="$(cat "$WORK/o") "
  settle
  t=$(run_timed "$WORK/o" "${JAVA[@]}" "$WORK/out/locked" "$WORK/cache" "$WORK/lock"); WALL[locked]+="${t% *} "; CPU[locked]+="${t#* } "
  INJVM[locked]+="$(cat "$WORK/o") "
  cmp -s "$WORK/out/init/arm64/opt/tool" "$WORK/out/locked/fetched/linux-arm64/opt/tool" \
    || { echo "fetch.sh: the fetched tool differs from init.sh's" >&2; exit 1; }
done
med() { tr ' ' '\n' | grep -v '^$' | median; }
init_wall=$(echo "${WALL[init]}" | med)
echo
echo "| ${RUNS} runs, medians | wall ms | CPU ms | in-JVM ms | wall vs init.sh |"
echo "|---|---|---|---|---|"
echo "| init.sh (curl + tar, 2 platforms) | $init_wall | $(echo "${CPU[init]}" | med) | | 1.00 |"
for c in cold locked; do
  w=$(echo "${WALL[$c]}" | med)
  echo "| fetch $c | $w | $(echo "${CPU[$c]}" | med) | $(echo "${INJVM[$c]}" | med) | $(awk -v a="$w" -v b="$init_wall" 'BEGIN {printf "%.2f", a / b}') |"
done

[ "${MVN:-1}" = 1 ] || exit 0
log "installing the plugin (./mvnw -q -B -o install -DskipTests -Dinvoker.skip=true)"
mvnw_quiet install -DskipTests -Dinvoker.skip=true >&2
project() { # DIR CHARTS_XML
  mkdir -p "$1/manifests"
  printf 'FROM scratch\nLABEL sealos.io.type="application"\nCOPY charts charts\nCOPY manifests manifests\nCOPY registry registry\nCMD ["helm upgrade -i demo charts/demo"]\n' > "$1/Kubefile"
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: edited-0\n' > "$1/manifests/cm.yaml"
  cat > "$1/pom.xml" <<XML
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId>
  <artifactId>fetch-bench</artifactId>
  <version>1.0.0</version>
  <packaging>cluster-image</packaging>
  <properties><project.build.outputTimestamp>2026-01-01T00:00:00Z</project.build.outputTimestamp></properties>
  <build><plugins><plugin>
    <groupId>io.clusterimage</groupId>
    <artifactId>cluster-image-maven-plugin</artifactId>
    <version>$PLUGIN_VERSION</version>
    <extensions>true</extensions>
    <configuration><cacheDirectory>$WORK/mvn-cache</cacheDirectory>$2</configuration>
  </plugin></plugins></build>
</project>
XML
}
project "$WORK/vendored" ""
mkdir -p "$WORK/vendored/charts" && tar -xzf "$REPO/demo-0.2.0.tgz" -C "$WORK/vendored/charts"
project "$WORK/declared" "<charts><chart><name>demo</name><repository>$URL</repository><version>0.2.0</version></chart></charts>"
mvn_run() { # DIR LOG ARGS...
  local dir=$1 logfile=$2
  shift 2
  (cd "$dir" && "$REPO_DIR/mvnw" -B "$@") > "$logfile" 2>&1 || { tail -30 "$logfile" >&2; echo "fetch.sh: mvn failed" >&2; exit 1; }
}
log "first builds: the declared project online with cluster-image:lock, the vendored one offline"
mvn_run "$WORK/declared" "$WORK/declared.log" package cluster-image:lock
mvn_run "$WORK/vendored" "$WORK/vendored.log" -o package
declare -A MWALL
for run in $(seq 1 "$RUNS"); do
  log "maven run $run/$RUNS (load $(cut -d' ' -f1 /proc/loadavg))"
  for form in vendored declared; do
    settle
    t=$(run_timed "$WORK/m.log" bash -c "cd '$WORK/$form' && '$REPO_DIR/mvnw' -B -o package"); MWALL[$form-noop]+="${t% *} "
    printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: edited-%s\n' "$run" > "$WORK/$form/manifests/cm.yaml"
    settle
    t=$(run_timed "$WORK/m.log" bash -c "cd '$WORK/$form' && '$REPO_DIR/mvnw' -B -o package"); MWALL[$form-edit]+="${t% *} "
  done
done
grep -q 'fetched charts and files up to date' "$WORK/m.log" || { echo "fetch.sh: the declared project's fetch was not up to date" >&2; exit 1; }
echo
echo "| mvn -o package, ${RUNS} runs, medians | chart vendored, wall ms | chart declared + lock + cache, wall ms | declared - vendored |"
echo "|---|---|---|---|"
for variant in noop edit; do
  v=$(echo "${MWALL[vendored-$variant]}" | med)
  d=$(echo "${MWALL[declared-$variant]}" | med)
  label=$([ "$variant" = noop ] && echo "nothing changed" || echo "a manifest edited")
  echo "| $label | $v | $d | $(awk -v a="$d" -v b="$v" 'BEGIN {printf "%+.0f ms", a - b}') |"
done
