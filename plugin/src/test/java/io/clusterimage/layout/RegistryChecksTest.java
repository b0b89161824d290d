package io.clusterimage.layout;

import io.clusterimage.core.Severity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static io.clusterimage.layout.LayoutFixture.assertFinding;
import static io.clusterimage.layout.LayoutFixture.assertFindings;
import static io.clusterimage.layout.LayoutFixture.assertNoFindings;

/** A committed registry/, charts/registry, and whether the Kubefile ships registry/. */
class RegistryChecksTest {

    @TempDir
    Path temp;

    LayoutFixture layout;

    @BeforeEach
    void setUp() {
        layout = new LayoutFixture(temp);
        layout.kubefile("FROM scratch", "COPY registry registry", "CMD [\"true\"]");
    }

    @Test
    void helmChartCommittedAsRegistryIsAnError() throws Exception {
        layout.file("registry/Chart.yaml", "apiVersion: v2\nname: registry\nversion: 1.0.0\n")
                .file("registry/templates/deployment.yaml", "kind: Deployment\n");

        Layout result = layout.read();

        assertFindings(result, "ERROR registry.not-distribution registry");
        assertFinding(result, Severity.ERROR, "registry.not-distribution", "registry", 0,
                "registry/ holds a Helm chart (registry/Chart.yaml), not a registry storage tree");
    }

    @Test
    void otherNonEmptyRegistryIsAnError() throws Exception {
        layout.file("registry/images.txt", "nginx:1.25\n");

        assertFinding(layout.read(), Severity.ERROR, "registry.not-distribution", "registry", 0,
                "registry/ is not a docker-distribution storage tree (no registry/docker/registry/v2)");
    }

    @Test
    void emptyRegistryIsFine() throws Exception {
        layout.dir("registry");

        assertNoFindings(layout.read());
    }

    @Test
    void distributionTreeIsFine() throws Exception {
        layout.file("registry/docker/registry/v2/repositories/library/nginx/_manifests/tags/1.25/current/link",
                        "sha256:0123\n")
                .file("registry/docker/registry/v2/blobs/sha256/01/0123/data", "{}");

        assertNoFindings(layout.read());
    }

    @Test
    void registryInsideChartsIsAnError() throws Exception {
        layout.file("charts/registry/docker/registry/v2/blobs/sha256/01/0123/data", "{}");

        Layout result = layout.read();

        assertFindings(result, "ERROR charts.registry-inside charts/registry");
        assertFinding(result, Severity.ERROR, "charts.registry-inside", "charts/registry", 0, "registry/ is inside charts/");
    }

    @Test
    void chartNamedRegistryUnderChartsIsAChart() throws Exception {
        layout.chartDir("registry", "registry");

        assertNoFindings(layout.read());
    }

    @ParameterizedTest
    @ValueSource(strings = {"manifests/app.yaml", "charts/app/Chart.yaml", "images/shim/appImages", "images/skopeo/tar.txt"})
    void layoutWithImagesWhoseRegistryIsNeverCopiedWarns(String imageSource) throws Exception {
        layout.kubefile("FROM scratch", "LABEL sealos.io.type=application", "COPY images images", "COPY charts charts",
                "COPY manifests manifests").dir("images").dir("charts").dir("manifests");
        if (imageSource.endsWith("Chart.yaml")) {
            layout.chartDir("app", "app");
        } else if (imageSource.endsWith("tar.txt")) {
            layout.file(imageSource, "docker-archive:nginx.tar@library/nginx:1.25\n").file("images/skopeo/nginx.tar", "x");
        } else if (imageSource.contains("shim")) {
            layout.file(imageSource, "nginx:1.25\n");
        } else {
            layout.file(imageSource, "kind: ConfigMap\n");
        }

        Layout result = layout.read();

        assertFindings(result, "WARNING kubefile.registry-not-copied Kubefile:1");
        assertFinding(result, Severity.WARNING, "kubefile.registry-not-copied", "Kubefile", 1,
                "the final stage never copies registry");
    }

    @Test
    void copyOnlyInAnEarlierStageStillWarnsOnTheFinalFrom() throws Exception {
        layout.kubefile("FROM scratch AS first", "COPY registry registry", "", "FROM scratch", "COPY manifests manifests")
                .file("manifests/app.yaml", "kind: ConfigMap\n");

        assertFinding(layout.read(), Severity.WARNING, "kubefile.registry-not-copied", "Kubefile", 4, "never copies registry");
    }

    @ParameterizedTest
    @ValueSource(strings = {"COPY . .", "COPY registry ./registry", "COPY ./registry/ /registry/", "COPY * ./"})
    void copyingTheRegistryOneWayOrAnotherIsFine(String copy) throws Exception {
        layout.kubefile("FROM scratch", "COPY manifests manifests", copy).file("manifests/app.yaml", "kind: ConfigMap\n");

        assertNoFindings(layout.read());
    }

    @Test
    void layoutWithoutImagesNeedNotCopyTheRegistry() throws Exception {
        layout.kubefile("FROM scratch", "COPY opt opt", "CMD [\"opt/install\"]").file("opt/install", "x");

        assertNoFindings(layout.read());
    }
}
