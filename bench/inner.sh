#!/usr/bin/env bash
# The inner loop of a chart layout (#16): what a developer pays for `mvn package` again after nothing
# changed, after editing a values file of a chart, and after editing a manifest, each against Maven's own
# floor measured in the same run (`mvn validate` of an empty pom-packaging project).
#
#   bench/inner.sh
#
# The project: <packaging>cluster-image</packaging>, a Kubefile copying charts/, manifests/ and registry/;
# charts/app (a Deployment whose two containers take their images from values.yaml) and manifests/apps.yaml
# (the other images); the images (bench.PushImages) on a docker-registry on 127.0.0.1.
# Per run: a cold build (no target/, empty caches: XDG_CACHE_HOME is fresh, so the plugin's
# blob cache and Helm's native library start empty); the same build again (no-op), NOOPS times; replicaCount
# changed in charts/app/values.yaml (the chart is rendered again, in a new JVM); a comment added to
# manifests/apps.yaml (the chart is not rendered again). Every one of those builds comes right after a floor
# build of its own, and "over floor" is the median of (build - the floor just before it): on this 2-core
# machine the floor alone moves by ±200 ms between invocations and ±100 ms within one, so only paired
# differences, many for the no-op (a no-op is cheap to repeat), say how far a build is from Maven's floor. The script checks what each step must and must not do: the no-op finds
# save-registry and package-image up to date, the values edit renders the chart again (a new chart memo) and
# the manifest edit does not, package-image takes the unchanged registry layer from the previous archive,
# and no build after the cold one unpacks Helm's library again (its file keeps its inode and time).
#
# Environment (defaults in brackets):
#   RUNS [5]                   repetitions; medians are reported
#   NOOPS [4]                  no-op builds per run, each after a floor build
#   IMAGES [3]                 images pushed (>= 3): app-1 and app-2 in the chart, the others in manifests/
#   LAYER_MB [16], SHARED_MB [8]  per image and arch, as bench/package.sh
#   BENCH_SKIP_BUILD=1         use the plugin installed in ~/.m2 as it is
#
# Needs: JDK 17+, docker-registry, curl. Installs the plugin into ~/.m2 (./mvnw -q -B -o install -DskipTests).
# Maven runs online with every Maven repository mirrored to a closed port (as bench/package.sh: a cold build
# needs the registry; nothing comes from Maven Central). Everything lives in one mktemp directory, deleted
# at the end. Raw numbers: bench/target/inner-results.tsv.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-5}
NOOPS=${NOOPS:-4}
IMAGES=${IMAGES:-3}
LAYER_MB=${LAYER_MB:-16}
SHARED_MB=${SHARED_MB:-8}
[ "$IMAGES" -ge 3 ] || { echo "inner.sh: IMAGES must be 3 or more" >&2; exit 2; }
for tool in docker-registry curl java javac; do
  command -v "$tool" > /dev/null || { echo "inner.sh: $tool is not installed (Debian: apt-get install docker-registry)" >&2; exit 1; }
done

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  log "installing the plugin (./mvnw -q -B -o install -DskipTests)"
  mvnw_quiet install -DskipTests -Dinvoker.skip=true >&2
fi
BENCH_SKIP_BUILD=1 bench_build

bench_workdir inner
RESULTS="$BENCH_TARGET/inner-results.tsv"
printf 'run\tstep\twall_ms\tcpu_ms\tplugin_ms\tvalidate_ms\tscan_ms\tsave_ms\tpackage_ms\tfloor_ms\n' > "$RESULTS"

machine_facts
echo "maven: $("$REPO_DIR/mvnw" -B -o -v 2>/dev/null | head -1); plugin $PLUGIN_VERSION"

start_registry source "$WORK/source"
SRC=127.0.0.1:$REGISTRY_PORT
log "source registry on $SRC; pushing $IMAGES images"
java -cp "$BENCH_CP" bench.PushImages "http://$SRC" bench/app "$IMAGES" "$LAYER_MB" "$SHARED_MB" 11 > "$WORK/push.txt"

write_project() { # DIR
  mkdir -p "$1/manifests" "$1/charts/app/templates"
  cat > "$1/Kubefile" <<'EOF'
FROM scratch
COPY charts charts
COPY manifests manifests
COPY registry registry
CMD ["helm upgrade -i app charts/app", "kubectl apply -f manifests/"]
EOF
  cat > "$1/charts/app/Chart.yaml" <<'EOF'
apiVersion: v2
name: app
version: 1.0.0
EOF
  cat > "$1/charts/app/values.yaml" <<EOF
replicaCount: 1
image:
  repository: $SRC/bench/app-1
  tag: v1
sidecar:
  image: $SRC/bench/app-2:v1
EOF
  cat > "$1/charts/app/templates/deployment.yaml" <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      app: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app: {{ .Release.Name }}
    spec:
      containers:
        - name: app
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
        - name: sidecar
          image: {{ .Values.sidecar.image }}
EOF
  local i
  for i in $(seq 3 "$IMAGES"); do
    printf -- '---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: app-%s\nspec:\n  containers:\n    - name: app\n      image: %s\n' \
      "$i" "$SRC/bench/app-$i:v1"
  done > "$1/manifests/apps.yaml"
  cluster_image_pom "$1" inner-app "$SRC"
}

offline_maven_settings "$WORK/settings.xml"
empty_project "$WORK/empty"
PROJECT="$WORK/project"
mvn_in() { # DIR LOG ARGS...: the launch and exit times go to LOG.stamps
  local dir=$1 out=$2
  shift 2
  date +%H:%M:%S.%3N > "$out.stamps"
  (cd "$dir" && XDG_CACHE_HOME="$WORK/xdg" "$REPO_DIR/mvnw" -B -s "$WORK/settings.xml" "$@" "${MVN_LOG_OPTS[@]}") > "$out" 2>&1 \
    || { tail -40 "$out" >&2; echo "inner.sh: mvn $* failed in $dir (log above)" >&2; return 1; }
  date +%H:%M:%S.%3N >> "$out.stamps"
  ! grep -q 'Downloading from' "$out" || { echo "inner.sh: Maven tried to download artifacts; run ./mvnw install once online" >&2; return 1; }
}
helm_library() { find "$WORK/xdg/cluster-image/helm-java" -type f -size +1M -printf '%i %T@ %p\n' 2> /dev/null | sort; }
memos() { find "$PROJECT/target" -path '*chart-memo/*.json' | wc -l; }
FAILED=()
check() { # what condition-text
  if eval "$2"; then :; else FAILED+=("run $run, $1: not true: $2"); fi
}

step() { # STEP DIR ARGS...: timed, recorded, logged
  local name=$1 dir=$2 t v s sv p plugin total up down
  shift 2
  settle
  t=$(run_timed "$WORK/mvn.out" mvn_in "$dir" "$WORK/$name.log" "$@")
  if [ "$name" = floor ]; then
    printf '%s\t%s\t%s\t%s\t\t\t\t\t\t\n' "$run" "$name" "${t% *}" "${t#* }" >> "$RESULTS"
    last_floor=${t% *}
  else
    read -r v s sv p plugin total up down < <(mvn_times "$WORK/$name.log")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$run" "$name" "${t% *}" "${t#* }" "$plugin" "$v" "$s" "$sv" "$p" "$last_floor" >> "$RESULTS"
  fi
  log "  $name: ${t% *} ms (CPU ${t#* })${plugin:+; plugin goals $plugin ms (validate $v, scan $s, save $sv, package $p)}"
  cp "$WORK/$name.log" "$BENCH_TARGET/inner-$name.log"
}

for run in $(seq 1 "$RUNS"); do
  log "run $run/$RUNS (load $(cut -d' ' -f1 /proc/loadavg))"
  rm -rf "$PROJECT" "$WORK/xdg"
  write_project "$PROJECT"
  step floor "$WORK/empty" validate
  step cold "$PROJECT" package
  check "cold: Helm's library unpacked into the user cache" '[ -n "$(helm_library)" ]'
  lib=$(helm_library)
  for n in $(seq 1 "$NOOPS"); do
    step floor "$WORK/empty" validate
    step noop "$PROJECT" package
    check "no-op: save-registry up to date" "grep -q 'registry trees up to date' '$WORK/noop.log'"
    check "no-op: package-image up to date" "grep -q 'cluster-image.tar up to date' '$WORK/noop.log'"
    check "no-op: no goal ran again" "! grep -q 'runs again' '$WORK/noop.log'"
  done
  m=$(memos)
  sed -i "s/^replicaCount: .*/replicaCount: $((run + 1))/" "$PROJECT/charts/app/values.yaml"
  step floor "$WORK/empty" validate
  step values "$PROJECT" package
  check "values edit: the chart rendered again" '[ "$(memos)" -gt "$m" ]'
  check "values edit: the registry layer taken from the previous archive" "grep -q 'unchanged layer(s)' '$WORK/values.log'"
  m=$(memos)
  echo "# edited in run $run" >> "$PROJECT/manifests/apps.yaml"
  step floor "$WORK/empty" validate
  step manifest "$PROJECT" package
  check "manifest edit: the chart not rendered again" '[ "$(memos)" = "$m" ]'
  check "manifest edit: the registry layer taken from the previous archive" "grep -q 'unchanged layer(s)' '$WORK/manifest.log'"
  check "Helm's library not unpacked again after the cold build" '[ "$(helm_library)" = "$lib" ]'
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

col() { awk -F'\t' -v s="$1" -v c="$2" '$2 == s {print $c}' "$RESULTS"; }
over_floor() { # STEP: the median over every build of STEP of (its wall time - the floor measured just before it)
  awk -F'\t' -v s="$1" '$2 == s {print $3 - $10}' "$RESULTS" | median
}
echo
echo "Medians of $RUNS runs ($NOOPS no-ops each), ms; over floor = the median over a step's builds of (build - the floor build just before it)."
echo
echo "| step | wall | runs | CPU | over floor | plugin goals | validate | scan | save | package |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for s in floor cold noop values manifest; do
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$s" "$(col $s 3 | median)" "$(col $s 3 | paste -sd/ | sed 's:/: / :g')" \
    "$(col $s 4 | median)" "$( [ $s = floor ] && echo - || over_floor $s)" "$(col $s 5 | median)" "$(col $s 6 | median)" \
    "$(col $s 7 | median)" "$(col $s 8 | median)" "$(col $s 9 | median)"
done
echo
printf 'Goals (#16): no-op <= floor + 300: %s; manifest edit <= floor + 600: %s; values edit <= floor + 1000: %s\n' \
  "$(over_floor noop)" "$(over_floor manifest)" "$(over_floor values)"
if [ "${#FAILED[@]}" -gt 0 ]; then
  printf 'FAILED: %s\n' "${FAILED[@]}" >&2
  exit 1
fi
echo "Checked in every run: the no-op found save-registry and package-image up to date; the values edit rendered the chart again and the manifest edit did not; both took the registry layer from the previous archive; Helm's library was unpacked by the cold build only."
