package io.clusterimage.layout;

import io.clusterimage.core.Severity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.clusterimage.layout.LayoutFixture.assertFinding;
import static io.clusterimage.layout.LayoutFixture.assertFindings;
import static io.clusterimage.layout.LayoutFixture.assertNoFindings;

/** Files that CMD / ENTRYPOINT refer to must reach the image. */
class CommandPathChecksTest {

    @TempDir
    Path temp;

    LayoutFixture layout;

    @BeforeEach
    void setUp() {
        layout = new LayoutFixture(temp);
    }

    @Test
    void scriptThatNoCopyPutsIntoTheImageWarns() throws Exception {
        layout.kubefile("FROM scratch", "COPY manifests manifests", "COPY registry registry", "CMD [\"bash entrypoint.sh\"]")
                .file("manifests/app.yaml", "kind: ConfigMap\n")
                .file("entrypoint.sh", "#!/bin/bash\n");

        Layout result = layout.read();

        assertFindings(result, "WARNING command.missing-file Kubefile:4");
        assertFinding(result, Severity.WARNING, "command.missing-file", "Kubefile", 4,
                "CMD refers to 'entrypoint.sh', but no COPY puts it into the image");
    }

    @Test
    void scriptCopiedWithEverythingButMissingWarns() throws Exception {
        layout.kubefile("FROM scratch", "COPY . .", "CMD [\"bash entrypoint.sh\"]").file("install.sh", "x");

        Layout result = layout.read();

        assertFindings(result, "WARNING command.missing-file Kubefile:3");
        assertFinding(result, Severity.WARNING, "command.missing-file", "Kubefile", 3,
                "CMD refers to 'entrypoint.sh', but 'entrypoint.sh' does not exist in the build context");
    }

    @Test
    void scriptCopiedWithEverythingAndPresentIsFine() throws Exception {
        layout.kubefile("FROM scratch", "COPY . .", "CMD [\"bash entrypoint.sh\"]").file("entrypoint.sh", "x");

        assertNoFindings(layout.read());
    }

    @Test
    void scriptCopiedByNameIntoTheWorkingDirectoryIsFine() throws Exception {
        layout.kubefile("FROM scratch", "COPY entrypoint.sh .", "ENTRYPOINT [\"bash\", \"./entrypoint.sh\"]").file("entrypoint.sh", "x");

        assertNoFindings(layout.read());
    }

    @Test
    void scriptCopiedByNameIntoTheRootOrADirectoryIsFine() throws Exception {
        layout.kubefile("FROM scratch", "COPY setup.sh /", "COPY clean.sh scripts/", "WORKDIR /opt", "COPY check.sh ./.",
                        "CMD [\"bash setup.sh\", \"bash scripts/clean.sh\", \"bash opt/check.sh\"]")
                .file("setup.sh", "x").file("clean.sh", "x").file("check.sh", "x");

        assertNoFindings(layout.read());
    }

    @Test
    void scriptCopiedUnderAnotherFileNameIsFollowed() throws Exception {
        layout.kubefile("FROM scratch", "COPY install-v2.sh install.sh", "CMD [\"bash install.sh\", \"bash install-v2.sh\"]")
                .file("install-v2.sh", "x");

        assertFinding(layout.read(), Severity.WARNING, "command.missing-file", "Kubefile", 3,
                "CMD refers to 'install-v2.sh', but no COPY puts it into the image");
    }

    @Test
    void entrypointIsCheckedAndNamedToo() throws Exception {
        layout.kubefile("FROM scratch", "COPY opt opt", "ENTRYPOINT [\"sh\", \"opt/install.sh\"]").file("opt/other.sh", "x");

        assertFinding(layout.read(), Severity.WARNING, "command.missing-file", "Kubefile", 3,
                "ENTRYPOINT refers to 'opt/install.sh', but 'opt/install.sh' does not exist in the build context");
    }

    @Test
    void manifestUnderACopiedDirectoryThatIsMissingWarns() throws Exception {
        layout.kubefile("FROM scratch",
                        "COPY manifests ./manifests",
                        "COPY registry ./registry",
                        "CMD [\"kubectl apply -f manifests/deploy.yaml -f manifests/svc.yaml\"]")
                .file("manifests/deploy.yaml", "kind: Deployment\n");

        Layout result = layout.read();

        assertFindings(result, "WARNING command.missing-file Kubefile:4");
        assertFinding(result, Severity.WARNING, "command.missing-file", "Kubefile", 4,
                "CMD refers to 'manifests/svc.yaml', but 'manifests/svc.yaml' does not exist in the build context");
    }

    @Test
    void manifestUnderACopiedDirectoryThatIsPresentIsFine() throws Exception {
        layout.kubefile("FROM scratch",
                        "COPY manifests ./manifests",
                        "COPY registry ./registry",
                        "CMD [\"kubectl apply -f manifests/deploy.yaml\"]")
                .file("manifests/deploy.yaml", "kind: Deployment\n");

        assertNoFindings(layout.read());
    }

    @Test
    void copyToAnotherDirectoryNameIsFollowed() throws Exception {
        layout.kubefile("FROM scratch",
                        "COPY manifests ./affine",
                        "COPY registry ./registry",
                        "CMD [\"kubectl apply -f affine/affine.yaml\"]")
                .file("manifests/affine.yaml", "kind: Deployment\n");

        assertNoFindings(layout.read());
    }

    @Test
    void copyToAnotherDirectoryNameWithTheFileMissingNamesTheContextPath() throws Exception {
        layout.kubefile("FROM scratch",
                        "COPY manifests ./affine",
                        "COPY registry ./registry",
                        "CMD [\"kubectl apply -f affine/affine.yaml\"]")
                .file("manifests/other.yaml", "kind: Deployment\n");

        assertFinding(layout.read(), Severity.WARNING, "command.missing-file", "Kubefile", 4,
                "CMD refers to 'affine/affine.yaml', but 'manifests/affine.yaml' does not exist in the build context");
    }

    @Test
    void relativeCopyDestinationFollowsWorkdir() throws Exception {
        layout.kubefile("FROM scratch", "WORKDIR /deploy", "COPY manifests manifests", "COPY registry /registry",
                        "CMD [\"kubectl apply -f deploy/manifests/app.yaml\"]")
                .file("manifests/app.yaml", "kind: ConfigMap\n");

        assertNoFindings(layout.read());
    }

    @Test
    void variablesFlagsReleaseNamesAndAbsolutePathsAreNotFlagged() throws Exception {
        layout.kubefile("FROM scratch",
                        "ENV NAMESPACE=app",
                        "COPY charts charts",
                        "COPY registry registry",
                        "CMD [\"helm upgrade -i my-release charts/app -n $(NAMESPACE) --create-namespace"
                                + " -f $(VALUES_FILE) --set image.tag=1.0 --wait\","
                                + " \"kubectl apply -f /etc/kubernetes/admin.yaml\","
                                + " \"kubectl rollout status deploy/my-release\"]")
                .chartDir("app", "app");

        assertNoFindings(layout.read());
    }

    @Test
    void shellFormCommandIsCheckedToo() throws Exception {
        layout.kubefile("FROM scratch", "COPY . .", "CMD bash install.sh && kubectl apply -f manifests/")
                .file("manifests/app.yaml", "kind: ConfigMap\n");

        assertFinding(layout.read(), Severity.WARNING, "command.missing-file", "Kubefile", 3, "'install.sh'");
    }

    @Test
    void fileCopiedByItsOwnMissingSourceIsReportedOnceByTheCopyCheck() throws Exception {
        layout.kubefile("FROM scratch", "COPY install.sh install.sh", "CMD [\"bash install.sh\"]");

        assertFindings(layout.read(), "ERROR copy.missing-source Kubefile:2");
    }

    @Test
    void pathUnderACopiedDirectoryThatIsMissingIsReportedOnceByTheCopyCheck() throws Exception {
        layout.kubefile("FROM scratch", "COPY charts charts", "COPY opt/ /opt/", "CMD [\"helm upgrade -i app charts/app\", \"bash opt/install.sh\"]");

        assertFindings(layout.read(), "ERROR copy.missing-source Kubefile:2", "ERROR copy.missing-source Kubefile:3");
    }

    @Test
    void commandsOfAnEarlierStageAreNotChecked() throws Exception {
        layout.kubefile("FROM scratch AS first", "CMD [\"bash first.sh\"]", "FROM scratch", "COPY . .", "CMD [\"bash last.sh\"]")
                .file("last.sh", "x");

        assertNoFindings(layout.read());
    }
}
