package io.clusterimage.inventory;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The structural walk: images a line scan cannot see, with their lines and whether a container runs them. */
class YamlImageWalkerTest {

    private static List<Candidate> walk(String text) {
        YamlImageWalker.Result result = YamlImageWalker.walk(text);
        assertTrue(result.parsed(), "parsed: " + text);
        return result.candidates();
    }

    private static List<String> values(String text) {
        return walk(text).stream().map(Candidate::value).toList();
    }

    @Test
    void flowStyle() {
        assertEquals(List.of(new Candidate("nginx:1.25", 1, false)), walk("{image: nginx:1.25}"));
        assertEquals(List.of(new Candidate("nginx:1.25", 2, true), new Candidate("redis:7", 2, true)),
                walk("spec:\n  containers: [{name: a, image: nginx:1.25}, {name: b, image: redis:7}]\n"));
    }

    @Test
    void json() {
        String json = "{\n"
                + "  \"kind\": \"Pod\",\n"
                + "  \"spec\": {\n"
                + "    \"containers\": [\n"
                + "      {\"name\": \"a\", \"image\": \"quay.io/a/b:1\"}\n"
                + "    ]\n"
                + "  }\n"
                + "}\n";
        assertEquals(List.of(new Candidate("quay.io/a/b:1", 5, true)), walk(json));
    }

    @Test
    void anchorsAndAliasesYieldTheImageOnceAtTheAnchor() {
        String text = "common: &app\n"
                + "  name: app\n"
                + "  image: quay.io/acme/app:1.0\n"
                + "first: *app\n"
                + "second:\n"
                + "  - *app\n"
                + "  - *app\n";
        assertEquals(List.of(new Candidate("quay.io/acme/app:1.0", 3, false)), walk(text));
    }

    @Test
    void aScalarAnchorUsedAsImageIsFoundAtTheAnchor() {
        String text = "defaults:\n"
                + "  img: &img quay.io/acme/app:1.0\n"
                + "spec:\n"
                + "  containers:\n"
                + "  - name: app\n"
                + "    image: *img\n";
        assertEquals(List.of(new Candidate("quay.io/acme/app:1.0", 2, true)), walk(text));
    }

    @Test
    void mergeKeysDoNotDuplicate() {
        String text = "base: &base\n"
                + "  image: nginx:1.25\n"
                + "derived:\n"
                + "  <<: *base\n"
                + "  name: x\n";
        assertEquals(List.of(new Candidate("nginx:1.25", 2, false)), walk(text));
    }

    @Test
    void deploymentContainersInitContainersAndEphemeralContainersAreWorkloads() {
        String text = "apiVersion: apps/v1\n"
                + "kind: Deployment\n"
                + "metadata:\n"
                + "  name: web\n"
                + "spec:\n"
                + "  template:\n"
                + "    spec:\n"
                + "      initContainers:\n"
                + "      - name: init\n"
                + "        image: busybox:1.36\n"
                + "      containers:\n"
                + "      - name: web\n"
                + "        image: nginx:1.25\n"
                + "        env:\n"
                + "        - name: MODE\n"
                + "          value: prod\n"
                + "      ephemeralContainers:\n"
                + "      - name: debug\n"
                + "        image: alpine:3.20\n";
        assertEquals(List.of(new Candidate("busybox:1.36", 10, true), new Candidate("nginx:1.25", 13, true),
                new Candidate("alpine:3.20", 19, true)), walk(text));
    }

    @Test
    void cronJobContainersAreWorkloads() {
        String text = "apiVersion: batch/v1\n"
                + "kind: CronJob\n"
                + "spec:\n"
                + "  schedule: '* * * * *'\n"
                + "  jobTemplate:\n"
                + "    spec:\n"
                + "      template:\n"
                + "        spec:\n"
                + "          initContainers:\n"
                + "          - {name: i, image: busybox:1.36}\n"
                + "          containers:\n"
                + "          - name: job\n"
                + "            image: registry.k8s.io/kubectl:v1.33.0\n";
        assertEquals(List.of(new Candidate("busybox:1.36", 10, true),
                new Candidate("registry.k8s.io/kubectl:v1.33.0", 13, true)), walk(text));
    }

    @Test
    void imagesOutsideContainerListsAreNotWorkloads() {
        String text = "spec:\n"
                + "  image: nginx:1.25\n"
                + "  containers:\n"
                + "  - name: a\n"
                + "    sidecar:\n"
                + "      image: redis:7\n";
        assertEquals(List.of(new Candidate("nginx:1.25", 2, false), new Candidate("redis:7", 6, false)), walk(text));
    }

    @Test
    void imageVolumeReference() {
        String text = "spec:\n"
                + "  volumes:\n"
                + "  - name: models\n"
                + "    image:\n"
                + "      reference: quay.io/acme/models:v1\n"
                + "      pullPolicy: IfNotPresent\n";
        assertEquals(List.of(new Candidate("quay.io/acme/models:v1", 5, false)), walk(text));
    }

    @Test
    void imageMapWithRegistryRepositoryAndTag() {
        String text = "image:\n"
                + "  registry: docker.io/\n"
                + "  repository: bitnami/redis\n"
                + "  tag: 7.2.4\n"
                + "  pullPolicy: IfNotPresent\n";
        assertEquals(List.of(new Candidate("docker.io/bitnami/redis:7.2.4", 3, false)), walk(text));
        assertEquals(List.of("bitnami/redis"), values("image: {repository: bitnami/redis}"));
        assertEquals(List.of("bitnami/redis"), values("image: {repository: bitnami/redis, tag: ''}"));
    }

    @Test
    void imageMapWithRepositoryAndDigest() {
        String digest = "sha256:" + "a".repeat(64);
        String text = "image:\n"
                + "  repository: quay.io/acme/app\n"
                + "  digest: " + digest + "\n";
        assertEquals(List.of(new Candidate("quay.io/acme/app@" + digest, 2, false)), walk(text));
    }

    @Test
    void imageMapWithoutRepositoryYieldsNothing() {
        assertEquals(List.of(), values("image:\n  tag: 1.0\n  pullPolicy: Always\n"));
        assertEquals(List.of(), values("image:\n  repository: ''\n  tag: 1.0\n"));
    }

    @Test
    void envVariablesNamedLikeImagesWithValidValues() {
        String text = "env:\n"
                + "- name: SIDECAR_IMAGE\n"
                + "  value: quay.io/acme/sidecar:1.0\n"
                + "- name: RELATED_IMAGE_BAR\n"
                + "  value: registry.example.com/bar@sha256:" + "b".repeat(64) + "\n"
                + "- name: PAUSE_IMAGE\n"
                + "  value: \"{{ .Values.pause }}\"\n"
                + "- name: DEFAULT_IMAGE\n"
                + "  value: \"true\"\n"
                + "- name: PLAIN_IMAGE\n"
                + "  value: nginx\n"
                + "- name: RELATED_IMAGE_SPACES\n"
                + "  value: quay.io/a b:1\n"
                + "- name: IMAGE_PULL_SECRET\n"
                + "  value: quay.io/not/an-image:1\n";
        assertEquals(List.of(new Candidate("quay.io/acme/sidecar:1.0", 3, false),
                new Candidate("registry.example.com/bar@sha256:" + "b".repeat(64), 5, false)), walk(text));
    }

    @Test
    void keysEndingInImageWithAQualifiedReference() {
        assertEquals(List.of(new Candidate("quay.io/x:1", 1, false)), walk("sidecarImage: quay.io/x:1\n"));
        assertEquals(List.of(), values("pullImage: true\n"));
        assertEquals(List.of(), values("defaultImage: nginx\n")); // neither a tag nor a path: too likely not an image
        assertEquals(List.of(), values("SidecarImage: quay.io/x:1\n"));
        assertEquals(List.of(), values("sidecarImage: 'quay.io/X:1'\n"));
        assertEquals(List.of(), values("imagePullPolicy: Always\n"));
    }

    @Test
    void everyDocumentOfAMultiDocumentStream() {
        String text = "image: a:1\n"
                + "---\n"
                + "\n"
                + "---\n"
                + "# only a comment\n"
                + "---\n"
                + "kind: Pod\n"
                + "spec:\n"
                + "  containers:\n"
                + "  - image: b:2\n";
        assertEquals(List.of(new Candidate("a:1", 1, false), new Candidate("b:2", 10, true)), walk(text));
    }

    @Test
    void quotesAndCommentsAreYamlsBusiness() {
        assertEquals(List.of(new Candidate("nginx", 1, false)), walk("image: nginx # the web server\n"));
        assertEquals(List.of(new Candidate("nginx:1.25", 1, false)), walk("image: \"nginx:1.25\"\n"));
        // a block scalar starts at its indicator, on the image: line, where the line scan takes ">-"
        assertEquals(List.of(new Candidate("nginx:1.25", 1, false)), walk("image: >-\n  nginx:1.25\n"));
    }

    @Test
    void invalidYamlIsReportedAsNotParsedWithoutAnException() {
        for (String text : List.of(
                "image: [unclosed\n",
                "a: b\n c: d\n  - e\n",
                "key: value\n\tindented: with a tab\n",
                "image: *undefined\n",
                "{{ if .Values.x }}\nimage: nginx\n{{ end }}\n",
                "image: a:1\n---\nimage: [\n")) {
            YamlImageWalker.Result result = assertDoesNotThrow(() -> YamlImageWalker.walk(text), text);
            assertFalse(result.parsed(), text);
        }
    }

    @Test
    void emptyInputIsParsedAndHasNothing() {
        assertEquals(List.of(), walk(""));
        assertEquals(List.of(), walk("# nothing\n"));
        assertEquals(List.of(), walk("---\n---\n"));
    }

    @Test
    void nonStringKeysAndScalarsAreHarmless() {
        assertEquals(List.of(), values("1: 2\n? [a, b]\n: c\ntrue: image\n"));
        assertEquals(List.of(), values("- image\n- 42\n"));
    }
}
