package io.clusterimage.fetch;

import java.nio.file.Path;

/**
 * Resolves Maven coordinates to a file, as Maven resolves dependencies (its local repository, settings
 * mirrors and credentials, {@code -o}). The fetch goal hands Maven's repository system in; the engine
 * knows no Maven types.
 */
@FunctionalInterface
public interface ArtifactResolver {

    /** For builds without Maven (tests, other tools): coordinates cannot be resolved. */
    ArtifactResolver NONE = (coordinates, element) -> {
        throw new FetchException(element + ": <artifact> " + coordinates + " needs Maven's repository system, which this build"
                + " does not have");
    };

    /**
     * @param coordinates {@code groupId:artifactId[:extension[:classifier]]:version}
     * @param element     the POM element, for messages
     * @return the resolved file (in Maven's local repository)
     */
    Path resolve(String coordinates, String element) throws FetchException;
}
