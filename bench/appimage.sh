#!/usr/bin/env bash
# Times what <appImages> adds to a `mvn package`, on the java-app IT's layout (it-projects/java-app:
# orders/, a jar module, and deploy/, a cluster-image module that builds orders' image in-process with Jib
# Core and bundles it), against the same project without the image and against the path users have
# without <appImages>: jib-maven-plugin's buildTar in orders/ + <imageArchives> in deploy/ importing
# orders/target/jib-image.tar (as the jib-tar-app IT does).
#
#   bench/appimage.sh
#
# Three variants of the project, each copied from it-projects/java-app into a scratch directory:
#   appimages   the layout as it is: <appImages> builds registry.example.com/team/orders:1.0.0
#   none        <appImages> removed and the image listed in deploy/.sealignore (so nothing is pulled):
#               the same build without any image
#   jib-buildtar  orders/ runs jib-maven-plugin $JIB_VERSION buildTar in the package phase (base: the
#               docker-archive of it-projects/jib-tar-app/base, the same one-layer image as java-app's
#               OCI base, which Jib's tar:// cannot read), deploy/ has <imageArchives> instead of <appImages>
# Per run and variant: a cold `mvn -o package` (a fresh copy: no target/, so no Jib cache either), then
# Main.java is changed and `mvn -o package` runs again (the rebuild). Order of variants rotates per run.
#
# Environment (defaults in brackets):
#   RUNS [3]               repetitions; medians are reported
#   JIB_VERSION [3.5.2]    jib-maven-plugin for the jib-buildtar variant
#   BENCH_SKIP_BUILD=1     use the plugin installed in ~/.m2 as it is
#   BASE [it]              it: the IT's one-file base image; jre: a base of a real JRE's size instead, one gzip
#                          layer holding the running JDK under /opt/java (~260 MB, ~130 MB compressed), as a
#                          docker-archive that both <from><archive> and jib-maven-plugin's tar:// read
#
# Needs: JDK 17+. Installs the plugin into ~/.m2 (./mvnw -q -B -o install -DskipTests) and, once, resolves
# jib-maven-plugin into ~/.m2 (an online `mvn package` of the jib-buildtar variant, Maven Central only;
# skipped when it is there). Everything else lives in one mktemp directory, deleted at the end.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-3}
BASE=${BASE:-it}
case $BASE in it|jre) ;; *) echo "appimage.sh: BASE must be it or jre, not $BASE" >&2; exit 2 ;; esac
JIB_VERSION=${JIB_VERSION:-3.5.2}
VARIANTS=(appimages none jib-buildtar)
IMAGE=registry.example.com/team/orders:1.0.0
JAR_IMAGE=registry.example.com/team/orders-jar:1.0.0 # java-app's second image, left out of the bench

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  log "installing the plugin (./mvnw -q -B -o install -DskipTests)"
  mvnw_quiet install -DskipTests >&2
fi
PLUGIN_JAR="$HOME/.m2/repository/io/clusterimage/cluster-image-maven-plugin/0.1.0-SNAPSHOT/cluster-image-maven-plugin-0.1.0-SNAPSHOT.jar"
PLUGIN_JAR_SUM=$(sha256sum "$PLUGIN_JAR" | cut -c1-16)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cluster-image-bench-appimage.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# ---- the three projects ----

# BASE=jre: the running JDK as one layer at /opt/java; a docker-archive with a gzip layer (what a registry serves)
make_jre_base() { # OUT.tar
  local dir="$WORK/jre-base" jdk diff
  jdk=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  mkdir -p "$dir/img"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$(dirname "$jdk")" \
    --transform "s,^$(basename "$jdk"),opt/java," -cf "$dir/layer.tar" "$(basename "$jdk")"
  diff=$(sha256sum "$dir/layer.tar" | cut -d' ' -f1)
  gzip -n -1 < "$dir/layer.tar" > "$dir/img/layer.tar.gz"
  printf '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/opt/java/bin:/usr/bin:/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$diff" > "$dir/img/config.json"
  printf '[{"Config":"config.json","RepoTags":[],"Layers":["layer.tar.gz"]}]' > "$dir/img/manifest.json"
  tar -C "$dir/img" -cf "$1" manifest.json config.json layer.tar.gz
  log "BASE=jre: $jdk as one layer, $(( $(stat -c %s "$dir/layer.tar") >> 20 )) MiB ($(( $(stat -c %s "$1") >> 20 )) MiB compressed)"
  rm -rf "$dir"
}
if [ "$BASE" = jre ]; then
  make_jre_base "$WORK/jre-base.tar"
fi

make_variant() { # NAME
  local dir="$WORK/src/$1"
  mkdir -p "$WORK/src"
  cp -r "$REPO_DIR/it-projects/java-app" "$dir"
  rm -f "$dir/verify.groovy" "$dir/invoker.properties"
  # the bench compares one image built from classes: java-app's packaged-mode image is not built, and its
  # manifest entry is ignored, in every variant
  perl -0pi -e 's/\s*<appImage>\s*<!-- the same module as its jar.*?<\/appImage>//s' "$dir/deploy/pom.xml"
  printf '%s\n' "$JAR_IMAGE" >> "$dir/deploy/.sealignore"
  if [ "$BASE" = jre ]; then
    cp "$WORK/jre-base.tar" "$dir/base/base.tar"
  fi
  case $1 in
    appimages) ;;
    none)
      sed -i '/<appImages>/,/<\/appImages>/d' "$dir/deploy/pom.xml"
      printf '%s\n' "$IMAGE" >> "$dir/deploy/.sealignore"
      ;;
    jib-buildtar)
      if [ "$BASE" = jre ]; then
        cp "$WORK/jre-base.tar" "$dir/base/base-docker.tar"
      else
        cp "$REPO_DIR/it-projects/jib-tar-app/base/base.tar" "$dir/base/base-docker.tar"
      fi
      sed -i '/<appImages>/,/<\/appImages>/c\
          <imageArchives>\
            <imageArchive>\
              <file>../orders/target/jib-image.tar</file>\
              <image>registry.example.com/team/orders:${project.version}</image>\
            </imageArchive>\
          </imageArchives>' "$dir/deploy/pom.xml"
      # the same container settings as java-app's <appImage>
      sed -i '/<plugins>/r /dev/stdin' "$dir/orders/pom.xml" <<EOF
      <plugin>
        <groupId>com.google.cloud.tools</groupId>
        <artifactId>jib-maven-plugin</artifactId>
        <version>$JIB_VERSION</version>
        <configuration>
          <from><image>tar://\${project.basedir}/../base/base-docker.tar</image></from>
          <to><image>registry.example.com/team/orders:\${project.version}</image></to>
          <container>
            <jvmFlags><jvmFlag>-XX:MaxRAMPercentage=75</jvmFlag></jvmFlags>
            <ports><port>8080</port></ports>
            <environment><ORDERS_MODE>cluster</ORDERS_MODE></environment>
            <user>1000</user>
            <volumes><volume>/var/cache/orders</volume></volumes>
          </container>
        </configuration>
        <executions>
          <execution>
            <phase>package</phase>
            <goals><goal>buildTar</goal></goals>
          </execution>
        </executions>
      </plugin>
EOF
      ;;
  esac
}
for v in "${VARIANTS[@]}"; do make_variant "$v"; done
grep -q 'orders-jar' "$WORK/src/appimages/deploy/pom.xml" && { echo "appimage.sh: java-app's second <appImage> was not removed" >&2; exit 1; }
grep -q '<appImages>' "$WORK/src/none/deploy/pom.xml" && { echo "appimage.sh: <appImages> still in the none variant" >&2; exit 1; }
grep -q 'buildTar' "$WORK/src/jib-buildtar/orders/pom.xml" || { echo "appimage.sh: jib-maven-plugin not added" >&2; exit 1; }

# Jib's base-image cache under the project's target/ (cold means cold), no update check (a network call)
JIB_PROPS=(-Djib.baseImageCache=orders/target/jib-base-cache -Djib.configDirectory=orders/target/jib-config -Djib.disableUpdateChecks=true)
# one platform, as jib:buildTar builds one image (java-app itself builds two: amd64 and arm64)
JIB_PROPS+=(-Dcluster-image.platforms=linux/amd64)
MVN_LOG_OPTS=(-Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS)
mvn_package() { # DIR [-o] : mvn package in DIR, log in DIR.log
  local dir=$1
  shift
  (cd "$dir" && "$REPO_DIR/mvnw" -B "$@" package "${JIB_PROPS[@]}" "${MVN_LOG_OPTS[@]}") > "$dir.log" 2>&1 \
    || { tail -30 "$dir.log" >&2; return 1; }
}

# jib-maven-plugin into ~/.m2 once (online, Maven Central), then a warm-up build of each variant (page cache)
JIB_POM="$HOME/.m2/repository/com/google/cloud/tools/jib-maven-plugin/$JIB_VERSION/jib-maven-plugin-$JIB_VERSION.pom"
cp -r "$WORK/src/jib-buildtar" "$WORK/resolve"
if ! mvn_package "$WORK/resolve" -o 2> /dev/null; then
  log "resolving jib-maven-plugin $JIB_VERSION into ~/.m2 (online)"
  mvn_package "$WORK/resolve"
fi
[ -f "$JIB_POM" ] || { echo "appimage.sh: jib-maven-plugin $JIB_VERSION is not in ~/.m2" >&2; exit 1; }
rm -rf "$WORK/resolve" "$WORK/resolve.log"
for v in "${VARIANTS[@]}"; do
  cp -r "$WORK/src/$v" "$WORK/warm-$v"
  mvn_package "$WORK/warm-$v" -o
  rm -rf "$WORK/warm-$v" "$WORK/warm-$v.log"
done

# ---- facts ----

machine_facts
echo "maven: $("$REPO_DIR/mvnw" -B -o -v 2>/dev/null | head -1); plugin 0.1.0-SNAPSHOT installed, jar sha256 $PLUGIN_JAR_SUM...; jib-maven-plugin $JIB_VERSION; base image: BASE=$BASE"

RESULTS="$BENCH_TARGET/appimage-results.tsv"
mkdir -p "$BENCH_TARGET"
printf 'run\tvariant\tstep\twall_ms\tcpu_ms\timage_goal_ms\tdigest\tmaven_total_ms\n' > "$RESULTS"

# ms spent in the goals that build or import the image: jib:buildTar, and the cluster-image goals
# (the <appImages> build happens inside them), from the timestamped log
goal_ms() { # LOG PATTERN
  awk -v pat="$2" '
    function ms(t,  a) { split(t, a, /[:.]/); return ((a[1] * 60 + a[2]) * 60 + a[3]) * 1000 + a[4] }
    /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9][0-9][0-9] / {
      t = ms($1)
      if ($0 ~ /\] --- / || $0 ~ /\] -+< / || $0 ~ /BUILD SUCCESS/) { if (on) sum += t - start; on = 0 }
      if ($0 ~ /\] --- / && $0 ~ pat) { on = 1; start = t }
    }
    END { print sum + 0 }' "$1"
}
maven_total() { sed -n 's/.*Total time: *\([0-9.]*\) s.*/\1/p' "$1" | awk '{printf "%d", $1 * 1000}'; }
lock_digest() { [ -f "$1/deploy/target/cluster-image/images.lock" ] && awk '{print $3}' "$1/deploy/target/cluster-image/images.lock" || echo -; }

# measure_package RUN VARIANT STEP DIR: one timed `mvn -o package` of DIR, recorded in $RESULTS and logged;
# sets MEASURED_DIGEST to the image digest the build locked (not echoed: the timing runs in this shell).
measure_package() {
  local run=$1 v=$2 step=$3 p=$4 t goal
  settle
  t=$(run_timed "$WORK/out" mvn_package "$p" -o)
  MEASURED_DIGEST=$(lock_digest "$p")
  goal=$(goal_ms "$p.log" 'jib:|cluster-image:')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$run" "$v" "$step" "${t% *}" "${t#* }" "$goal" "$MEASURED_DIGEST" \
    "$(maven_total "$p.log")" >> "$RESULTS"
  log "run $run $v: $step ${t% *} ms (CPU ${t#* } ms), image goals $goal ms, $MEASURED_DIGEST"
  cp "$p.log" "$BENCH_TARGET/appimage-$v-$step.log"
}

for run in $(seq 1 "$RUNS"); do
  # rotate the order: run 1 appimages none jib-buildtar, run 2 none jib-buildtar appimages, ...
  order=("${VARIANTS[@]:$(( (run - 1) % 3 ))}" "${VARIANTS[@]:0:$(( (run - 1) % 3 ))}")
  for v in "${order[@]}"; do
    p="$WORK/p-$v"
    rm -rf "$p" "$p.log"
    cp -r "$WORK/src/$v" "$p"
    measure_package "$run" "$v" cold "$p"
    cold_digest=$MEASURED_DIGEST
    # one changed class
    sed -i "s/\"service\", \"orders\"/\"service\", \"orders-$run\"/" "$p/orders/src/main/java/com/example/orders/Main.java"
    grep -q "orders-$run" "$p/orders/src/main/java/com/example/orders/Main.java"
    measure_package "$run" "$v" rebuild "$p"
    digest=$MEASURED_DIGEST
    if [ "$v" != none ] && [ "$digest" = "$cold_digest" ]; then
      echo "appimage.sh: run $run $v: the rebuild after a changed class left the image as it was ($digest)" >&2
      STALE="${STALE:-}$v(run $run) "
    fi
    rm -rf "$p"
  done
done

# ---- report (markdown on stdout) ----

med() { awk -F'\t' -v v="$1" -v s="$2" -v c="$3" '$2 == v && $3 == s {print $c}' "$RESULTS" | median; }
runs() { awk -F'\t' -v v="$1" -v s="$2" -v c="$3" '$2 == v && $3 == s {printf "%s%s", (n++ ? ", " : ""), $c}' "$RESULTS"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
sec() { awk -v a="$1" 'BEGIN { printf "%.2f s", a / 1000 }'; }

echo
echo "Medians of $RUNS runs, ms (every run in brackets). cold = \`mvn -o package\` of a fresh copy; rebuild = the same"
echo "directory again after one changed class (Main.java). image goals = time in jib:buildTar and the cluster-image goals."
echo
echo "| variant | step | wall | runs | CPU | Maven's Total time | image goals |"
echo "|---|---|---|---|---|---|---|"
for s in cold rebuild; do
  for v in "${VARIANTS[@]}"; do
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$v" "$s" "$(med "$v" "$s" 4)" "$(runs "$v" "$s" 4)" "$(med "$v" "$s" 5)" \
      "$(med "$v" "$s" 8)" "$(med "$v" "$s" 6)"
  done
done
# per-run differences and ratios (same run), then their medians
pair() { # STEP A B OP [COLUMN, 4 = wall] : per run, A op B
  awk -F'\t' -v s="$1" -v a="$2" -v b="$3" -v op="$4" -v c="${5:-4}" '$3 == s { w[$1 " " $2] = $c; r[$1] = 1 }
    END { for (k in r) if ((k " " a) in w && (k " " b) in w) if (op == "-") print w[k " " a] - w[k " " b]; else printf "%.2f\n", w[k " " a] / w[k " " b] }' "$RESULTS" | median
}
added=$(pair cold appimages none -)
rebuild=$(med appimages rebuild 4)
echo
echo "- <appImages> adds $(sec "$added") to a cold build (appimages − none, median of the per-run differences; goal ≤ 1.5 s);" \
  "in CPU time: $(sec "$(pair cold appimages none - 5)"); in the image goals alone: $(sec "$(pair cold appimages none - 6)")"
echo "- rebuild after one changed class with <appImages>: $(sec "$rebuild") whole mvn package (goal ≤ 3 s); without the image" \
  "(none) $(sec "$(med none rebuild 4)"); the image goals in it: $(sec "$(med appimages rebuild 6)") (none: $(sec "$(med none rebuild 6)"))"
echo "- jib-buildtar ÷ appimages, same run: cold $(pair cold jib-buildtar appimages /), rebuild $(pair rebuild jib-buildtar appimages /);" \
  "image goals only: cold $(pair cold jib-buildtar appimages / 6), rebuild $(pair rebuild jib-buildtar appimages / 6);" \
  "jib-buildtar − none, cold: $(sec "$(pair cold jib-buildtar none -)")"
echo "- image changed on every rebuild: ${STALE:+no: }${STALE:-yes (appimages and jib-buildtar)}"
echo
echo "Raw: bench/target/appimage-results.tsv; last logs: bench/target/appimage-*-{cold,rebuild}.log"
