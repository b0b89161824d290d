package io.clusterimage.layout;

import io.clusterimage.core.Severity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.clusterimage.layout.LayoutFixture.assertFinding;
import static io.clusterimage.layout.LayoutFixture.assertFindings;
import static io.clusterimage.layout.LayoutFixture.assertNoFindings;

/** sealos labels (type, version) and SEALOS_SYS* environment. */
class LabelChecksTest {

    @TempDir
    Path temp;

    LayoutFixture layout;

    @BeforeEach
    void setUp() {
        layout = new LayoutFixture(temp);
    }

    @Test
    void unknownImageTypeIsAnError() throws Exception {
        layout.kubefile("FROM scratch", "LABEL maintainer=me", "LABEL sealos.io.type=\"app\"", "CMD [\"true\"]");

        Layout result = layout.read();

        assertFindings(result, "ERROR label.type Kubefile:3");
        assertFinding(result, Severity.ERROR, "label.type", "Kubefile", 3,
                "sealos.io.type is 'app'; sealos knows only rootfs, application and patch");
    }

    @Test
    void knownImageTypesAreFine() throws Exception {
        layout.kubefile("FROM scratch", "LABEL sealos.io.type=\"patch\"", "CMD [\"true\"]");

        assertNoFindings(layout.read());
    }

    @Test
    void rootfsFromScratchWithoutVersionIsAnError() throws Exception {
        layout.kubefile("FROM scratch", "LABEL sealos.io.type=\"rootfs\" version=v1.27.7", "CMD [\"true\"]");

        Layout result = layout.read();

        assertFindings(result, "ERROR label.rootfs-version Kubefile:2");
        assertFinding(result, Severity.ERROR, "label.rootfs-version", "Kubefile", 2,
                "a rootfs image needs a sealos.io.version label");
    }

    @Test
    void rootfsOnABaseImageWithoutVersionIsAWarning() throws Exception {
        layout.kubefile("FROM docker.io/labring/kubernetes:v1.27.7", "LABEL sealos.io.type=\"rootfs\"");

        Layout result = layout.read();

        assertFindings(result, "WARNING label.rootfs-version Kubefile:2");
        assertFinding(result, Severity.WARNING, "label.rootfs-version", "Kubefile", 2, "(unless its base image has one)");
    }

    @Test
    void rootfsWithVersionIsFine() throws Exception {
        layout.kubefile("FROM scratch", "LABEL sealos.io.type=\"rootfs\"", "LABEL sealos.io.version=\"v1beta1\"");

        assertNoFindings(layout.read());
    }

    @Test
    void unknownVersionIsAnError() throws Exception {
        layout.kubefile("FROM scratch", "LABEL sealos.io.type=\"rootfs\" \\", "      sealos.io.version=\"v1\"");

        Layout result = layout.read();

        assertFindings(result, "ERROR label.version Kubefile:2");
        assertFinding(result, Severity.ERROR, "label.version", "Kubefile", 2,
                "sealos.io.version is 'v1'; sealos accepts v1beta1 and v1beta2");
    }

    @Test
    void badVersionUnderTheAppsKeyNamesThatKey() throws Exception {
        layout.kubefile("FROM scratch", "LABEL \"apps.sealos.io/type\"=rootfs \"apps.sealos.io/version\"=v2");

        assertFinding(layout.read(), Severity.ERROR, "label.version", "Kubefile", 2, "apps.sealos.io/version is 'v2'");
    }

    @Test
    void labelsFromArgsAreCheckedAfterSubstitution() throws Exception {
        layout.kubefile("FROM scratch", "ARG TYPE=rootfs", "LABEL sealos.io.type=${TYPE}", "CMD [\"true\"]");

        assertFindings(layout.read(), "ERROR label.rootfs-version Kubefile:3");
    }

    @Test
    void quotedLabelKeysAreRecognised() throws Exception {
        layout.kubefile("FROM scratch", "LABEL \"apps.sealos.io/type\"=rootfs", "CMD [\"true\"]");

        Layout result = layout.read();

        assertFindings(result, "ERROR label.rootfs-version Kubefile:2");
    }

    @Test
    void quotedLabelKeysWithVersionAreFine() throws Exception {
        layout.kubefile("FROM scratch", "LABEL \"apps.sealos.io/type\"=\"rootfs\" \"apps.sealos.io/version\"=\"v1beta2\"");

        assertNoFindings(layout.read());
    }

    @Test
    void badTypeUnderTheAppsKeyIsReported() throws Exception {
        layout.kubefile("FROM scratch", "LABEL 'apps.sealos.io/type'=Rootfs");

        assertFinding(layout.read(), Severity.ERROR, "label.type", "Kubefile", 2, "apps.sealos.io/type is 'Rootfs'");
    }

    @Test
    void sealosSysEnvInAnApplicationImageWarns() throws Exception {
        layout.kubefile("FROM scratch", "ENV NAMESPACE=app SEALOS_SYS_KUBE_VERSION=v1.27.7", "CMD [\"true\"]");

        Layout result = layout.read();

        assertFindings(result, "WARNING env.sealos-sys Kubefile:2");
        assertFinding(result, Severity.WARNING, "env.sealos-sys", "Kubefile", 2,
                "ENV SEALOS_SYS_KUBE_VERSION in an application image: sealos reserves SEALOS_SYS* variables");
    }

    @Test
    void sealosSysEnvInAPatchImageWarnsAndNamesTheType() throws Exception {
        layout.kubefile("FROM scratch", "LABEL sealos.io.type=patch", "ENV SEALOS_SYS_CRI_ENDPOINT=/run/containerd.sock");

        assertFinding(layout.read(), Severity.WARNING, "env.sealos-sys", "Kubefile", 3, "in an patch image");
    }

    @Test
    void sealosSysEnvInARootfsImageIsFine() throws Exception {
        layout.kubefile("FROM scratch",
                "LABEL sealos.io.type=\"rootfs\" sealos.io.version=\"v1beta1\"",
                "ENV SEALOS_SYS_CRI_ENDPOINT=/var/run/containerd/containerd.sock");

        assertNoFindings(layout.read());
    }

    @Test
    void whenBothTypeKeysAreSetSealosIoTypeWins() throws Exception {
        // Set.of iteration order changes from one JVM to the next; the key order must not
        layout.kubefile("FROM scratch", "LABEL sealos.io.type=\"rootfs\"", "LABEL apps.sealos.io/type=\"application\"");

        assertFindings(layout.read(), "ERROR label.rootfs-version Kubefile:2");
    }

    @Test
    void whenBothTypeKeysAreSetSealosIoTypeWinsTheOtherWayRound() throws Exception {
        layout.kubefile("FROM scratch", "LABEL sealos.io.type=\"application\"", "LABEL apps.sealos.io/type=\"rootfs\"");

        assertNoFindings(layout.read());
    }

    @Test
    void anEmptyTypeLabelGivesWayToTheOtherKey() throws Exception {
        layout.kubefile("FROM scratch", "LABEL sealos.io.type=\"\" apps.sealos.io/type=\"rootfs\"");

        assertFindings(layout.read(), "ERROR label.rootfs-version Kubefile:2");
    }

    @Test
    void anEmptyVersionIsNoVersion() throws Exception {
        layout.kubefile("FROM scratch", "LABEL sealos.io.type=rootfs sealos.io.version=\"\"");

        assertFinding(layout.read(), Severity.ERROR, "label.rootfs-version", "Kubefile", 2, "needs a sealos.io.version label");
    }
}
