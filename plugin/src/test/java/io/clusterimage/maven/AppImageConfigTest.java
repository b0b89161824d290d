package io.clusterimage.maven;

import io.clusterimage.appimage.AppImageSpec;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.artifact.DefaultArtifact;
import org.apache.maven.artifact.handler.DefaultArtifactHandler;
import org.apache.maven.model.Model;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code <appImages>} resolved against the project's resolved dependencies and the reactor, as Maven hands them over. */
class AppImageConfigTest {

    @TempDir
    Path dir;

    private MavenProject project(String groupId, String artifactId, Set<Artifact> artifacts) {
        Model model = new Model();
        model.setGroupId(groupId);
        model.setArtifactId(artifactId);
        model.setVersion("1.0");
        MavenProject project = new MavenProject(model);
        project.setFile(dir.resolve(artifactId + "/pom.xml").toFile());
        project.getBuild().setOutputDirectory(dir.resolve(artifactId + "/target/classes").toString());
        project.setArtifacts(artifacts);
        return project;
    }

    private static Artifact artifact(String groupId, String artifactId, String scope, File file, String... trail) {
        DefaultArtifactHandler handler = new DefaultArtifactHandler("jar");
        handler.setAddedToClasspath(true);
        DefaultArtifact artifact = new DefaultArtifact(groupId, artifactId, "1.0", scope, "jar", null, handler);
        artifact.setFile(file);
        artifact.setDependencyTrail(List.of(trail));
        return artifact;
    }

    private static AppImageConfig config(String module) {
        AppImageConfig config = new AppImageConfig();
        config.image = "registry.example.com/team/orders:1.0";
        config.module = module;
        config.from = new AppImageFrom();
        config.from.archive = "base.tar";
        return config;
    }

    @Test
    void aModuleBringsItsJarAndOnlyItsOwnRuntimeDependencies() throws Exception {
        Set<Artifact> artifacts = new LinkedHashSet<>();
        artifacts.add(artifact("com.example", "orders", "compile", dir.resolve("orders.jar").toFile(),
                "com.example:deploy:cluster-image:1.0", "com.example:orders:jar:1.0"));
        artifacts.add(artifact("org.yaml", "snakeyaml", "compile", dir.resolve("snakeyaml.jar").toFile(),
                "com.example:deploy:cluster-image:1.0", "com.example:orders:jar:1.0", "org.yaml:snakeyaml:jar:2.5"));
        artifacts.add(artifact("org.other", "tool", "runtime", dir.resolve("tool.jar").toFile(),
                "com.example:deploy:cluster-image:1.0", "org.other:tool:jar:1.0"));
        MavenProject deploy = project("com.example", "deploy", artifacts);
        AppImageSpec spec = AppImageConfig.resolve(List.of(config("com.example:orders")), deploy, List.of(deploy)).get(0);
        assertEquals(dir.resolve("orders.jar"), spec.code());
        assertEquals(List.of(dir.resolve("snakeyaml.jar")), spec.dependencies(), "not the deploy module's other dependency");
        assertEquals(dir.resolve("deploy/base.tar"), ((AppImageSpec.ArchiveBase) spec.base()).file(), "relative to the project directory");
        assertEquals(Instant.EPOCH, spec.creationTime());
    }

    @Test
    void withoutModuleThisProjectsClassesAndClasspath() throws Exception {
        MavenProject orders = project("com.example", "orders", Set.of(artifact("org.yaml", "snakeyaml", "compile",
                dir.resolve("snakeyaml.jar").toFile(), "com.example:orders:jar:1.0", "org.yaml:snakeyaml:jar:2.5")));
        orders.getProperties().setProperty("project.build.outputTimestamp", "2026-01-01T00:00:00Z");
        AppImageSpec spec = AppImageConfig.resolve(List.of(config(null)), orders, List.of(orders)).get(0);
        assertEquals(dir.resolve("orders/target/classes"), spec.code());
        assertEquals(List.of(dir.resolve("snakeyaml.jar")), spec.dependencies());
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), spec.creationTime(), "project.build.outputTimestamp");
    }

    @Test
    void aModuleThatIsNotADependencyNamesTheElementAndTheFix() {
        MavenProject deploy = project("com.example", "deploy", Set.of());
        MavenProject orders = project("com.example", "orders", Set.of());
        String inReactor = message(() -> AppImageConfig.resolve(List.of(config("com.example:orders")), deploy, List.of(deploy, orders)));
        assertEquals("<appImages><appImage> <image>registry.example.com/team/orders:1.0</image>: <module>com.example:orders</module>"
                + " is in the reactor but not a dependency of com.example:deploy; add a <dependency> on it (so the reactor builds"
                + " it first and its runtime classpath is resolved)", inReactor);
        String elsewhere = message(() -> AppImageConfig.resolve(List.of(config("com.example:billing")), deploy, List.of(deploy)));
        assertTrue(elsewhere.contains("<module>com.example:billing</module> is neither in the reactor nor a dependency"), elsewhere);
        assertTrue(message(() -> AppImageConfig.resolve(List.of(config("orders")), deploy, List.of(deploy)))
                .contains("<module>orders</module> is not groupId:artifactId"));
    }

    @Test
    void badDeclarationsNameTheirElement() {
        MavenProject deploy = project("com.example", "deploy", Set.of());
        AppImageConfig noFrom = config(null);
        noFrom.from = null;
        assertTrue(message(() -> AppImageConfig.resolve(List.of(noFrom), deploy, List.of())).contains(": <from> needs <image>"));
        AppImageConfig both = config(null);
        both.from.image = "eclipse-temurin:21-jre";
        assertTrue(message(() -> AppImageConfig.resolve(List.of(both), deploy, List.of())).contains("<from> needs only one of <image>"));
        AppImageConfig digest = config(null);
        digest.image = "registry.example.com/team/orders@sha256:" + "a".repeat(64);
        assertTrue(message(() -> AppImageConfig.declared(List.of(digest), List.of(), dir.toFile()))
                .startsWith("<appImages><appImage> number 1: <image>registry.example.com/team/orders@sha256:"));
        String twice = message(() -> AppImageConfig.declared(List.of(config(null), config(null)), List.of(), dir.toFile()));
        assertTrue(twice.contains("number 2 declares registry.example.com/team/orders:1.0, which <appImages><appImage> number 1"
                + " declares too"), twice);
    }

    @Test
    void packagedModeTakesTheModulesJarOrThisProjectsOwn() throws Exception {
        Set<Artifact> artifacts = new LinkedHashSet<>();
        artifacts.add(artifact("com.example", "orders", "compile", dir.resolve("orders.jar").toFile(),
                "com.example:deploy:cluster-image:1.0", "com.example:orders:jar:1.0"));
        MavenProject deploy = project("com.example", "deploy", artifacts);
        AppImageConfig module = config("com.example:orders");
        module.containerizingMode = " packaged ";
        AppImageSpec spec = AppImageConfig.resolve(List.of(module), deploy, List.of(deploy)).get(0);
        assertEquals(AppImageSpec.Mode.PACKAGED, spec.mode());
        assertEquals(dir.resolve("orders.jar"), spec.code());

        MavenProject orders = project("com.example", "orders", Set.of());
        orders.setArtifact(new DefaultArtifact("com.example", "orders", "1.0", null, "jar", null, new DefaultArtifactHandler("jar")));
        AppImageConfig own = config(null);
        own.containerizingMode = "packaged";
        assertEquals("<appImages><appImage> <image>registry.example.com/team/orders:1.0</image>: <containerizingMode>packaged"
                + "</containerizingMode> needs this project's jar, which is not built yet when save-registry runs: bind"
                + " save-registry to the package phase after the jar, or name the module whose jar it is in <module>",
                message(() -> AppImageConfig.resolve(List.of(own), orders, List.of(orders))));
        orders.getArtifact().setFile(dir.resolve("orders/target/orders-1.0.jar").toFile());
        assertEquals(dir.resolve("orders/target/orders-1.0.jar"), AppImageConfig.resolve(List.of(own), orders, List.of()).get(0).code());
        assertEquals(AppImageSpec.Mode.EXPLODED, AppImageConfig.resolve(List.of(config(null)), orders, List.of()).get(0).mode(),
                "exploded is the default");

        AppImageConfig bad = config(null);
        bad.containerizingMode = "jar";
        assertTrue(message(() -> AppImageConfig.resolve(List.of(bad), orders, List.of())).contains(
                ": <containerizingMode>jar</containerizingMode> is neither exploded (classes, resources and dependencies in"
                        + " layers of their own, the default) nor packaged"));
    }

    @Test
    void aWarProjectTakesItsWarOrTheExplodedDirectoryAndSaysWhenNeitherIsBuilt() throws Exception {
        MavenProject web = project("com.example", "web", Set.of());
        web.setPackaging("war");
        web.getBuild().setDirectory(dir.resolve("web/target").toString());
        web.getBuild().setFinalName("web-1.0");
        web.setArtifact(new DefaultArtifact("com.example", "web", "1.0", null, "war", null, new DefaultArtifactHandler("war")));
        AppImageConfig own = config(null);
        own.appRoot = "/usr/local/tomcat/webapps/ROOT";
        assertEquals("<appImages><appImage> <image>registry.example.com/team/orders:1.0</image>: this war project's war is not"
                + " built yet when save-registry runs: bind save-registry to the package phase after war:war, or name the war"
                + " module in <module> of another project", message(() -> AppImageConfig.resolve(List.of(own), web, List.of(web))));

        Path exploded = Files.createDirectories(dir.resolve("web/target/web-1.0/WEB-INF"));
        AppImageSpec fromDirectory = AppImageConfig.resolve(List.of(own), web, List.of(web)).get(0);
        assertEquals(exploded.getParent(), fromDirectory.code(), "war:exploded's directory");
        assertEquals("/usr/local/tomcat/webapps/ROOT", fromDirectory.appRoot());

        Path file = Files.writeString(dir.resolve("web/target/web-1.0.war"), "a war");
        web.getArtifact().setFile(file.toFile());
        assertEquals(file, AppImageConfig.resolve(List.of(own), web, List.of(web)).get(0).code(), "the packaged war first");
    }

    @Test
    void entrypointAndExtraDirectoriesAreReadRelativeToTheProject() throws Exception {
        MavenProject deploy = project("com.example", "deploy", Set.of());
        AppImageConfig config = config(null);
        config.entrypoint = List.of("/opt/run.sh", "--fast");
        config.extraDirectories = new AppImageExtraDirectories();
        AppImageExtraDirectories.ExtraPath jib = new AppImageExtraDirectories.ExtraPath();
        jib.from = "src/main/jib";
        AppImageExtraDirectories.ExtraPath shared = new AppImageExtraDirectories.ExtraPath();
        shared.from = "../shared/files";
        shared.into = "/opt/shared";
        config.extraDirectories.paths = List.of(jib, shared);
        AppImageExtraDirectories.FilePermission run = new AppImageExtraDirectories.FilePermission();
        run.file = "/opt/run.sh";
        run.mode = "755";
        config.extraDirectories.permissions = List.of(run);
        AppImageSpec spec = AppImageConfig.resolve(List.of(config), deploy, List.of()).get(0);
        assertEquals(List.of("/opt/run.sh", "--fast"), spec.entrypoint());
        assertEquals(List.of(new AppImageSpec.ExtraDirectory(dir.resolve("deploy/src/main/jib"), "/"),
                new AppImageSpec.ExtraDirectory(dir.resolve("shared/files"), "/opt/shared")), spec.extraDirectories());
        assertEquals(List.of(new AppImageSpec.Permission("/opt/run.sh", "755")), spec.permissions());
        assertTrue(AppImageConfig.describe(List.of(spec)).contains("/opt/run.sh"), "a changed setting builds the image again");

        jib.from = " ";
        assertEquals("<appImages><appImage> <image>registry.example.com/team/orders:1.0</image>: <extraDirectories><paths><path>"
                + " has no <from>; give the directory whose files go into the image, relative to the project directory"
                + " (e.g. src/main/jib)", message(() -> AppImageConfig.resolve(List.of(config), deploy, List.of())));
    }

    private static String message(org.junit.jupiter.api.function.Executable call) {
        return assertThrows(MojoExecutionException.class, call).getMessage();
    }
}
