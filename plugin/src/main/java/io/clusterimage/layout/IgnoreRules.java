package io.clusterimage.layout;

import io.clusterimage.layout.ignore.IgnoreFile;

import java.nio.file.Path;

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

    /** Rules of a .containerignore / .dockerignore file; paths are relative to the context, with '/'. */
    static IgnoreRules of(IgnoreFile file, Path context) {
        String name = context.relativize(file.source().toAbsolutePath().normalize()).toString();
        return new IgnoreRules() {
            public boolean isExcluded(String relativePath) {
                return file.isExcluded(relativePath);
            }

            public boolean mayContainIncluded(String relativeDirectory) {
                return file.mayContainIncluded(relativeDirectory);
            }

            public String describe() {
                return name;
            }
        };
    }

    boolean isExcluded(String relativePath);

    boolean mayContainIncluded(String relativeDirectory);

    /** The file name, for messages. */
    String describe();
}
