package io.clusterimage.kubefile;

import io.clusterimage.core.Finding;
import io.clusterimage.core.Platform;
import io.clusterimage.core.Severity;
import io.clusterimage.kubefile.Instruction.Arg;
import io.clusterimage.kubefile.Instruction.Cmd;
import io.clusterimage.kubefile.Instruction.Copy;
import io.clusterimage.kubefile.Instruction.Entrypoint;
import io.clusterimage.kubefile.Instruction.Env;
import io.clusterimage.kubefile.Instruction.Expose;
import io.clusterimage.kubefile.Instruction.Healthcheck;
import io.clusterimage.kubefile.Instruction.KeyValue;
import io.clusterimage.kubefile.Instruction.Label;
import io.clusterimage.kubefile.Instruction.Maintainer;
import io.clusterimage.kubefile.Instruction.Onbuild;
import io.clusterimage.kubefile.Instruction.StopSignal;
import io.clusterimage.kubefile.Instruction.User;
import io.clusterimage.kubefile.Instruction.Volume;
import io.clusterimage.kubefile.Instruction.Workdir;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.clusterimage.kubefile.KubefileTestSupport.assertFinding;
import static io.clusterimage.kubefile.KubefileTestSupport.assertNoFindings;
import static io.clusterimage.kubefile.KubefileTestSupport.codes;
import static io.clusterimage.kubefile.KubefileTestSupport.kv;
import static io.clusterimage.kubefile.KubefileTestSupport.outline;
import static io.clusterimage.kubefile.KubefileTestSupport.parse;
import static io.clusterimage.kubefile.KubefileTestSupport.resolve;
import static io.clusterimage.kubefile.KubefileTestSupport.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Variable expansion per stage, for one platform and a set of build arguments. */
class KubefileResolverTest {

    /** The pairs of all LABEL instructions of the final stage, as a map. */
    private static Map<String, String> labels(BuildPlan plan) {
        return labels(plan.finalStage());
    }

    private static Map<String, String> labels(Stage stage) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (Label label : stage.all(Label.class)) {
            for (KeyValue pair : label.pairs()) {
                labels.put(pair.key(), pair.value());
            }
        }
        return labels;
    }

    @Nested
    class Args {

        @Test
        void globalArgsWithDefaultsInFrom() {
            BuildPlan plan = resolve("ARG BASE=docker.io/labring/kubernetes", "ARG TAG=v1.28.15", "FROM ${BASE}:$TAG");
            assertNoFindings(plan.findings());
            assertEquals("docker.io/labring/kubernetes:v1.28.15", plan.finalStage().from().image());
        }

        @Test
        void buildArgOverridesTheDefault() {
            BuildPlan plan = resolve(Map.of("TAG", "v1.29.0"), "ARG BASE=docker.io/labring/kubernetes", "ARG TAG=v1.28.15",
                    "FROM ${BASE}:$TAG");
            assertNoFindings(plan.findings());
            assertEquals("docker.io/labring/kubernetes:v1.29.0", plan.finalStage().from().image());
        }

        @Test
        void globalArgDefaultMayUseAnEarlierOne() {
            BuildPlan plan = resolve("ARG VERSION=1.28", "ARG IMAGE=kubernetes:v${VERSION}.15", "FROM $IMAGE");
            assertEquals("kubernetes:v1.28.15", plan.finalStage().from().image());
        }

        @Test
        void globalArgIsNotVisibleInsideAStage() {
            BuildPlan plan = resolve("ARG VERSION=v1", "FROM scratch", "LABEL v=$VERSION");
            assertEquals(Map.of("v", ""), labels(plan));
            assertEquals(List.of("kubefile.undefined-variable"), codes(plan.findings()));
            Finding finding = assertFinding(plan.findings(), Severity.WARNING, "kubefile.undefined-variable", 3, "LABEL uses $VERSION");
            assertTrue(finding.fix().contains("ARG VERSION"), finding.fix());
        }

        @Test
        void bareArgInheritsTheGlobalValue() {
            BuildPlan plan = resolve("ARG VERSION=v1", "FROM scratch", "ARG VERSION", "LABEL v=$VERSION");
            assertNoFindings(plan.findings());
            assertEquals(Map.of("v", "v1"), labels(plan));
        }

        @Test
        void bareArgInheritsTheGlobalValueSetByABuildArg() {
            BuildPlan plan = resolve(Map.of("VERSION", "v2"), "ARG VERSION=v1", "FROM scratch", "ARG VERSION", "LABEL v=$VERSION");
            assertNoFindings(plan.findings());
            assertEquals(Map.of("v", "v2"), labels(plan));
        }

        @Test
        void stageArgDefaultAndBuildArg() {
            String[] kubefile = {"FROM scratch", "ARG A=1 B=${A}0", "LABEL a=$A b=$B"};
            assertEquals(Map.of("a", "1", "b", "10"), labels(resolve(kubefile)));
            assertEquals(Map.of("a", "5", "b", "50"), labels(resolve(Map.of("A", "5"), kubefile)));
            assertEquals(Map.of("a", "1", "b", "$A"), labels(resolve(Map.of("B", "$A"), kubefile)),
                    "a build argument is taken literally, not expanded");
        }

        @Test
        void argWithoutValueAndWithoutBuildArgIsUnset() {
            BuildPlan plan = resolve("FROM scratch", "ARG MODE", "LABEL mode=$MODE");
            assertEquals(Map.of("mode", ""), labels(plan));
            assertFinding(plan.findings(), Severity.WARNING, "kubefile.undefined-variable", 3, "LABEL uses $MODE");
        }

        @Test
        void argIsVisibleOnlyAfterItsDeclaration() {
            BuildPlan plan = resolve("FROM scratch", "LABEL before=$V", "ARG V=1", "LABEL after=$V");
            assertEquals(Map.of("before", "", "after", "1"), labels(plan));
            assertFinding(plan.findings(), Severity.WARNING, "kubefile.undefined-variable", 2, "$V");
        }

        @Test
        void argScopeEndsWithItsStage() {
            BuildPlan plan = resolve("FROM scratch AS one", "ARG X=1", "LABEL x=$X", "FROM scratch", "LABEL x=$X");
            assertEquals(Map.of("x", "1"), labels(plan.stages().get(0)));
            assertEquals(Map.of("x", ""), labels(plan.stages().get(1)));
            assertEquals(List.of("kubefile.undefined-variable"), codes(plan.findings()));
            assertFinding(plan.findings(), Severity.WARNING, "kubefile.undefined-variable", 5, "$X");
        }

        @Test
        void argInstructionsStayInTheStage() {
            BuildPlan plan = resolve("FROM scratch", "ARG A=1", "LABEL a=$A");
            assertEquals(List.of("ARG 2", "LABEL 3"), outline(plan.finalStage().instructions()));
            assertEquals(List.of(kv("A", "1")), single(plan.finalStage(), Arg.class).args());
        }
    }

    @Nested
    class PlatformArgs {

        @Test
        void platformArgsAreAvailableInFromWithoutDeclaration() {
            BuildPlan plan = resolve("FROM docker.io/labring/helm:v3-$TARGETARCH");
            assertNoFindings(plan.findings());
            assertEquals("docker.io/labring/helm:v3-arm64", plan.finalStage().from().image());
        }

        @Test
        void buildPlatformInFromPlatformFlag() {
            BuildPlan plan = resolve("FROM --platform=$BUILDPLATFORM scratch");
            assertNoFindings(plan.findings());
            assertEquals("linux/amd64", plan.finalStage().from().platform());
            assertEquals("scratch", plan.finalStage().from().image());
        }

        @Test
        void targetPlatformInFromPlatformFlag() {
            BuildPlan plan = resolve("FROM --platform=${TARGETPLATFORM} scratch");
            assertEquals("linux/arm64", plan.finalStage().from().platform());
        }

        @Test
        void platformArgsAreVisibleInAStageOnlyOnceDeclared() {
            BuildPlan plan = resolve(
                    "FROM scratch",
                    "LABEL before=$TARGETARCH",
                    "ARG TARGETARCH",
                    "ARG TARGETPLATFORM TARGETOS BUILDARCH BUILDPLATFORM TARGETVARIANT",
                    "LABEL arch=$TARGETARCH platform=$TARGETPLATFORM os=$TARGETOS build=$BUILDARCH buildplatform=$BUILDPLATFORM variant=$TARGETVARIANT");
            assertEquals(Map.of("before", "", "arch", "arm64", "platform", "linux/arm64", "os", "linux", "build", "amd64",
                    "buildplatform", "linux/amd64", "variant", ""), labels(plan));
            assertEquals(List.of("kubefile.undefined-variable"), codes(plan.findings()));
            assertFinding(plan.findings(), Severity.WARNING, "kubefile.undefined-variable", 2, "LABEL uses $TARGETARCH");
        }

        @Test
        void targetVariant() {
            Kubefile kubefile = parse("FROM scratch", "ARG TARGETPLATFORM TARGETVARIANT", "LABEL p=$TARGETPLATFORM v=$TARGETVARIANT");
            BuildPlan plan = KubefileResolver.resolve(kubefile, Map.of(), Platform.parse("linux/arm/v7"), Platform.LINUX_AMD64);
            assertEquals(Map.of("p", "linux/arm/v7", "v", "v7"), labels(plan));
            assertEquals(Platform.parse("linux/arm/v7"), plan.platform());
        }

        @Test
        void platformArgsDeclaredGloballyAndInherited() {
            BuildPlan plan = resolve("ARG TARGETARCH", "FROM scratch", "ARG TARGETARCH", "LABEL arch=$TARGETARCH");
            assertNoFindings(plan.findings());
            assertEquals(Map.of("arch", "arm64"), labels(plan));
        }

        @Test
        void platformArgsAreNeverUnusedBuildArgs() {
            BuildPlan plan = resolve(Map.of("TARGETARCH", "riscv64"), "FROM scratch");
            assertNoFindings(plan.findings());
        }
    }

    @Nested
    class EnvAndLabel {

        @Test
        void envPairsOfOneInstructionDoNotSeeEachOther() {
            BuildPlan plan = resolve("FROM scratch", "ENV A=1", "ENV A=2 B=$A", "LABEL a=$A b=$B");
            assertNoFindings(plan.findings());
            List<Env> envs = plan.finalStage().all(Env.class);
            assertEquals(List.of(kv("A", "2"), kv("B", "1")), envs.get(1).pairs());
            assertEquals(Map.of("a", "2", "b", "1"), labels(plan));
        }

        @Test
        void envPairUsingAnotherPairOfTheSameInstructionIsUndefined() {
            BuildPlan plan = resolve("FROM scratch", "ENV X=x Y=$X");
            assertEquals(List.of(kv("X", "x"), kv("Y", "")), single(plan.finalStage(), Env.class).pairs());
            assertFinding(plan.findings(), Severity.WARNING, "kubefile.undefined-variable", 2, "ENV uses $X");
        }

        @Test
        void envWinsOverArg() {
            String[] kubefile = {"FROM scratch", "ARG MODE=arg", "ENV MODE=env", "LABEL mode=$MODE"};
            assertEquals(Map.of("mode", "env"), labels(resolve(kubefile)));
            assertEquals(Map.of("mode", "env"), labels(resolve(Map.of("MODE", "cli"), kubefile)));
        }

        @Test
        void envMayUseAnArg() {
            BuildPlan plan = resolve(Map.of("VERSION", "v2"), "FROM scratch", "ARG VERSION=v1", "ENV VERSION_LABEL=app-$VERSION");
            assertEquals(List.of(kv("VERSION_LABEL", "app-v2")), single(plan.finalStage(), Env.class).pairs());
        }

        @Test
        void argDefaultMayUseAnEnv() {
            BuildPlan plan = resolve("FROM scratch", "ENV BASE=/opt", "ARG DIR=$BASE/x", "WORKDIR $DIR");
            assertEquals("/opt/x", single(plan.finalStage(), Workdir.class).path());
        }

        @Test
        void envQuotesAndEscapesAreRemoved() {
            BuildPlan plan = resolve("FROM scratch", "ENV A=\"two words\" B=three\\ words C='$HOME' D=\"\" E=\\$HOME");
            assertNoFindings(plan.findings());
            assertEquals(List.of(kv("A", "two words"), kv("B", "three words"), kv("C", "$HOME"), kv("D", ""), kv("E", "$HOME")),
                    single(plan.finalStage(), Env.class).pairs());
        }

        @Test
        void legacyEnvValueIsExpandedAsOneWord() {
            BuildPlan plan = resolve("FROM scratch", "ENV NODE_IP \"core.harbor.domain\"", "ENV GREETING hello   \"big world\"");
            List<Env> envs = plan.finalStage().all(Env.class);
            assertEquals(List.of(kv("NODE_IP", "core.harbor.domain")), envs.get(0).pairs());
            assertEquals(List.of(kv("GREETING", "hello   big world")), envs.get(1).pairs());
            assertEquals(List.of("kubefile.legacy-key-value", "kubefile.legacy-key-value"), codes(plan.kubefile().findings()));
            assertNoFindings(plan.findings());
        }

        @Test
        void labelWithSeveralPairsQuotedKeysAndEscapedDollars() {
            BuildPlan plan = resolve(
                    "FROM scratch",
                    "LABEL init=\"init.sh\" \\",
                    "      check=\"check.sh \\$registryData\" \\",
                    "      vip=\"\\$defaultVIP\" \\",
                    "      \"apps.sealos.io/type\"=rootfs \"apps.sealos.io/version\"=v1beta1");
            assertNoFindings(plan.findings());
            assertEquals(Map.of("init", "init.sh", "check", "check.sh $registryData", "vip", "$defaultVIP",
                    "apps.sealos.io/type", "rootfs", "apps.sealos.io/version", "v1beta1"), labels(plan));
        }

        @Test
        void labelKeysMayUseVariables() {
            BuildPlan plan = resolve("FROM scratch", "ARG PREFIX=apps.sealos.io", "LABEL \"$PREFIX/type\"=application");
            assertEquals(Map.of("apps.sealos.io/type", "application"), labels(plan));
        }

        @Test
        void sealosRunTimeReferencesAreKept() {
            BuildPlan plan = resolve(
                    "FROM scratch",
                    "ENV DOMAIN=127.0.0.1.nip.io",
                    "LABEL url=https://$(DOMAIN)/x",
                    "ENV CMD_ARGS=\"--set host=$(DOMAIN)\"");
            assertNoFindings(plan.findings());
            assertEquals(Map.of("url", "https://$(DOMAIN)/x"), labels(plan));
            assertEquals(List.of(kv("CMD_ARGS", "--set host=$(DOMAIN)")), plan.finalStage().all(Env.class).get(1).pairs());
        }

        @Test
        void substitutionForms() {
            BuildPlan plan = resolve(
                    "FROM scratch",
                    "ARG SET=value EMPTY=",
                    "LABEL a=${SET:-x} b=${EMPTY:-x} c=${UNSET:-x} d=${EMPTY-x} e=${UNSET-x} f=${SET:+x} g=${EMPTY:+x} h=${EMPTY+x} i=${UNSET+x}",
                    "ENV arch=${arch:-\"amd64\"}");
            assertNoFindings(plan.findings());
            assertEquals(Map.of("a", "value", "b", "x", "c", "x", "d", "", "e", "x", "f", "x", "g", "", "h", "x", "i", ""), labels(plan));
            assertEquals(List.of(kv("arch", "amd64")), single(plan.finalStage(), Env.class).pairs());
        }

        @Test
        void requiredVariableMissingIsAnError() {
            String[] kubefile = {"FROM scratch", "ARG V", "LABEL a=\"${V:?must be set}\""};
            BuildPlan plan = resolve(kubefile);
            Finding finding = assertFinding(plan.findings(), Severity.ERROR, "kubefile.substitution", 3, "V: must be set");
            assertTrue(finding.message().startsWith("LABEL: "), finding.message());
            assertEquals(Map.of("a", "\"${V:?must be set}\""), labels(plan), "the text is kept as written");

            BuildPlan given = resolve(Map.of("V", "x"), kubefile);
            assertNoFindings(given.findings());
            assertEquals(Map.of("a", "x"), labels(given));
        }

        @Test
        void unterminatedQuoteIsASubstitutionError() {
            BuildPlan plan = resolve("FROM scratch", "COPY a \"b", "ENV X=${Y");
            assertFinding(plan.findings(), Severity.ERROR, "kubefile.substitution", 2, "matching double-quote");
            assertFinding(plan.findings(), Severity.ERROR, "kubefile.substitution", 3, "missing '}'");
        }
    }

    @Nested
    class WhereVariablesAreExpanded {

        @Test
        void expandedAndUnexpandedInstructions() {
            BuildPlan plan = resolve(
                    "FROM scratch AS build",
                    "FROM scratch",
                    "ARG DIR=/opt/app USERID=65532 PORT=8080 SIG=SIGTERM STAGE=build OWNER=1000 MODE=0644",
                    "WORKDIR $DIR",
                    "USER ${USERID}:${USERID}",
                    "EXPOSE $PORT ${PORT}/udp",
                    "VOLUME [\"$DIR/data\"]",
                    "STOPSIGNAL $SIG",
                    "COPY --from=$STAGE --chown=$OWNER --chmod=$MODE $DIR/a ${DIR}/b /dest/$PORT",
                    "CMD [\"echo $DIR\"]",
                    "ENTRYPOINT echo $DIR",
                    "MAINTAINER $USERID",
                    "HEALTHCHECK CMD echo $DIR",
                    "ONBUILD COPY $DIR x");
            assertNoFindings(plan.findings());
            Stage stage = plan.finalStage();
            assertEquals("/opt/app", single(stage, Workdir.class).path());
            assertEquals("65532:65532", single(stage, User.class).user());
            assertEquals(List.of("8080", "8080/udp"), single(stage, Expose.class).ports());
            assertEquals(List.of("/opt/app/data"), single(stage, Volume.class).paths());
            assertEquals("SIGTERM", single(stage, StopSignal.class).signal());
            Copy copy = single(stage, Copy.class);
            assertEquals("build", copy.from());
            assertEquals("1000", copy.chown());
            assertEquals("0644", copy.chmod());
            assertEquals(List.of("/opt/app/a", "/opt/app/b"), copy.sources());
            assertEquals("/dest/8080", copy.destination());
            // Docker leaves these to the shell at run time (or to the image built FROM this one)
            assertEquals(List.of("echo $DIR"), single(stage, Cmd.class).command().execForm());
            assertEquals("echo $DIR", single(stage, Entrypoint.class).command().shellForm());
            assertEquals("$USERID", single(stage, Maintainer.class).maintainer());
            assertEquals("echo $DIR", single(stage, Healthcheck.class).command().shellForm());
            assertEquals("COPY $DIR x", single(stage, Onbuild.class).triggerText());
        }

        @Test
        void commandsAreNotCheckedForUndefinedVariables() {
            BuildPlan plan = resolve("FROM scratch", "CMD [\"DOMAIN=$(DOMAIN) sh start.sh $HOME\"]", "ENTRYPOINT echo $NOPE");
            assertNoFindings(plan.findings());
        }

        @Test
        void linesAreKeptThroughExpansion() {
            BuildPlan plan = resolve("FROM scratch", "ARG D=x", "COPY \\", "  $D \\", "  /dest", "LABEL a=$D");
            assertEquals(List.of("ARG 2", "COPY 3-5", "LABEL 6"), outline(plan.finalStage().instructions()));
            assertEquals(List.of("x"), single(plan.finalStage(), Copy.class).sources());
        }

        @Test
        void backtickEscapeDirectiveAppliesToExpansion() {
            BuildPlan plan = resolve("# escape=`", "FROM scratch", "ENV A=`$HOME B=C:\\dir\\$HOME");
            assertEquals(List.of(kv("A", "$HOME"), kv("B", "C:\\dir\\")), single(plan.finalStage(), Env.class).pairs());
            assertFinding(plan.findings(), Severity.WARNING, "kubefile.undefined-variable", 3, "$HOME");
        }
    }

    @Nested
    class Findings {

        @Test
        void undefinedVariableInFrom() {
            BuildPlan plan = resolve("FROM registry.example.com/$REPO/app:1");
            assertEquals("registry.example.com//app:1", plan.finalStage().from().image());
            Finding finding = assertFinding(plan.findings(), Severity.WARNING, "kubefile.undefined-variable", 1, "FROM uses $REPO");
            assertTrue(finding.message().contains("expands to an empty string"), finding.message());
        }

        @Test
        void fromImageThatExpandsToNothingIsAnError() {
            String[] kubefile = {"ARG BASE", "FROM ${BASE}", "COPY a b"};
            BuildPlan plan = resolve(kubefile);
            assertEquals(List.of("kubefile.undefined-variable", "kubefile.from"), codes(plan.findings()));
            Finding finding = assertFinding(plan.findings(), Severity.ERROR, "kubefile.from", 2, "FROM ${BASE} expands to an empty image name");
            assertTrue(finding.fix().contains("BASE"), finding.fix());

            assertNoFindings(resolve(Map.of("BASE", "scratch"), kubefile).findings());
        }

        @Test
        void fromPlatformThatExpandsToNothingIsAnError() {
            BuildPlan plan = resolve("FROM --platform=$PLATFORM scratch");
            assertFinding(plan.findings(), Severity.WARNING, "kubefile.undefined-variable", 1, "$PLATFORM");
            assertFinding(plan.findings(), Severity.ERROR, "kubefile.from", 1, "--platform=$PLATFORM expands to an empty platform");
            assertNoFindings(resolve("FROM --platform= scratch").findings()); // BuildKit ignores an empty --platform=
        }

        @Test
        void undefinedVariableWithADefaultIsNotReported() {
            BuildPlan plan = resolve("FROM scratch", "LABEL a=${NOPE:-x} b=${NOPE-y} c=${NOPE:+z}");
            assertNoFindings(plan.findings());
        }

        @Test
        void escapedAndSingleQuotedReferencesAreNotReported() {
            BuildPlan plan = resolve("FROM scratch", "LABEL a=\\$NOPE b='$NOPE' c=\"\\$NOPE\"");
            assertNoFindings(plan.findings());
            assertEquals(Map.of("a", "$NOPE", "b", "$NOPE", "c", "$NOPE"), labels(plan));
        }

        @Test
        void unusedBuildArg() {
            BuildPlan plan = resolve(Map.of("EXTRA", "1", "USED", "2"), "FROM scratch", "ARG USED");
            assertEquals(List.of("kubefile.unused-build-arg"), codes(plan.findings()));
            Finding finding = assertFinding(plan.findings(), Severity.WARNING, "kubefile.unused-build-arg", 0,
                    "build argument 'EXTRA' is not declared");
            assertTrue(finding.fix().contains("ARG EXTRA"), finding.fix());
        }

        @Test
        void buildArgUsedOnlyByAGlobalArgIsUsed() {
            BuildPlan plan = resolve(Map.of("TAG", "v2"), "ARG TAG=v1", "FROM kubernetes:$TAG");
            assertNoFindings(plan.findings());
        }

        @Test
        void unusedBuildArgsAreReportedInNameOrder() {
            BuildPlan plan = resolve(Map.of("ZED", "1", "ALPHA", "2"), "FROM scratch");
            assertEquals(List.of("build argument 'ALPHA' is not declared by any ARG in the Kubefile",
                    "build argument 'ZED' is not declared by any ARG in the Kubefile"),
                    plan.findings().stream().map(Finding::message).toList());
        }
    }

    @Nested
    class Stages {

        @Test
        void stagesHaveIndexNameAndInstructions() {
            BuildPlan plan = resolve(
                    "ARG TAG=v1",
                    "FROM docker.io/labring/helm:$TAG AS Tools",
                    "COPY a b",
                    "FROM scratch",
                    "COPY --from=tools /usr/bin/helm opt/helm",
                    "CMD [\"cp opt/helm /usr/bin/\"]");
            assertNoFindings(plan.findings());
            assertEquals(2, plan.stages().size());
            Stage tools = plan.stages().get(0);
            assertEquals(0, tools.index());
            assertEquals("tools", tools.name().orElseThrow());
            assertEquals("docker.io/labring/helm:v1", tools.from().image());
            assertEquals(List.of("COPY 3"), outline(tools.instructions()));
            Stage last = plan.finalStage();
            assertEquals(1, last.index());
            assertTrue(last.name().isEmpty());
            assertEquals(List.of("COPY 5", "CMD 6"), outline(last.instructions()));
            assertEquals(tools, plan.stage("TOOLS").orElseThrow());
            assertEquals(tools, plan.stage("0").orElseThrow());
            assertEquals(last, plan.stage("1").orElseThrow());
            assertTrue(plan.stage("2").isEmpty());
            assertTrue(plan.stage("missing").isEmpty());
            assertEquals(KubefileTestSupport.TARGET, plan.platform());
        }

        @Test
        void aStageBuiltFromAnEarlierStageInheritsItsEnv() {
            BuildPlan plan = resolve(
                    "ARG PARENT=base",
                    "FROM scratch AS base",
                    "ENV REGISTRY=sealos.hub:5000 MODE=base",
                    "FROM base AS child",
                    "ENV MODE=child",
                    "LABEL registry=$REGISTRY mode=$MODE",
                    "FROM ${PARENT}",
                    "LABEL registry=$REGISTRY mode=$MODE",
                    "FROM child",
                    "LABEL registry=$REGISTRY mode=$MODE",
                    "FROM scratch",
                    "LABEL registry=$REGISTRY");
            assertEquals(Map.of("registry", "sealos.hub:5000", "mode", "child"), labels(plan.stages().get(1)));
            assertEquals(Map.of("registry", "sealos.hub:5000", "mode", "base"), labels(plan.stages().get(2)),
                    "the base stage's own ENV, not what a later stage set");
            assertEquals(Map.of("registry", "sealos.hub:5000", "mode", "child"), labels(plan.stages().get(3)),
                    "inherited through two stages");
            assertEquals(Map.of("registry", ""), labels(plan.stages().get(4)), "FROM scratch starts empty");
            assertEquals(List.of("kubefile.undefined-variable"), codes(plan.findings()));
            assertFinding(plan.findings(), Severity.WARNING, "kubefile.undefined-variable", 12, "$REGISTRY");
        }
    }
}
