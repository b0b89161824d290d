package io.clusterimage.maven;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The tag image.json reports for an {@code <imageName>}. */
class PackageImageMojoTagTest {

    @Test
    void theTagIsWhatFollowsTheLastColonOfTheLastPathComponent() {
        assertEquals("1.0.0", io.clusterimage.image.ImageReports.tagOf("manifests-app:1.0.0"));
        assertEquals("v2", io.clusterimage.image.ImageReports.tagOf("registry.example.com:5000/team/app:v2"));
        assertEquals("latest", io.clusterimage.image.ImageReports.tagOf("registry.example.com:5000/team/app"), "a port is not a tag");
        assertEquals("latest", io.clusterimage.image.ImageReports.tagOf("app"));
        assertEquals("1.0", io.clusterimage.image.ImageReports.tagOf("localhost:5000/app:1.0@sha256:" + "a".repeat(64)));
        assertEquals("latest", io.clusterimage.image.ImageReports.tagOf("localhost:5000/app@sha256:" + "a".repeat(64)));
    }
}
