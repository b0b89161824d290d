# Shared by the bench/*.sh scripts; source it, do not run it.
# bench_build builds what the benchmarks need, without touching ~/.m2 or the default build
# (bench/package.sh installs the plugin into ~/.m2 itself, before calling it):
#   plugin/target/classes      ./mvnw compile -pl plugin
#   bench/target/cp.txt        the plugin's runtime dependencies (dependency:build-classpath)
#   bench/target/classes       bench/src/bench/*.java compiled with javac against both
# and sets BENCH_CP to the classpath that runs them.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
BENCH_TARGET="$BENCH_DIR/target"
PLUGIN_VERSION=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$REPO_DIR/pom.xml" | head -1)

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Maven offline first (the usual case on a machine that built the project), online if that fails.
mvnw_quiet() {
  (cd "$REPO_DIR" && ./mvnw -q -B -o "$@") || (cd "$REPO_DIR" && ./mvnw -q -B "$@")
}

bench_build() {
  mkdir -p "$BENCH_TARGET"
  if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    log "compiling the plugin (./mvnw -q -B -o compile -pl plugin)"
    mvnw_quiet compile -pl plugin >&2
  fi
  if [ ! -s "$BENCH_TARGET/cp.txt" ] || [ "$REPO_DIR/plugin/pom.xml" -nt "$BENCH_TARGET/cp.txt" ] \
      || [ "$REPO_DIR/pom.xml" -nt "$BENCH_TARGET/cp.txt" ]; then
    log "resolving the plugin's runtime classpath (dependency:build-classpath)"
    mvnw_quiet dependency:build-classpath -pl plugin -DincludeScope=runtime \
      -Dmdep.outputFile="$BENCH_TARGET/cp.txt" >&2
  fi
  local deps
  deps=$(cat "$BENCH_TARGET/cp.txt")
  rm -rf "$BENCH_TARGET/classes"
  mkdir -p "$BENCH_TARGET/classes"
  # (|| return: callers run this without set -e, .ci/run among them, and must see a compile error)
  javac --release 17 -nowarn -d "$BENCH_TARGET/classes" -cp "$REPO_DIR/plugin/target/classes:$deps" \
    "$BENCH_DIR"/src/bench/*.java || return 1
  BENCH_CP="$BENCH_TARGET/classes:$REPO_DIR/plugin/target/classes:$deps"
  export BENCH_CP
}

# Machine facts for the record.
machine_facts() {
  echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')$(grep -qw sha_ni /proc/cpuinfo && echo ' (sha_ni)')"
  echo "memory: $(free -g | awk '/^Mem:/ {print $2}') GiB; kernel $(uname -r)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# run_timed OUTFILE COMMAND... : runs the command in a subshell, stdout to OUTFILE, stderr to
# OUTFILE.err; prints "wall_ms cpu_ms", the CPU being user + system time of the command and its
# children (the subshell's cutime + cstime once they are waited for). Fails if the command fails.
run_timed() {
  local outfile=$1
  shift
  (
    tick_ms=$((1000 / $(getconf CLK_TCK)))
    t0=$(now_ms)
    "$@" > "$outfile" 2> "$outfile.err" || { cat "$outfile.err" >&2; exit 1; }
    t1=$(now_ms)
    read -r stat < "/proc/$BASHPID/stat"
    stat=${stat##*) }
    read -ra f <<< "$stat"
    echo "$((t1 - t0)) $(( (f[13] + f[14]) * tick_ms ))"
  )
}

# Median of numbers on stdin (one per line).
median() {
  sort -g | awk '{a[NR]=$1} END {if (NR==0) {print "n/a"} else if (NR%2) {print a[(NR+1)/2]} else {printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}}'
}

TICK_MS=$((1000 / $(getconf CLK_TCK)))
# CPU time (user + system, ms) a process has used so far; threads included.
proc_cpu_ms() { awk -v t="$TICK_MS" '{sub(/^.*\) /, ""); print ($12 + $13) * t}' "/proc/$1/stat"; }

# ---- local registries (bench/save.sh, bench/package.sh) ----
# They use the caller's WORK (a scratch directory) and append every PID they start to its PIDS array,
# which the caller's exit trap stops.

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 20000))
    (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null || { echo "$port"; return; }
  done
}

# start_registry NAME ROOTDIR -> sets REGISTRY_PORT and REGISTRY_PID; listens on 127.0.0.1 only.
start_registry() {
  local name=$1 root=$2
  REGISTRY_PORT=$(free_port)
  mkdir -p "$root"
  cat > "$WORK/$name.yml" <<YML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $root
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$REGISTRY_PORT
YML
  docker-registry serve "$WORK/$name.yml" > "$WORK/$name.log" 2>&1 &
  REGISTRY_PID=$!
  PIDS+=("$REGISTRY_PID")
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$REGISTRY_PORT/v2/" > /dev/null && return
    sleep 0.1
  done
  cat "$WORK/$name.log" >&2
  echo "$(basename "$0"): docker-registry $name did not start" >&2
  exit 1
}

stop_registry() {
  kill "$1" 2> /dev/null || true
  wait "$1" 2> /dev/null || true
}

# Every timed step starts with no dirty pages, so that no step pays for the previous one's writeback
# (the steps write hundreds of MiB; the kernel throttles writers when too much is dirty).
settle() {
  local t0
  t0=$(now_ms)
  sync
  [ $(( $(now_ms) - t0 )) -gt 500 ] && log "  (sync took $(( $(now_ms) - t0 )) ms)"
  return 0
}

# What a registry tree (a docker-registry filesystem store) holds: every blob digest, and every tag's target.
tree_summary() {
  local v2=$1/docker/registry/v2
  find "$v2/blobs" -name data | sed 's|.*/\([0-9a-f]\{64\}\)/data$|\1|' | LC_ALL=C sort
  (cd "$v2/repositories" && for link in $(find . -path '*/_manifests/tags/*/current/link' | LC_ALL=C sort); do
    printf '%s %s\n' "$link" "$(cat "$link")"; done)
}

# ---- Maven runs (bench/package.sh, bench/inner.sh) ----

# Maven's log with a time on every line, for mvn_times
MVN_LOG_OPTS=(-Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS)

# the plugin's goals in a Maven log with timestamps (-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS):
# prints "validate-layout scan-images save-registry package-image plugin maven_total start_up exit" in ms:
# start_up = from the launch of ./mvnw to Maven's first log line, exit = from BUILD SUCCESS to the end of
# the process (the launch and end times are in LOG.stamps)
mvn_times() {
  awk '
    function ms(t,  a) { split(t, a, /[:.]/); return ((a[1] * 60 + a[2]) * 60 + a[3]) * 1000 + a[4] }
    FILENAME ~ /\.stamps$/ { if (launch == "") launch = ms($1); else ended = ms($1); next }
    /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9][0-9][0-9] / {
      if (firstline == "") firstline = ms($1)
      t = ms($1)
      goal = ""
      if ($0 ~ /\] --- .*:validate-layout \(/) goal = "validate-layout"
      if ($0 ~ /\] --- .*:scan-images \(/) goal = "scan-images"
      if ($0 ~ /\] --- .*:save-registry \(/) goal = "save-registry"
      if ($0 ~ /\] --- .*:package-image \(/) goal = "package-image"
      if ($0 ~ /\] --- /) { if (cur != "") d[cur] += t - start; cur = goal; start = t; if (goal != "" && first == "") first = t }
      if ($0 ~ /BUILD SUCCESS/) { if (cur != "") d[cur] += t - start; cur = ""; end = t }
      if ($0 ~ /Total time:/) { v = $0; sub(/.*Total time: */, "", v); split(v, p, " "); total = (p[2] == "min") ? 0 : p[1] * 1000 }
    }
    END { printf "%d %d %d %d %d %d %d %d\n", d["validate-layout"], d["scan-images"], d["save-registry"], d["package-image"], end - first, total,
          firstline - launch, ended - end }
  ' "$1.stamps" "$1"
}

# offline_maven_settings FILE: a settings.xml for running Maven without -o (offline, save-registry takes
# images from its cache only, by design, and a cold build has an empty cache) while Maven itself resolves
# nothing from the network: every Maven repository is mirrored to an address that refuses connections,
# with the id central, so that what ~/.m2 holds from Maven Central is used without being checked (callers
# check that no log says "Downloading").
offline_maven_settings() {
  cat > "$1" <<'EOF'
<settings>
  <mirrors>
    <mirror>
      <id>central</id>
      <mirrorOf>*</mirrorOf>
      <url>http://127.0.0.1:9/</url>
    </mirror>
  </mirrors>
</settings>
EOF
}

# empty_project DIR: Maven's own fixed cost, the floor: a project with nothing bound (packaging pom; run
# `validate` in it)
empty_project() {
  mkdir -p "$1"
  cat > "$1/pom.xml" <<'EOF'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.clusterimage.bench</groupId>
  <artifactId>empty</artifactId>
  <version>1.0.0</version>
  <packaging>pom</packaging>
</project>
EOF
}

# cluster_image_pom DIR ARTIFACT_ID REGISTRY: DIR/pom.xml of a <packaging>cluster-image</packaging> project
# with this checkout's plugin version, reading images from REGISTRY (plain HTTP on 127.0.0.1)
cluster_image_pom() {
  cat > "$1/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.clusterimage.bench</groupId>
  <artifactId>$2</artifactId>
  <version>1.0.0</version>
  <packaging>cluster-image</packaging>
  <properties>
    <project.build.outputTimestamp>2026-01-01T00:00:00Z</project.build.outputTimestamp>
  </properties>
  <build>
    <plugins>
      <plugin>
        <groupId>io.clusterimage</groupId>
        <artifactId>cluster-image-maven-plugin</artifactId>
        <version>$PLUGIN_VERSION</version>
        <extensions>true</extensions>
        <configuration>
          <insecureRegistries>
            <insecureRegistry>$3</insecureRegistry>
          </insecureRegistries>
        </configuration>
      </plugin>
    </plugins>
  </build>
</project>
EOF
}

# bench_workdir NAME: WORK, a fresh scratch directory, and PIDS, the processes started there (start_registry
# adds to it); both go on exit. A script that needs more cleaning sets its own trap after this.
bench_workdir() {
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/cluster-image-bench-$1.XXXXXX")
  PIDS=()
  trap bench_cleanup EXIT
}
bench_cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2> /dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2> /dev/null || true; done
  rm -rf "$WORK"
}
