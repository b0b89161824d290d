package io.clusterimage.image;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Everything a stage has set so far: the image config being built and the stage's files. */
final class StageState {
    final Map<String, String> env = new LinkedHashMap<>();
    final Map<String, String> labels = new LinkedHashMap<>();
    List<String> cmd;
    /** Whether CMD was set in this stage (not inherited): a later ENTRYPOINT keeps it. */
    boolean cmdSetHere;
    List<String> entrypoint;
    List<String> shell = List.of("/bin/sh", "-c");
    String workdir = "";
    String user = "";
    /** MAINTAINER: the config's author. */
    String author;
    /** Built FROM an image: {@link #files} does not know the base image's files. */
    boolean fromImage;
    /** The image the stage's layers start from (FROM an image, directly or through an earlier stage), or null. */
    String baseName;
    /** That image's manifest digest for the platform being built. */
    String baseDigest;
    final TreeSet<String> exposedPorts = new TreeSet<>();
    final TreeSet<String> volumes = new TreeSet<>();
    String stopSignal;
    Map<String, Object> healthcheck;
    final List<String> onbuild = new ArrayList<>();
    final List<StageLayer> layers = new ArrayList<>();
    final List<Map<String, Object>> history = new ArrayList<>();
    /** The stage's file system (for COPY --from=stage): image path → entry, later layers winning. */
    final TreeMap<String, FileEntry> files = new TreeMap<>();

    StageState copy() {
        StageState copy = new StageState();
        copy.env.putAll(env);
        copy.labels.putAll(labels);
        copy.cmd = cmd;
        copy.entrypoint = entrypoint;
        copy.shell = shell;
        copy.workdir = workdir;
        copy.user = user;
        copy.author = author;
        copy.fromImage = fromImage;
        copy.baseName = baseName;
        copy.baseDigest = baseDigest;
        copy.exposedPorts.addAll(exposedPorts);
        copy.volumes.addAll(volumes);
        copy.stopSignal = stopSignal;
        copy.healthcheck = healthcheck;
        copy.onbuild.addAll(onbuild);
        copy.layers.addAll(layers);
        copy.history.addAll(history);
        copy.files.putAll(files);
        return copy;
    }
}
