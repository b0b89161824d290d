package io.clusterimage.reference;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {

    /** busybox:latest's digest from distribution/reference's own tests: 64 lowercase hex digits. */
    static final String HEX64 = "7cc4b5aefd1d0cadf8d97d4350462ba51c694ebca145b08d7d41b41acc8db5aa";
    static final String SHA256 = "sha256:" + HEX64;

    @Nested
    class Normalisation {

        @ParameterizedTest(name = "{0} -> {4}")
        @CsvSource(nullValues = "-", delimiter = '|', textBlock = """
                nginx                          | docker.io        | library/nginx  | -        | docker.io/library/nginx:latest
                nginx:latest                   | docker.io        | library/nginx  | latest   | docker.io/library/nginx:latest
                nginx:1.25                     | docker.io        | library/nginx  | 1.25     | docker.io/library/nginx:1.25
                library/nginx                  | docker.io        | library/nginx  | -        | docker.io/library/nginx:latest
                docker.io/nginx                | docker.io        | library/nginx  | -        | docker.io/library/nginx:latest
                docker.io/library/nginx:latest | docker.io        | library/nginx  | latest   | docker.io/library/nginx:latest
                index.docker.io/nginx          | docker.io        | library/nginx  | -        | docker.io/library/nginx:latest
                index.docker.io/library/nginx  | docker.io        | library/nginx  | -        | docker.io/library/nginx:latest
                bitnami/etcd                   | docker.io        | bitnami/etcd   | -        | docker.io/bitnami/etcd:latest
                bitnami/etcd:3.5               | docker.io        | bitnami/etcd   | 3.5      | docker.io/bitnami/etcd:3.5
                docker.io/library/foo/bar      | docker.io        | library/foo/bar| -        | docker.io/library/foo/bar:latest
                quay.io/cilium/cilium:v1.12.0  | quay.io          | cilium/cilium  | v1.12.0  | quay.io/cilium/cilium:v1.12.0
                registry.k8s.io/pause:3.9      | registry.k8s.io  | pause          | 3.9      | registry.k8s.io/pause:3.9
                localhost/foo                  | localhost        | foo            | -        | localhost/foo:latest
                localhost:5000/a/b             | localhost:5000   | a/b            | -        | localhost:5000/a/b:latest
                127.0.0.1:5000/debian:12       | 127.0.0.1:5000   | debian         | 12       | 127.0.0.1:5000/debian:12
                example.com:8000/private/moon  | example.com:8000 | private/moon   | -        | example.com:8000/private/moon:latest
                [::1]:5000/x:1                 | [::1]:5000       | x              | 1        | [::1]:5000/x:1
                [::1]/x                        | [::1]            | x              | -        | [::1]/x:latest
                [fc00:1:2:3:4:5:6:7]:5000/l/d  | [fc00:1:2:3:4:5:6:7]:5000 | l/d   | -        | [fc00:1:2:3:4:5:6:7]:5000/l/d:latest
                [2001:DB8::1]:443/ns/app:v2    | [2001:DB8::1]:443 | ns/app       | v2       | [2001:DB8::1]:443/ns/app:v2
                LOCALDOMAIN/debian             | LOCALDOMAIN      | debian         | -        | LOCALDOMAIN/debian:latest
                Foo/bar                        | Foo              | bar            | -        | Foo/bar:latest
                ghcr.io/a/b/c/d:Tag_1          | ghcr.io          | a/b/c/d        | Tag_1    | ghcr.io/a/b/c/d:Tag_1
                docker-rules/docker            | docker.io        | docker-rules/docker | -   | docker.io/docker-rules/docker:latest
                docker---rules/dock__er.x_y    | docker.io        | docker---rules/dock__er.x_y | - | docker.io/docker---rules/dock__er.x_y:latest
                """)
        void parsesAndNormalises(String text, String domain, String path, String tag, String canonical) {
            ImageReference ref = ImageReference.parse(text);
            assertAll(
                    () -> assertEquals(domain, ref.domain(), "domain"),
                    () -> assertEquals(path, ref.repositoryPath(), "repositoryPath"),
                    () -> assertEquals(Optional.ofNullable(tag), ref.tag(), "tag"),
                    () -> assertEquals(Optional.empty(), ref.digest(), "digest"),
                    () -> assertEquals(canonical, ref.canonical(), "canonical"),
                    () -> assertEquals(canonical, ref.toString(), "toString"),
                    () -> assertEquals(text, ref.text(), "text"));
        }

        @Test
        void equivalentSpellingsAreEqual() {
            List<ImageReference> refs = Stream.of("nginx", "nginx:latest", "library/nginx:latest",
                            "docker.io/nginx", "docker.io/library/nginx:latest", "index.docker.io/library/nginx")
                    .map(ImageReference::parse)
                    .toList();
            for (ImageReference ref : refs) {
                assertEquals(refs.get(0), ref);
                assertEquals(refs.get(0).hashCode(), ref.hashCode());
                assertEquals("docker.io/library/nginx:latest", ref.canonical());
            }
            // Equality ignores the original spelling, but text() keeps it.
            assertEquals("nginx", refs.get(0).text());
            assertEquals("index.docker.io/library/nginx", refs.get(5).text());
        }

        @Test
        void differentReferencesAreNotEqual() {
            assertNotEquals(ImageReference.parse("nginx:1.25"), ImageReference.parse("nginx:1.24"));
            assertNotEquals(ImageReference.parse("nginx"), ImageReference.parse("quay.io/library/nginx"));
            assertNotEquals(ImageReference.parse("nginx:1.25"), ImageReference.parse("nginx:1.25@" + SHA256));
            // "library/" is only implied on Docker Hub.
            assertNotEquals(ImageReference.parse("localhost/nginx"), ImageReference.parse("localhost/library/nginx"));
            assertFalse(ImageReference.parse("nginx").equals("docker.io/library/nginx:latest"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"nginx", "nginx:1.25@" + SHA256, "bitnami/etcd:3.5", "quay.io/x/y:1",
            "localhost:5000/a/b@" + SHA256, "[::1]:5000/x:1", "docker.io/library/foo/bar", "Foo/bar", "my_registry.local/app"})
        void canonicalAndFamiliarFormsParseBackToTheSameReference(String text) {
            ImageReference ref = ImageReference.parse(text);
            assertEquals(ref, ImageReference.parse(ref.canonical()));
            assertEquals(ref.canonical(), ImageReference.parse(ref.familiar()).canonical());
            assertEquals(ref.sealosForm(), ImageReference.parse(ref.sealosForm()).sealosForm());
        }
    }

    @Nested
    class TagsAndDigests {

        @Test
        void tagAndDigestAreBothKeptInCanonicalButSealosDropsTheDigest() {
            ImageReference ref = ImageReference.parse("nginx:1.25@" + SHA256);
            assertEquals(Optional.of("1.25"), ref.tag());
            assertEquals(Optional.of(SHA256), ref.digest());
            assertEquals("docker.io/library/nginx:1.25@" + SHA256, ref.canonical());
            assertEquals("docker.io/library/nginx:1.25", ref.sealosForm());
            assertEquals("nginx:1.25@" + SHA256, ref.familiar());
            assertEquals("library/nginx", ref.repositoryPath());
        }

        @Test
        void digestOnlyGetsNoLatestTag() {
            ImageReference ref = ImageReference.parse("quay.io/cilium/cilium@" + SHA256);
            assertEquals(Optional.empty(), ref.tag());
            assertEquals(Optional.of(SHA256), ref.digest());
            assertEquals("quay.io/cilium/cilium@" + SHA256, ref.canonical());
            assertEquals("quay.io/cilium/cilium@" + SHA256, ref.sealosForm());
            assertEquals("quay.io/cilium/cilium@" + SHA256, ref.familiar());
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', textBlock = """
                nginx                          | docker.io/library/nginx
                nginx:latest                   | docker.io/library/nginx:latest
                bitnami/etcd:3.5               | docker.io/bitnami/etcd:3.5
                localhost:5000/a/b             | localhost:5000/a/b
                registry.k8s.io/pause:3.9      | registry.k8s.io/pause:3.9
                """)
        void sealosFormAddsNoLatest(String text, String sealos) {
            assertEquals(sealos, ImageReference.parse(text).sealosForm());
        }

        @Test
        void sha384AndSha512AreAccepted() {
            String sha384 = "sha384:" + "0123456789abcdef".repeat(6);
            String sha512 = "sha512:" + "0123456789abcdef".repeat(8);
            assertEquals(Optional.of(sha384), ImageReference.parse("a/b@" + sha384).digest());
            assertEquals(Optional.of(sha512), ImageReference.parse("a/b:1@" + sha512).digest());
        }

        @Test
        void tagsMayHaveUppercaseDotsDashesAndUnderscores() {
            assertEquals(Optional.of("V1.2-RC_3"), ImageReference.parse("a:V1.2-RC_3").tag());
            assertEquals(Optional.of("_x"), ImageReference.parse("a:_x").tag());
        }

        @Test
        void tagLengthLimitIs128() {
            String tag128 = "t".repeat(128);
            assertEquals(Optional.of(tag128), ImageReference.parse("nginx:" + tag128).tag());
            InvalidReferenceException e = assertThrows(InvalidReferenceException.class,
                    () -> ImageReference.parse("nginx:" + tag128 + "t"));
            assertTrue(e.reason().contains("tag too long"), e.getMessage());
        }
    }

    @Nested
    class Familiar {

        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource(delimiter = '|', textBlock = """
                nginx                             | nginx
                nginx:1.25                        | nginx:1.25
                docker.io/library/nginx:1.25      | nginx:1.25
                index.docker.io/library/nginx     | nginx
                bitnami/etcd:3.5                  | bitnami/etcd:3.5
                docker.io/bitnami/etcd:3.5        | bitnami/etcd:3.5
                quay.io/x/y:1                     | quay.io/x/y:1
                docker.io/library/foo/bar         | library/foo/bar
                docker.io/other/library           | other/library
                localhost/foo                     | localhost/foo
                localhost:5000/library/foo        | localhost:5000/library/foo
                Foo/bar                           | Foo/bar
                """)
        void familiarFormIsDockersShortForm(String text, String familiar) {
            assertEquals(familiar, ImageReference.parse(text).familiar());
        }
    }

    @Nested
    class WhatTheGrammarReallySays {

        @Test
        void aDottedSingleNameIsADockerHubRepositoryNotAField() {
            // Looks like a YAML path, but it is a perfectly good official-image name.
            ImageReference ref = ImageReference.parse("spec.image");
            assertEquals("docker.io/library/spec.image:latest", ref.canonical());
            assertEquals("spec.image", ref.familiar());
        }

        @Test
        void aSingleElementIsNeverADomainSoHostPortBecomesNameAndTag() {
            ImageReference ref = ImageReference.parse("localhost:5000");
            assertEquals("docker.io", ref.domain());
            assertEquals("library/localhost", ref.repositoryPath());
            assertEquals(Optional.of("5000"), ref.tag());

            ImageReference ip = ImageReference.parse("192.168.0.1:80");
            assertEquals("library/192.168.0.1", ip.repositoryPath());
            assertEquals(Optional.of("80"), ip.tag());

            assertEquals("docker.io/library/example.com:latest", ImageReference.parse("example.com").canonical());
        }

        @Test
        void onlyABare64HexNameIsRefusedAsAnImageId() {
            assertEquals("docker.io/library/" + HEX64 + ":v1", ImageReference.parse(HEX64 + ":v1").canonical());
            assertEquals("docker.io/library/" + HEX64 + ":latest", ImageReference.parse("docker.io/" + HEX64).canonical());
            // 63 or 65 hex digits, or uppercase hex, are ordinary names.
            assertEquals("library/" + HEX64.substring(1), ImageReference.parse(HEX64.substring(1)).repositoryPath());
            assertEquals("library/" + HEX64 + "a", ImageReference.parse(HEX64 + "a").repositoryPath());
        }

        @Test
        void anUppercaseFirstElementIsADomain() {
            ImageReference ref = ImageReference.parse("DOCKER/docker");
            assertEquals("DOCKER", ref.domain());
            assertEquals("docker", ref.repositoryPath());
        }

        @Test
        void aDottedFirstElementThatIsNoValidHostGivesAnEmptyDomain() {
            // Docker takes "my_registry.local" for a domain (it has a '.'), but '_' is not allowed
            // in a host; the grammar's domain is optional and the whole name is a valid path.
            ImageReference ref = ImageReference.parse("my_registry.local/app:1");
            assertEquals("", ref.domain());
            assertEquals("my_registry.local/app", ref.repositoryPath());
            assertEquals("my_registry.local/app:1", ref.canonical());
            assertEquals("my_registry.local/app:1", ref.sealosForm());
            assertEquals("my_registry.local/app:1", ref.familiar());
        }

        @Test
        void theLengthLimitCountsThePathWithLibraryPrefixButNotTheDomain() {
            // 8 ("library/") + 247 = 255: fine; one more is too long.
            assertEquals(255, ImageReference.parse("a".repeat(247)).repositoryPath().length());
            InvalidReferenceException e = assertThrows(InvalidReferenceException.class,
                    () -> ImageReference.parse("a".repeat(248)));
            assertTrue(e.reason().contains("must not be more than 255 characters"), e.getMessage());
            // The domain does not count (distribution/reference v0.6.0 and later).
            assertEquals(255, ImageReference.parse("example.com/" + "a".repeat(255) + ":tag").repositoryPath().length());
            assertThrows(InvalidReferenceException.class, () -> ImageReference.parse("example.com/" + "a".repeat(256)));
        }
    }

    @Nested
    class Rejections {

        static Stream<Arguments> invalidReferences() {
            String hex64Upper = HEX64.toUpperCase(Locale.ROOT);
            return Stream.of(
                    Arguments.of("", "the reference is empty"),
                    Arguments.of("{{ .Values.image }}", "unrendered template"),
                    Arguments.of("{IMAGE}", "unrendered template"),
                    Arguments.of("${IMAGE}", "unrendered template"),
                    Arguments.of("Nginx", "repository name must be lowercase (library/Nginx)"),
                    Arguments.of("docker/Docker", "repository name must be lowercase (docker/Docker)"),
                    Arguments.of("docker.io/Library/nginx:1", "repository name must be lowercase (Library/nginx)"),
                    Arguments.of("nginx:", "the tag after ':' is empty"),
                    Arguments.of("nginx # comment", "contains whitespace"),
                    Arguments.of("nginx\n", "contains whitespace"),
                    Arguments.of(" nginx", "contains whitespace"),
                    Arguments.of("nginx:1.25\t", "contains whitespace"),
                    Arguments.of("ngi nx", "contains whitespace"),
                    Arguments.of("nginx\u00a0", "contains whitespace"),
                    Arguments.of("ngïnx", "contains 'ï'"),
                    Arguments.of("nginx;latest", "contains ';'"),
                    Arguments.of("https://github.com/docker/docker", "looks like a URL"),
                    Arguments.of("a//b", "repository path 'a//b' has an empty component"),
                    Arguments.of("docker/", "has an empty component"),
                    Arguments.of("/nginx", "has an empty component"),
                    Arguments.of("docker.io/", "has an empty component"),
                    Arguments.of("-a", "invalid repository path component '-a'"),
                    Arguments.of("-docker/docker", "invalid repository path component '-docker'"),
                    Arguments.of("docker-/docker", "invalid repository path component 'docker-'"),
                    Arguments.of("dock..er/docker", "'dock..er' is neither a valid registry host nor a valid repository path component"),
                    Arguments.of("dock_.er/docker", "'dock_.er' is neither a valid registry host nor"),
                    Arguments.of("dock___er", "invalid repository path component 'dock___er'"),
                    Arguments.of("____/____", "invalid repository path component '____'"),
                    Arguments.of("a/b+c", "invalid repository path component 'b+c'"),
                    Arguments.of("nginx@sha256:abc", "invalid digest 'sha256:abc': sha256 needs 64 hex digits, found 3"),
                    Arguments.of("nginx@sha256:" + HEX64 + "a", "sha256 needs 64 hex digits, found 65"),
                    Arguments.of("nginx@sha512:" + HEX64, "sha512 needs 128 hex digits, found 64"),
                    Arguments.of("nginx@sha256:" + hex64Upper, "hex digits must be lowercase"),
                    Arguments.of("nginx@SHA256:" + HEX64, "unsupported digest algorithm 'SHA256'"),
                    Arguments.of("nginx@md5:" + HEX64.substring(0, 32), "unsupported digest algorithm 'md5'"),
                    Arguments.of("nginx@sha256:" + "g".repeat(64), "must be hexadecimal"),
                    Arguments.of("nginx@" + HEX64, "expected <algorithm>:<hex>"),
                    Arguments.of("nginx@", "the digest after '@' is empty"),
                    Arguments.of("nginx@" + SHA256 + "@" + SHA256, "must be hexadecimal"),
                    Arguments.of("nginx@" + SHA256 + ":1.25", "must be hexadecimal"),
                    Arguments.of(HEX64, "repository name must not be a 64-hex-digit image ID"),
                    Arguments.of("nginx:" + "1".repeat(129), "tag too long: 129 characters"),
                    Arguments.of("nginx:-1", "invalid tag '-1'"),
                    Arguments.of("nginx:.1", "invalid tag '.1'"),
                    Arguments.of("nginx:1.25:2", "invalid tag '1.25:2'"),
                    Arguments.of("[fe80::1%eth0]:5000/debian", "contains '%'"),
                    Arguments.of("[2001:db8:3:4::192.0.2.33]:5000/debian", "invalid registry host '[2001:db8:3:4::192.0.2.33]:5000'"),
                    Arguments.of("fc00::1:5000/debian", "invalid registry host 'fc00::1:5000'"),
                    Arguments.of("example.com:port/app", "invalid registry host 'example.com:port'"),
                    Arguments.of("example.com:/app", "invalid registry host 'example.com:'"),
                    Arguments.of("-example.com/app", "'-example.com' is neither a valid registry host nor"),
                    Arguments.of("[]:5000/app", "invalid registry host '[]:5000'"),
                    Arguments.of("[::1]x/app", "invalid registry host '[::1]x'"),
                    Arguments.of("Bad_Host/app", "invalid registry host 'Bad_Host'"),
                    Arguments.of("dock..er/Docker", "repository name must be lowercase (Docker)"),
                    Arguments.of("[fc00::1]", "invalid repository path component"),
                    Arguments.of("@" + SHA256, "has an empty component"));
        }

        @ParameterizedTest(name = "[{index}] {0}")
        @MethodSource("invalidReferences")
        void isRejectedWithAReason(String text, String expectedReason) {
            InvalidReferenceException e = assertThrows(InvalidReferenceException.class, () -> ImageReference.parse(text));
            assertTrue(e.reason().contains(expectedReason),
                    () -> "reason for \"" + text + "\" was: " + e.reason() + "; expected it to contain: " + expectedReason);
            assertEquals(text, e.input());
            assertTrue(e.getMessage().startsWith("invalid image reference \""), e.getMessage());
            assertTrue(e.getMessage().endsWith(e.reason()), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "message must stay on one line");
        }

        @Test
        void messageEscapesControlCharactersAndQuotes() {
            InvalidReferenceException e = assertThrows(InvalidReferenceException.class,
                    () -> ImageReference.parse("a\"b\n"));
            assertEquals("invalid image reference \"a\\\"b\\n\": contains '\"', which is not allowed in an image reference",
                    e.getMessage());
        }

        @Test
        void nullIsAProgrammingError() {
            assertThrows(NullPointerException.class, () -> ImageReference.parse(null));
        }

        @Test
        void isAnIllegalArgumentException() {
            assertThrows(IllegalArgumentException.class, () -> ImageReference.parse("Nginx"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"a.", "a-", "a_", "a.b-", "ab", "[::1"})
        void hugeInputsFailFastWithoutStackOverflow(String unit) {
            // java.util.regex recurses per repetition of a group; the parser must not.
            String many = unit.repeat(200_000);
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                assertThrows(InvalidReferenceException.class, () -> ImageReference.parse(many));
                assertThrows(InvalidReferenceException.class, () -> ImageReference.parse(many + "x/-"));
                assertThrows(InvalidReferenceException.class, () -> ImageReference.parse("x.io/" + many));
                assertThrows(InvalidReferenceException.class, () -> ImageReference.parse("x:" + many));
                assertThrows(InvalidReferenceException.class, () -> ImageReference.parse("x@sha256:" + many));
            });
        }

        @Test
        void aHugeValidDomainIsAcceptedBecauseTheGrammarDoesNotLimitIt() {
            String domain = "a.".repeat(100_000) + "io";
            assertEquals(domain, ImageReference.parse(domain + "/app").domain());
        }
    }

    /**
     * Differential test: the parser takes the reference apart by hand (to say which part is
     * wrong); {@link GoGrammar} transliterates Docker's code, with the grammar as one anchored
     * regular expression. Both must accept the same strings and split them the same way.
     */
    @Nested
    class AgreesWithTheRegexGrammar {

        private static final String[] TOKENS = {
            "a", "b", "z", "0", "9", "nginx", "A", "Q", ".", "..", "_", "__", "___", "-", "--", "/", "//",
            ":", "::", "@", "[", "]", "+", "localhost", "docker.io", "index.docker.io", "library", "example.com",
            "5000", "v1.2", "latest", "sha256:", "sha512:", "sha384:", "md5:", HEX64, HEX64.substring(0, 32),
            HEX64 + HEX64, HEX64.toUpperCase(Locale.ROOT), "[::1]", "[fc00::1]:5000", "1.2.3.4", "a_b.c",
        };

        private static final String[] SEEDS = {
            "nginx", "nginx:1.25", "bitnami/etcd:3.5", "quay.io/cilium/cilium:v1.12.0@" + SHA256, "localhost:5000/a/b",
            "[::1]:5000/x:1", "docker.io/library/nginx@" + SHA256, "a_b.c/d", "Foo/bar", "index.docker.io/x",
            "dock__er/x-y.z", HEX64 + ":1",
        };

        @Test
        void onRandomAndMutatedInputs() {
            Random random = new Random(20260101);
            List<String> inputs = new ArrayList<>(List.of(SEEDS));
            for (int i = 0; i < 20_000; i++) {
                StringBuilder s = new StringBuilder();
                int n = 1 + random.nextInt(8);
                for (int j = 0; j < n; j++) {
                    s.append(TOKENS[random.nextInt(TOKENS.length)]);
                }
                inputs.add(s.toString());
            }
            for (int i = 0; i < 20_000; i++) {
                StringBuilder s = new StringBuilder(SEEDS[random.nextInt(SEEDS.length)]);
                int edits = 1 + random.nextInt(2);
                for (int e = 0; e < edits && s.length() > 0; e++) {
                    int at = random.nextInt(s.length());
                    switch (random.nextInt(3)) {
                        case 0 -> s.deleteCharAt(at);
                        case 1 -> s.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
                        default -> s.replace(at, at + 1, TOKENS[random.nextInt(TOKENS.length)]);
                    }
                }
                inputs.add(s.toString());
            }

            List<String> mismatches = new ArrayList<>();
            int accepted = 0;
            for (String input : inputs) {
                String expected = GoGrammar.parse(input);
                String actual;
                try {
                    ImageReference ref = ImageReference.parse(input);
                    actual = ref.domain() + " | " + ref.repositoryPath() + " | " + ref.tag().orElse(null)
                            + " | " + ref.digest().orElse(null);
                    accepted++;
                } catch (InvalidReferenceException e) {
                    actual = null;
                }
                if (!String.valueOf(expected).equals(String.valueOf(actual)) && mismatches.size() < 20) {
                    mismatches.add(input + "  expected " + expected + "  got " + actual);
                }
            }
            assertEquals(List.of(), mismatches);
            assertTrue(accepted > 2_000, "too few valid inputs generated to be a meaningful test: " + accepted);
            assertTrue(accepted < inputs.size() - 2_000, "too few invalid inputs generated: " + accepted);
        }
    }

    /**
     * Docker's {@code ParseNormalizedNamed} transliterated as literally as Java allows, with the
     * grammar as one anchored regular expression built the way regexp.go builds it. Test oracle
     * only: fine for short inputs, but java.util.regex would overflow its stack on huge ones.
     */
    static final class GoGrammar {
        static final String ALPHANUMERIC = "[a-z0-9]+";
        static final String SEPARATOR = "(?:[._]|__|[-]+)";
        static final String DOMAIN_NAME_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
        static final String OPTIONAL_PORT = "(?::[0-9]+)?";
        static final String TAG = "[\\w][\\w.-]{0,127}";
        static final String DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}";
        static final String IPV6 = "\\[(?:[a-fA-F0-9:]+)\\]";
        static final String DOMAIN_NAME = DOMAIN_NAME_COMPONENT + "(?:\\." + DOMAIN_NAME_COMPONENT + ")*";
        static final String HOST = "(?:" + DOMAIN_NAME + "|" + IPV6 + ")";
        static final String DOMAIN_AND_PORT = HOST + OPTIONAL_PORT;
        static final String PATH_COMPONENT = ALPHANUMERIC + "(?:" + SEPARATOR + ALPHANUMERIC + ")*";
        static final String REMOTE_NAME = PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*";
        static final String NAME = "(?:" + DOMAIN_AND_PORT + "/)?" + REMOTE_NAME;
        static final Pattern ANCHORED_NAME = Pattern.compile("(?:(" + DOMAIN_AND_PORT + ")/)?(" + REMOTE_NAME + ")");
        static final Pattern REFERENCE = Pattern.compile("(" + NAME + ")(?::(" + TAG + "))?(?:@(" + DIGEST + "))?");
        static final Pattern IDENTIFIER = Pattern.compile("[a-f0-9]{64}");

        /** "domain | path | tag | digest" (absent parts as "null"), or null when Docker would refuse. */
        static String parse(String s) {
            if (IDENTIFIER.matcher(s).matches()) {
                return null;
            }
            String domain;
            String remainder;
            int slash = s.indexOf('/');
            if (slash < 0) {
                domain = "docker.io";
                remainder = "library/" + s;
            } else {
                String maybeDomain = s.substring(0, slash);
                String maybeRemainder = s.substring(slash + 1);
                if (maybeDomain.equals("localhost")) {
                    domain = maybeDomain;
                    remainder = maybeRemainder;
                } else if (maybeDomain.equals("index.docker.io")) {
                    domain = "docker.io";
                    remainder = maybeRemainder;
                } else if (maybeDomain.contains(".") || maybeDomain.contains(":")) {
                    domain = maybeDomain;
                    remainder = maybeRemainder;
                } else if (!maybeDomain.toLowerCase(Locale.ROOT).equals(maybeDomain)) {
                    domain = maybeDomain;
                    remainder = maybeRemainder;
                } else {
                    domain = "docker.io";
                    remainder = s;
                }
                if (domain.equals("docker.io") && !remainder.contains("/")) {
                    remainder = "library/" + remainder;
                }
            }
            int tagSep = remainder.indexOf(':');
            String remote = tagSep > -1 ? remainder.substring(0, tagSep) : remainder;
            if (!remote.toLowerCase(Locale.ROOT).equals(remote)) {
                return null;
            }

            // Parse(domain + "/" + remainder)
            Matcher m = REFERENCE.matcher(domain + "/" + remainder);
            if (!m.matches()) { // matches(), not find() with "$": Go's "$" does not match before "\n"
                return null;
            }
            Matcher name = ANCHORED_NAME.matcher(m.group(1));
            if (!name.matches()) {
                throw new AssertionError("name matched the reference but not the name pattern: " + m.group(1));
            }
            String refDomain = name.group(1) == null ? "" : name.group(1);
            String path = name.group(2);
            if (path.length() > 255) {
                return null;
            }
            String digest = m.group(3);
            if (digest != null) {
                // go-digest v1.0.0 Validate: known algorithm, exact length, lowercase hex.
                String algorithm = digest.substring(0, digest.indexOf(':'));
                String encoded = digest.substring(digest.indexOf(':') + 1);
                int size = switch (algorithm) {
                    case "sha256" -> 64;
                    case "sha384" -> 96;
                    case "sha512" -> 128;
                    default -> -1;
                };
                if (size < 0 || encoded.length() != size || !encoded.matches("[a-f0-9]+")) {
                    return null;
                }
            }
            return refDomain + " | " + path + " | " + m.group(2) + " | " + digest;
        }
    }
}
