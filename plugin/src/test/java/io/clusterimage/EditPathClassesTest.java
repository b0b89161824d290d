package io.clusterimage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A build that changed a manifest (layout check, scan, reports, image and archive) never loads Jackson: databind's
 * first mapper costs a Maven JVM ~100 ms of class loading, a sixth of such a build over Maven's floor (#16). The engine
 * runs here in a class loader whose class path is the test's without any Jackson jar, so a use of Jackson on this
 * path fails with NoClassDefFoundError instead of passing unnoticed.
 */
class EditPathClassesTest {

    @TempDir
    Path temp;

    @Test
    void aManifestEditBuildRunsWithoutJackson() throws Exception {
        Path context = Files.createDirectories(temp.resolve("app"));
        Files.writeString(context.resolve("Kubefile"), "FROM scratch\nCOPY manifests ./manifests\nCMD [\"kubectl apply -f manifests/\"]\n");
        Files.createDirectories(context.resolve("manifests"));
        Files.writeString(context.resolve("manifests/app.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  template:
                    spec:
                      containers:
                        - name: web
                          image: docker.io/library/nginx:1.27
                """);
        Path out = Files.createDirectories(temp.resolve("out"));

        List<URL> classPath = new ArrayList<>();
        boolean jacksonLeftOut = false;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.contains("jackson")) {
                jacksonLeftOut = true;
            } else {
                classPath.add(Path.of(entry).toUri().toURL());
            }
        }
        assertTrue(jacksonLeftOut, "the test class path should hold Jackson, or this test proves nothing");
        try (URLClassLoader withoutJackson = new URLClassLoader(classPath.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            assertTrue(throwsClassNotFound(withoutJackson, "com.fasterxml.jackson.databind.ObjectMapper"));
            Object result = withoutJackson.loadClass(EditPathDriver.class.getName())
                    .getMethod("run", Path.class, Path.class).invoke(null, context, out);
            assertTrue(result.toString().startsWith("docker.io/library/nginx:1.27\nsha256:"), result.toString());
        }
        assertTrue(Files.readString(out.resolve("image.json")).contains("\"imageDigest\" : \"sha256:"));
    }

    private static boolean throwsClassNotFound(ClassLoader loader, String name) {
        try {
            loader.loadClass(name);
            return false;
        } catch (ClassNotFoundException e) {
            return true;
        }
    }
}
