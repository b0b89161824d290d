package io.clusterimage.kubefile;

import io.clusterimage.core.Finding;
import io.clusterimage.core.Utf8Problem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The text of a Kubefile, read as UTF-8 as BuildKit and buildah read it. Bytes that are not UTF-8
 * are an error at their line — the JDK's own message is {@code Input length = 1}, which names neither
 * the file nor the line — and are read as U+FFFD, so the rest of the file is still parsed and every
 * other problem reported in the same run.
 *
 * @param content the text
 * @param problem the first invalid byte sequence, as an error finding
 */
record KubefileText(String content, Optional<Finding> problem) {

    static KubefileText read(Path path, Path displayName) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        String content = new String(bytes, StandardCharsets.UTF_8);
        Optional<Utf8Problem> problem = Utf8Problem.find(bytes);
        if (problem.isEmpty()) {
            return new KubefileText(content, Optional.empty());
        }
        return new KubefileText(content, Optional.of(Finding.error("kubefile.encoding", displayName, problem.get().line(),
                "invalid UTF-8: " + problem.get().describe() + "; a Kubefile is read as UTF-8, as BuildKit and buildah read it",
                "save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8 " + displayName + ")")));
    }
}
