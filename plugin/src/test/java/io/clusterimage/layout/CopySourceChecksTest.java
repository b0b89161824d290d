package io.clusterimage.layout;

import io.clusterimage.core.Finding;
import io.clusterimage.core.Severity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.clusterimage.layout.LayoutFixture.assertFinding;
import static io.clusterimage.layout.LayoutFixture.assertFindings;
import static io.clusterimage.layout.LayoutFixture.assertNoFindings;
import static io.clusterimage.layout.LayoutFixture.lines;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** COPY / ADD sources against the build context. */
class CopySourceChecksTest {

    @TempDir
    Path temp;

    LayoutFixture layout;

    @BeforeEach
    void setUp() {
        layout = new LayoutFixture(temp);
    }

    @Test
    void missingSourceIsAnErrorOnTheCopyLine() throws Exception {
        layout.kubefile("FROM scratch", "COPY opt ./opt", "CMD [\"true\"]");

        Layout result = layout.read();

        assertFindings(result, "ERROR copy.missing-source Kubefile:2");
        Finding finding = assertFinding(result, Severity.ERROR, "copy.missing-source", "Kubefile", 2,
                "COPY source 'opt' does not exist in the build context");
        assertTrue(finding.describe().startsWith("Kubefile:2: "), finding.describe());
    }

    @Test
    void existingSourceIsFine() throws Exception {
        layout.kubefile("FROM scratch", "COPY opt ./opt", "CMD [\"true\"]").file("opt/tool", "#!/bin/sh\n");

        assertNoFindings(layout.read());
    }

    @Test
    void multiLineCopyIsReportedOnItsFirstLine() throws Exception {
        layout.kubefile("FROM scratch", "# comment", "COPY \\", "  opt \\", "  ./opt", "CMD [\"true\"]");

        assertFinding(layout.read(), Severity.ERROR, "copy.missing-source", "Kubefile", 3, "'opt'");
    }

    @Test
    void dotDotOutOfTheContextIsAnError() throws Exception {
        layout.kubefile("FROM scratch", "COPY ../secret.txt secret.txt", "COPY opt/../../other other");
        Files.writeString(temp.resolve("secret.txt"), "s");

        Layout result = layout.read();

        assertFindings(result, "ERROR copy.outside-context Kubefile:2", "ERROR copy.outside-context Kubefile:3");
        assertFinding(result, Severity.ERROR, "copy.outside-context", "Kubefile", 2,
                "COPY source '../secret.txt' points outside the build context");
        assertFinding(result, Severity.ERROR, "copy.outside-context", "Kubefile", 3, "'opt/../../other'");
    }

    @Test
    void dotDotThatStaysInsideIsFine() throws Exception {
        layout.kubefile("FROM scratch", "COPY opt/../manifests manifests", "COPY registry registry")
                .file("manifests/app.yaml", "kind: ConfigMap\n");

        assertNoFindings(layout.read());
    }

    @Test
    void absoluteSourceIsAWarningAndIsCheckedRelativeToTheContext() throws Exception {
        layout.kubefile("FROM scratch", "COPY /opt /opt").file("opt/tool", "x");

        Layout result = layout.read();

        assertFindings(result, "WARNING copy.absolute-source Kubefile:2");
        assertFinding(result, Severity.WARNING, "copy.absolute-source", "Kubefile", 2,
                "COPY source '/opt' is absolute; it is read as 'opt' inside the build context");
    }

    @Test
    void absoluteSourceThatDoesNotExistInTheContextIsAlsoMissing() throws Exception {
        layout.kubefile("FROM scratch", "COPY /etc/hosts hosts");

        assertFindings(layout.read(), "ERROR copy.missing-source Kubefile:2", "WARNING copy.absolute-source Kubefile:2");
    }

    @Test
    void globWithoutMatchIsMissing() throws Exception {
        layout.kubefile("FROM scratch", "COPY scripts/*.sh scripts/").file("scripts/readme.txt", "x");

        Layout result = layout.read();

        assertFindings(result, "ERROR copy.missing-source Kubefile:2");
        assertFinding(result, Severity.ERROR, "copy.missing-source", "Kubefile", 2, "COPY source 'scripts/*.sh' does not exist");
    }

    @Test
    void globThatMatchesIsFine() throws Exception {
        layout.kubefile("FROM scratch", "COPY scripts/*.sh scripts/", "COPY o?t/[a-c]* opt/")
                .file("scripts/install.sh", "x")
                .file("opt/bin", "x");

        assertNoFindings(layout.read());
    }

    @Test
    void malformedGlobIsAnError() throws Exception {
        layout.kubefile("FROM scratch", "COPY opt/[abc opt/").file("opt/a", "x");

        assertFinding(layout.read(), Severity.ERROR, "copy.bad-pattern", "Kubefile", 2, "missing ]");
    }

    @Test
    void symbolicLinkToOutsideTheContextIsAnError() throws Exception {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("tool"), "x");
        layout.kubefile("FROM scratch", "COPY opt opt");
        Files.createSymbolicLink(layout.context.resolve("opt"), outside);

        Layout result = layout.read();

        assertFindings(result, "ERROR copy.symlink-outside-context Kubefile:2");
        assertFinding(result, Severity.ERROR, "copy.symlink-outside-context", "Kubefile", 2,
                "COPY source 'opt' leads outside the build context: 'opt' is a symbolic link to '" + outside + "'");
    }

    @Test
    void aSymbolicLinkedParentDirectoryLeavingTheContextIsReportedBeforeAnyBuild() throws Exception {
        Path host = Files.createDirectories(temp.resolve("host/etc/ssh"));
        Files.writeString(host.resolve("../passwd"), "root:x:0:0");
        layout.kubefile("FROM scratch", "COPY hostroot/etc/passwd passwd", "COPY hostroot/etc/pass* /x/", "COPY hostroot/etc/ssh/ /ssh/",
                "COPY up/host/etc/passwd p");
        Files.createSymbolicLink(layout.context.resolve("hostroot"), temp.resolve("host"));
        Files.createSymbolicLink(layout.context.resolve("up"), Path.of(".."));

        Layout result = layout.read();

        assertFindings(result, "ERROR copy.symlink-outside-context Kubefile:2", "ERROR copy.symlink-outside-context Kubefile:3",
                "ERROR copy.symlink-outside-context Kubefile:4", "ERROR copy.symlink-outside-context Kubefile:5");
        assertFinding(result, Severity.ERROR, "copy.symlink-outside-context", "Kubefile", 2,
                "COPY source 'hostroot/etc/passwd' leads outside the build context: 'hostroot' is a symbolic link to '"
                        + temp.resolve("host") + "'");
        assertFinding(result, Severity.ERROR, "copy.symlink-outside-context", "Kubefile", 5, "'up' is a symbolic link to '..'");
    }

    @Test
    void symbolicLinkMatchedByAGlobIsCheckedToo() throws Exception {
        Path outside = Files.writeString(temp.resolve("passwd.conf"), "x");
        layout.kubefile("FROM scratch", "COPY etc/*.conf etc/").file("etc/good.conf", "x");
        Files.createSymbolicLink(layout.context.resolve("etc/passwd.conf"), outside);

        assertFinding(layout.read(), Severity.ERROR, "copy.symlink-outside-context", "Kubefile", 2, "'etc/passwd.conf'");
    }

    @Test
    void symbolicLinkInsideTheContextIsFine() throws Exception {
        layout.kubefile("FROM scratch", "COPY current opt").file("opt-1.0/tool", "x");
        Files.createSymbolicLink(layout.context.resolve("current"), Path.of("opt-1.0"));

        assertNoFindings(layout.read());
    }

    @Test
    void registrySourceIsAllowedBeforeTheBuildCreatesIt() throws Exception {
        layout.kubefile("FROM scratch", "COPY registry registry", "COPY ./registry/ /registry2", "COPY manifests manifests")
                .file("manifests/app.yaml", "kind: ConfigMap\n");

        assertNoFindings(layout.read());
    }

    @Test
    void copyFromAnotherStageIsNotChecked() throws Exception {
        layout.kubefile("FROM docker.io/library/alpine:3.19 AS tools",
                "FROM scratch",
                "COPY --from=tools /usr/bin/missing opt/",
                "COPY --from=docker.io/bitnami/kubectl:1.29 /opt/bitnami/kubectl/bin/kubectl opt/");

        assertNoFindings(layout.read());
    }

    @Test
    void addFromAUrlIsNotChecked() throws Exception {
        layout.kubefile("FROM scratch",
                "ADD https://get.helm.sh/helm-v3.14.0-linux-amd64.tar.gz opt/",
                "ADD git@github.com:labring/sealos.git opt/sealos");

        assertNoFindings(layout.read());
    }

    @Test
    void addOfAMissingLocalFileIsAnErrorThatSaysAdd() throws Exception {
        layout.kubefile("FROM scratch", "ADD helm.tar.gz opt/");

        assertFinding(layout.read(), Severity.ERROR, "copy.missing-source", "Kubefile", 2, "ADD source 'helm.tar.gz' does not exist");
    }

    @Test
    void eachMissingSourceOfAMultiSourceCopyIsReported() throws Exception {
        layout.kubefile("FROM scratch", "COPY setup.sh missing.sh clean.sh gone.sh scripts/")
                .file("setup.sh", "x").file("clean.sh", "x");

        Layout result = layout.read();

        assertFindings(result, "ERROR copy.missing-source Kubefile:2", "ERROR copy.missing-source Kubefile:2");
        assertTrue(result.findings().get(0).message().contains("'missing.sh'"), result.findings().get(0)::describe);
        assertTrue(result.findings().get(1).message().contains("'gone.sh'"), result.findings().get(1)::describe);
    }

    @Test
    void sourcesAreCheckedAfterArgSubstitution() throws Exception {
        layout.kubefile("FROM scratch", "ARG CHART_DIR=chart", "COPY ${CHART_DIR} charts/app");

        assertFinding(layout.read(), Severity.ERROR, "copy.missing-source", "Kubefile", 3, "'chart'");
    }

    @Test
    void danglingSymbolicLinkIsMissingNotEscaping() throws Exception {
        layout.kubefile("FROM scratch", "COPY opt opt", "COPY data data");
        Files.createSymbolicLink(layout.context.resolve("opt"), Path.of("opt-1.0"));
        Files.createSymbolicLink(layout.context.resolve("data"), temp.resolve("no-such-dir"));

        Layout result = layout.read();

        assertFindings(result, "ERROR copy.missing-source Kubefile:2", "ERROR copy.missing-source Kubefile:3");
        assertFinding(result, Severity.ERROR, "copy.missing-source", "Kubefile", 2,
                "COPY source 'opt' is a symbolic link to 'opt-1.0', which does not exist");
        assertFinding(result, Severity.ERROR, "copy.missing-source", "Kubefile", 3, "no-such-dir");
    }

    // ---- .containerignore / .dockerignore ----

    @Test
    void sourceExcludedByDockerignoreIsAnError() throws Exception {
        layout.kubefile("FROM scratch", "COPY opt opt", "COPY manifests manifests", "COPY registry registry")
                .file(".dockerignore", lines("opt", "*.md"))
                .file("opt/tool", "x")
                .file("manifests/app.yaml", "kind: ConfigMap\n");

        Layout result = layout.read();

        assertFindings(result, "ERROR copy.ignored-source Kubefile:2");
        Finding finding = assertFinding(result, Severity.ERROR, "copy.ignored-source", "Kubefile", 2,
                "COPY source 'opt' is excluded by .dockerignore");
        assertTrue(finding.fix().contains("'!opt'"), finding::describe);
    }

    @Test
    void sourceWithAnExceptionInsideIsNotIgnored() throws Exception {
        layout.kubefile("FROM scratch", "COPY opt opt")
                .file(".containerignore", lines("opt", "!opt/bin"))
                .file("opt/bin/tool", "x");

        assertNoFindings(layout.read());
    }

    @Test
    void containerignoreWinsOverDockerignore() throws Exception {
        layout.kubefile("FROM scratch", "COPY opt opt", "COPY etc etc")
                .file(".containerignore", lines("etc"))
                .file(".dockerignore", lines("opt"))
                .file("opt/tool", "x").file("etc/config", "x");

        assertFinding(layout.read(), Severity.ERROR, "copy.ignored-source", "Kubefile", 3, "excluded by .containerignore");
    }

    @Test
    void globWhoseMatchesAreAllIgnoredIsAnError() throws Exception {
        layout.kubefile("FROM scratch", "COPY *.sh scripts/")
                .file(".dockerignore", lines("*.sh"))
                .file("setup.sh", "x").file("clean.sh", "x");

        assertFinding(layout.read(), Severity.ERROR, "copy.ignored-source", "Kubefile", 2, "'*.sh' is excluded");
    }

    @Test
    void invalidIgnorePatternIsReportedOnItsLine() throws Exception {
        layout.kubefile("FROM scratch", "COPY opt opt")
                .file(".dockerignore", lines("# build output", "target", "!"))
                .file("opt/tool", "x");

        Layout result = layout.read();

        assertFindings(result, "ERROR ignore.pattern .dockerignore:3");
        assertFinding(result, Severity.ERROR, "ignore.pattern", ".dockerignore", 3, "illegal exclusion pattern");
    }
}
