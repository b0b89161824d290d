package io.clusterimage.kubefile;

import io.clusterimage.core.Severity;
import io.clusterimage.kubefile.Instruction.Arg;
import io.clusterimage.kubefile.Instruction.Cmd;
import io.clusterimage.kubefile.Instruction.Copy;
import io.clusterimage.kubefile.Instruction.Env;
import io.clusterimage.kubefile.Instruction.KeyValue;
import io.clusterimage.kubefile.Instruction.Label;
import io.clusterimage.kubefile.Instruction.Maintainer;
import io.clusterimage.kubefile.Instruction.User;
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
import static io.clusterimage.kubefile.KubefileTestSupport.parseRaw;
import static io.clusterimage.kubefile.KubefileTestSupport.resolve;
import static io.clusterimage.kubefile.KubefileTestSupport.single;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Shapes of Kubefiles found in real cluster-image repositories (labring, sealos-apps), written inline. */
class RealWorldKubefileTest {

    private static Map<String, String> pairs(List<KeyValue> pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        pairs.forEach(p -> map.put(p.key(), p.value()));
        return map;
    }

    /** A k3s rootfs: a LABEL over eleven lines with \$ and quoted keys, an ENV over nine. */
    @Test
    void k3sRootfs() {
        String[] kubefile = {
                "FROM scratch",
                "MAINTAINER sealos",
                "LABEL init=\"init.sh\" \\",
                "      init-cri=\"init-cri.sh\" \\",
                "      clean=\"clean.sh\" \\",
                "      clean-cri=\"clean-cri.sh\" \\",
                "      check=\"check.sh \\$registryData\" \\",
                "      init-registry=\"init-registry.sh \\$registryData \\$registryConfig\" \\",
                "      clean-registry=\"clean-registry.sh \\$registryData \\$registryConfig\" \\",
                "      vip=\"\\$defaultVIP\" \\",
                "      \"apps.sealos.io/type\"=rootfs \\",
                "      \"apps.sealos.io/version\"=v1beta1 \\",
                "      \"apps.sealos.io/distribution\"=k3s",
                "ENV registryData=/var/lib/registry \\",
                "    registryConfig=/etc/registry \\",
                "    registryDomain=sealos.hub \\",
                "    registryPort=5000 \\",
                "    registryUsername=admin \\",
                "    registryPassword=passw0rd \\",
                "    SEALOS_SYS_CRI_ENDPOINT=/run/k3s/containerd/containerd.sock \\",
                "    SEALOS_SYS_IMAGE_ENDPOINT=/var/run/image-cri-shim.sock \\",
                "    SEALOS_SYS_RUN_MODE=master",
                "COPY . ."};
        Kubefile parsed = parse(kubefile);
        assertNoFindings(parsed.findings());
        assertEquals(List.of("FROM 1", "MAINTAINER 2", "LABEL 3-13", "ENV 14-22", "COPY 23"), outline(parsed));
        assertEquals("sealos", single(parsed, Maintainer.class).maintainer());

        BuildPlan plan = resolve(kubefile);
        assertNoFindings(plan.findings());
        Stage stage = plan.finalStage();
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("init", "init.sh");
        labels.put("init-cri", "init-cri.sh");
        labels.put("clean", "clean.sh");
        labels.put("clean-cri", "clean-cri.sh");
        labels.put("check", "check.sh $registryData");
        labels.put("init-registry", "init-registry.sh $registryData $registryConfig");
        labels.put("clean-registry", "clean-registry.sh $registryData $registryConfig");
        labels.put("vip", "$defaultVIP");
        labels.put("apps.sealos.io/type", "rootfs");
        labels.put("apps.sealos.io/version", "v1beta1");
        labels.put("apps.sealos.io/distribution", "k3s");
        assertEquals(labels, pairs(single(stage, Label.class).pairs()));
        assertEquals(List.copyOf(labels.keySet()), single(stage, Label.class).pairs().stream().map(KeyValue::key).toList(),
                "pairs keep their order");
        Env env = single(stage, Env.class);
        assertEquals(9, env.pairs().size());
        assertEquals(kv("registryData", "/var/lib/registry"), env.pairs().get(0));
        assertEquals(kv("SEALOS_SYS_RUN_MODE", "master"), env.pairs().get(8));
        Copy copy = single(stage, Copy.class);
        assertEquals(List.of("."), copy.sources());
        assertEquals(".", copy.destination());
    }

    /** sealaf deploy: FROM --platform=$BUILDPLATFORM scratch, then ARG TARGETARCH. */
    @Test
    void sealafDeploy() {
        String[] kubefile = {
                "FROM --platform=$BUILDPLATFORM scratch",
                "ARG TARGETARCH",
                "",
                "COPY registry registry",
                "COPY install.sh install.sh",
                "COPY charts charts",
                "",
                "CMD [\"bash install.sh\"]"};
        Kubefile parsed = parse(kubefile);
        assertNoFindings(parsed.findings());
        assertEquals(List.of("FROM 1", "ARG 2", "COPY 4", "COPY 5", "COPY 6", "CMD 8"), outline(parsed));

        BuildPlan plan = resolve(kubefile);
        assertNoFindings(plan.findings());
        Stage stage = plan.finalStage();
        assertEquals("linux/amd64", stage.from().platform(), "BUILDPLATFORM is the build machine's platform");
        assertEquals("scratch", stage.from().image());
        assertEquals(List.of(kv("TARGETARCH", null)), single(stage, Arg.class).args());
        assertEquals(List.of("registry", "install.sh", "charts"), stage.all(Copy.class).stream().map(Copy::destination).toList());
        assertEquals(List.of("bash install.sh"), single(stage, Cmd.class).command().execForm());
    }

    /** laf: USER, a doubled blank in COPY, a commented-out COPY, many ENVs, and $(VAR) in CMD. */
    @Test
    void lafBuild() {
        String[] kubefile = {
                "FROM scratch",
                "",
                "USER 65532:65532",
                "COPY charts  ./charts",
                "# COPY manifests ./manifests",
                "COPY registry ./registry",
                "COPY start.sh ./start.sh",
                "",
                "ENV DOMAIN=127.0.0.1.nip.io",
                "ENV NAMESPACE=laf-system",
                "ENV ENABLE_MONITOR=true",
                "",
                "",
                "ENV DB_PV_SIZE=10Gi",
                "",
                "CMD [\"DOMAIN=$(DOMAIN) NAMESPACE=$(NAMESPACE) DB_PV_SIZE=$(DB_PV_SIZE) ENABLE_MONITOR=$(ENABLE_MONITOR) sh start.sh\"]"};
        BuildPlan plan = resolve(kubefile);
        assertNoFindings(plan.kubefile().findings());
        assertNoFindings(plan.findings());
        assertEquals(List.of("FROM 1", "USER 3", "COPY 4", "COPY 6", "COPY 7", "ENV 9", "ENV 10", "ENV 11", "ENV 14", "CMD 16"),
                outline(plan.kubefile()));
        Stage stage = plan.finalStage();
        assertEquals("65532:65532", single(stage, User.class).user());
        assertEquals(List.of("charts"), stage.all(Copy.class).get(0).sources());
        assertEquals("./charts", stage.all(Copy.class).get(0).destination());
        assertEquals(List.of("DOMAIN=$(DOMAIN) NAMESPACE=$(NAMESPACE) DB_PV_SIZE=$(DB_PV_SIZE) ENABLE_MONITOR=$(ENABLE_MONITOR) sh start.sh"),
                single(stage, Cmd.class).command().execForm());
    }

    /** harbor: legacy "ENV key value" and a CMD with $(VAR) and single quotes inside a JSON string. */
    @Test
    void harborLegacyEnv() {
        String[] kubefile = {
                "FROM scratch",
                "ENV NODE_IP \"core.harbor.domain\"",
                "ENV NODE_PORT 30003",
                "CMD [\"helm upgrade -i harbor charts/harbor -n harbor --create-namespace --set expose.type=nodePort,"
                        + "expose.nodePort.ports.https.nodePort=$(NODE_PORT),externalURL='https://$(NODE_IP):$(NODE_PORT)'\"]"};
        BuildPlan plan = resolve(kubefile);
        assertEquals(List.of("kubefile.legacy-key-value", "kubefile.legacy-key-value"), codes(plan.kubefile().findings()));
        assertFinding(plan.kubefile().findings(), Severity.WARNING, "kubefile.legacy-key-value", 2, "legacy 'ENV key value' form");
        assertFinding(plan.kubefile().findings(), Severity.WARNING, "kubefile.legacy-key-value", 3, "legacy 'ENV key value' form");
        assertNoFindings(plan.findings());
        List<Env> envs = plan.finalStage().all(Env.class);
        assertEquals(List.of(kv("NODE_IP", "core.harbor.domain")), envs.get(0).pairs());
        assertEquals(List.of(kv("NODE_PORT", "30003")), envs.get(1).pairs());
        List<String> argv = single(plan.finalStage(), Cmd.class).command().execForm();
        assertEquals(1, argv.size());
        assertEquals(true, argv.get(0).endsWith("externalURL='https://$(NODE_IP):$(NODE_PORT)'"), argv.get(0));
    }

    /** cockroach: ENV with a quoted default in ${...:-...}. */
    @Test
    void cockroachEnvDefault() {
        BuildPlan plan = resolve("FROM scratch", "", "", "ENV arch=${arch:-\"amd64\"}", "", "CMD [\"bash entrypoint.sh\"]");
        assertNoFindings(plan.kubefile().findings());
        assertNoFindings(plan.findings());
        assertEquals(List.of(kv("arch", "amd64")), single(plan.finalStage(), Env.class).pairs());
        BuildPlan alreadySet = resolve("FROM scratch", "ENV arch=arm64", "ENV arch=${arch:-\"amd64\"}");
        assertEquals(List.of(kv("arch", "arm64")), alreadySet.finalStage().all(Env.class).get(1).pairs());
    }

    /** A base-image app on top of a kubernetes rootfs, without a final newline. */
    @Test
    void kubernetesBaseWithoutFinalNewline() {
        Kubefile parsed = parseRaw("FROM docker.io/labring/kubernetes:v1.28.15-5.0.1\nCOPY etc etc\nCOPY scripts scripts");
        assertNoFindings(parsed.findings());
        assertEquals(List.of("FROM 1", "COPY 2", "COPY 3"), outline(parsed));
        BuildPlan plan = KubefileResolver.resolve(parsed, Map.of(), KubefileTestSupport.TARGET, KubefileTestSupport.BUILD);
        assertEquals("docker.io/labring/kubernetes:v1.28.15-5.0.1", plan.finalStage().from().image());
        assertEquals("scripts", plan.finalStage().all(Copy.class).get(1).destination());
    }

    /** metallb: several shell commands in one exec-form CMD, with pipes, quotes and commas. */
    @Test
    void metallbSeveralCommands() {
        Kubefile parsed = parse("FROM scratch", "COPY charts charts", "COPY registry registry",
                "CMD [\"kubectl get configmap kube-proxy -n kube-system -o yaml | sed -e 's/strictARP: false/strictARP: true/'"
                        + " | kubectl apply -f - -n kube-system\",\"helm upgrade -i metallb charts/metallb -n metallb-system --create-namespace\"]");
        assertNoFindings(parsed.findings());
        assertEquals(List.of(
                "kubectl get configmap kube-proxy -n kube-system -o yaml | sed -e 's/strictARP: false/strictARP: true/'"
                        + " | kubectl apply -f - -n kube-system",
                "helm upgrade -i metallb charts/metallb -n metallb-system --create-namespace"),
                single(parsed, Cmd.class).command().execForm());
    }

    /** applaunchpad: quoted ENV values, one of them empty. */
    @Test
    void applaunchpadQuotedEnv() {
        BuildPlan plan = resolve(
                "FROM scratch",
                "",
                "USER 65532:65532",
                "",
                "COPY applaunchpad-frontend-entrypoint.sh applaunchpad-frontend-entrypoint.sh",
                "",
                "ENV certSecretName=\"wildcard-cert\"",
                "",
                "ENV monitorUrl=\"http://launchpad-monitor.sealos.svc.cluster.local:8428\"",
                "ENV logUrl=\"\"",
                "",
                "CMD [\"bash applaunchpad-frontend-entrypoint.sh\"]");
        assertNoFindings(plan.kubefile().findings());
        assertNoFindings(plan.findings());
        List<Env> envs = plan.finalStage().all(Env.class);
        assertEquals(List.of(kv("certSecretName", "wildcard-cert")), envs.get(0).pairs());
        assertEquals(List.of(kv("monitorUrl", "http://launchpad-monitor.sealos.svc.cluster.local:8428")), envs.get(1).pairs());
        assertEquals(List.of(kv("logUrl", "")), envs.get(2).pairs());
    }

    /** velero (a Dockerfile in the layout): a binary under opt/ installed from CMD instead of RUN. */
    @Test
    void veleroBinaryFromOpt() {
        Kubefile parsed = parse("FROM scratch", "COPY . .",
                "CMD [\"cp opt/velero /usr/local/bin/\",\"velero install --plugins velero/velero-plugin-for-aws:v1.5.0 --namespace velero"
                        + " --use-volume-snapshots=false --no-secret\"]");
        assertNoFindings(parsed.findings());
        List<String> argv = single(parsed, Cmd.class).command().execForm();
        assertEquals(2, argv.size());
        assertEquals("cp opt/velero /usr/local/bin/", argv.get(0));
    }
}
