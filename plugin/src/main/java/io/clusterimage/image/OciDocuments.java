package io.clusterimage.image;

import io.clusterimage.core.JsonArray;
import io.clusterimage.core.JsonObject;
import io.clusterimage.core.JsonWriter;
import io.clusterimage.core.Platform;
import io.clusterimage.kubefile.Instruction;
import io.clusterimage.registry.Manifest;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OCI documents of a built image: its config (from the final stage's state), its manifest (with the
 * build's annotations) and, for several platforms, the index over them. The same state and options give
 * the same bytes.
 */
final class OciDocuments {

    static final String CONFIG = "application/vnd.oci.image.config.v1+json";

    private OciDocuments() {
    }


    static byte[] config(StageState state, List<Layer> layers, Platform platform, Instant created) throws IOException {
        JsonObject root = new JsonObject();
        root.put("created", timestamp(created));
        if (state.author != null) {
            root.put("author", state.author);
        }
        root.put("architecture", platform.architecture());
        root.put("os", platform.os());
        if (!platform.variant().isEmpty()) {
            root.put("variant", platform.variant());
        }
        JsonObject config = root.putObject("config");
        if (!state.user.isEmpty()) {
            config.put("User", state.user);
        }
        if (!state.exposedPorts.isEmpty()) {
            JsonObject ports = config.putObject("ExposedPorts");
            state.exposedPorts.forEach(port -> ports.putObject(port));
        }
        JsonArray env = config.putArray("Env");
        state.env.forEach((k, v) -> env.add(k + "=" + v));
        if (state.entrypoint != null) {
            JsonArray entrypoint = config.putArray("Entrypoint");
            state.entrypoint.forEach(entrypoint::add);
        }
        if (state.cmd != null) {
            JsonArray cmd = config.putArray("Cmd");
            state.cmd.forEach(cmd::add);
        }
        if (!state.volumes.isEmpty()) {
            JsonObject volumes = config.putObject("Volumes");
            state.volumes.forEach(volumes::putObject);
        }
        if (!state.workdir.isEmpty()) {
            config.put("WorkingDir", state.workdir);
        }
        if (!state.labels.isEmpty()) {
            JsonObject labels = config.putObject("Labels");
            new TreeMap<>(state.labels).forEach(labels::put);
        }
        if (state.stopSignal != null) {
            config.put("StopSignal", state.stopSignal);
        }
        if (state.healthcheck != null) {
            config.put("Healthcheck", state.healthcheck);
        }
        if (!state.onbuild.isEmpty()) {
            JsonArray onbuild = config.putArray("OnBuild");
            state.onbuild.forEach(onbuild::add);
        }
        JsonObject rootfs = root.putObject("rootfs");
        rootfs.put("type", "layers");
        JsonArray diffIds = rootfs.putArray("diff_ids");
        layers.forEach(layer -> diffIds.add(layer.diffId()));
        JsonArray history = root.putArray("history");
        history.addAll(state.history);
        return JsonWriter.compact(root);
    }

    static byte[] manifest(byte[] config, String configDigest, List<Layer> layers, Platform platform, StageState state,
                           ImageBuildOptions options) throws IOException {
        JsonObject manifest = new JsonObject();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", Manifest.OCI_MANIFEST);
        JsonObject configDescriptor = manifest.putObject("config");
        configDescriptor.put("mediaType", CONFIG);
        configDescriptor.put("digest", configDigest);
        configDescriptor.put("size", config.length);
        JsonArray layerArray = manifest.putArray("layers");
        for (Layer layer : layers) {
            JsonObject descriptor = layerArray.addObject();
            descriptor.put("mediaType", layer.mediaType());
            descriptor.put("digest", layer.digest());
            descriptor.put("size", layer.size());
        }
        Map<String, String> annotations = new TreeMap<>(options.annotations());
        annotations.put("org.opencontainers.image.created", timestamp(options.created()));
        if (state.baseName != null) {
            annotations.put("org.opencontainers.image.base.name", state.baseName);
            annotations.put("org.opencontainers.image.base.digest", state.baseDigest);
        }
        String lock = options.imagesLock().get(platform);
        if (lock != null && !lock.isEmpty()) {
            annotations.put("io.clusterimage.images.lock", lock);
        }
        JsonObject annotationNode = manifest.putObject("annotations");
        annotations.forEach(annotationNode::put);
        return JsonWriter.compact(manifest);
    }

    static byte[] index(List<PlatformImage> images, ImageBuildOptions options) throws IOException {
        JsonObject index = new JsonObject();
        index.put("schemaVersion", 2);
        index.put("mediaType", Manifest.OCI_INDEX);
        JsonArray manifests = index.putArray("manifests");
        for (PlatformImage image : images) {
            image.describeManifest(manifests.addObject());
        }
        JsonObject annotations = index.putObject("annotations");
        new TreeMap<>(options.annotations()).forEach(annotations::put);
        annotations.put("org.opencontainers.image.created", timestamp(options.created()));
        return JsonWriter.compact(index);
    }

    static Map<String, Object> healthcheck(Instruction.Healthcheck healthcheck) {
        Map<String, Object> result = new LinkedHashMap<>();
        if (healthcheck.isNone()) {
            result.put("Test", List.of("NONE"));
            return result;
        }
        List<String> test = new ArrayList<>();
        if (healthcheck.command().isExecForm()) {
            test.add("CMD");
            test.addAll(healthcheck.command().execForm());
        } else {
            test.add("CMD-SHELL");
            test.add(healthcheck.command().shellForm());
        }
        result.put("Test", test);
        healthcheck.options().forEach((k, v) -> {
            switch (k) {
                case "interval" -> result.put("Interval", durationNanos(v));
                case "timeout" -> result.put("Timeout", durationNanos(v));
                case "start-period" -> result.put("StartPeriod", durationNanos(v));
                case "start-interval" -> result.put("StartInterval", durationNanos(v));
                case "retries" -> result.put("Retries", Integer.parseInt(v));
                default -> { }
            }
        });
        return result;
    }

    private static long durationNanos(String value) {
        Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)").matcher(value);
        double nanos = 0;
        while (m.find()) {
            double amount = Double.parseDouble(m.group(1));
            nanos += switch (m.group(2)) {
                case "ms" -> amount * 1e6;
                case "s" -> amount * 1e9;
                case "m" -> amount * 60e9;
                default -> amount * 3600e9;
            };
        }
        return (long) nanos;
    }

    /** The build's one time, as every document writes it. */
    static String timestamp(Instant created) {
        return DateTimeFormatter.ISO_INSTANT.format(created.atOffset(ZoneOffset.UTC).toInstant());
    }
}
