package io.clusterimage.image;

import io.clusterimage.core.Platform;
import io.clusterimage.kubefile.Instruction;
import io.clusterimage.kubefile.Kubefile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

/**
 * COPY's {@code --chown} and {@code --chmod}: owners as uid and gid (names looked up in the base image, as
 * buildah does), modes as octal.
 */
final class CopyOwnership {

    private final Kubefile kubefile;
    private final BaseImages bases;

    CopyOwnership(Kubefile kubefile, BaseImages bases) {
        this.kubefile = kubefile;
        this.bases = bases;
    }

    /**
     * --chown as uid and gid. Names are looked up, as buildah does, in the {@code /etc/passwd} and
     * {@code /etc/group} of the image the stage is built FROM; a user without a group gets the
     * user's primary group (a numeric user: the same number).
     */
    int[] owner(Instruction.Copy copy, StageState state, int line, Platform platform) throws IOException, ImageBuildException {
        if (copy.chown() == null || copy.chown().isBlank()) {
            return new int[] {0, 0};
        }
        String[] parts = copy.chown().split(":", 2);
        int[] user = lookup(parts[0], "passwd", copy, state, line, platform);
        int gid = parts.length > 1 ? lookup(parts[1], "group", copy, state, line, platform)[0] : user[1];
        return new int[] {user[0], gid};
    }

    /** A numeric id, or a name's id (and for a user, its primary group) from the base image's file. */
    private int[] lookup(String value, String file, Instruction.Copy copy, StageState state, int line, Platform platform)
            throws IOException, ImageBuildException {
        if (value.matches("\\d+")) {
            int id = Integer.parseInt(value);
            return new int[] {id, id};
        }
        if (value.equals("root")) {
            return new int[] {0, 0};
        }
        if (state.baseName == null) {
            throw new ImageBuildException(kubefile.file(), line, copy.keyword() + " --chown=" + copy.chown() + ": names need the"
                    + " /etc/" + file + " of a base image, and this stage has none; write numeric ids (e.g. --chown=65532:65532)");
        }
        List<ContextFiles.Source> found = ContextFiles.ofImage(bases.extractedImage(state.baseName, line, platform)).resolve("etc/" + file);
        if (!found.isEmpty() && Files.isRegularFile(found.get(0).file())) {
            for (String entry : Files.readAllLines(found.get(0).file(), StandardCharsets.UTF_8)) {
                String[] fields = entry.split(":");
                if (fields.length >= 3 && fields[0].equals(value) && fields[2].matches("\\d+")) {
                    int id = Integer.parseInt(fields[2]);
                    return new int[] {id, fields.length >= 4 && fields[3].matches("\\d+") ? Integer.parseInt(fields[3]) : id};
                }
            }
        }
        throw new ImageBuildException(kubefile.file(), line, copy.keyword() + " --chown=" + copy.chown() + ": '" + value
                + "' is not in /etc/" + file + " of " + state.baseName + "; write numeric ids or a name the image has");
    }

    Integer chmod(Instruction.Copy copy, int line) throws ImageBuildException {
        if (copy.chmod() == null || copy.chmod().isBlank()) {
            return null;
        }
        if (!copy.chmod().matches("[0-7]{3,4}")) {
            throw new ImageBuildException(kubefile.file(), line, copy.keyword() + " --chmod=" + copy.chmod()
                    + " is not an octal mode; write e.g. --chmod=0755");
        }
        return Integer.parseInt(copy.chmod(), 8);
    }
}
