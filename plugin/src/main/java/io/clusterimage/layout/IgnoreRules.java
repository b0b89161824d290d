package io.clusterimage.layout;

/**
 * The build context's {@code .containerignore} / {@code .dockerignore}, as far as the checks need it.
 */
interface IgnoreRules {

    IgnoreRules NONE = new IgnoreRules() {
        public boolean isExcluded(String relativePath) {
            return false;
        }

        public boolean mayContainIncluded(String relativeDirectory) {
            return false;
        }

        public String describe() {
            return "no ignore file";
        }
    };

    boolean isExcluded(String relativePath);

    boolean mayContainIncluded(String relativeDirectory);

    /** The file name, for messages. */
    String describe();
}
