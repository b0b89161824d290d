package io.clusterimage.maven;

import java.util.List;

/**
 * {@code <appImages><appImage><extraDirectories>}, named as jib-maven-plugin names it: directories whose
 * files are copied into the image as they are, and the modes of some of those files.
 * <pre>
 * &lt;extraDirectories&gt;
 *   &lt;paths&gt;&lt;path&gt;&lt;from&gt;src/main/jib&lt;/from&gt;&lt;into&gt;/&lt;/into&gt;&lt;/path&gt;&lt;/paths&gt;
 *   (or, as jib's short form, &lt;paths&gt;&lt;path&gt;src/main/jib&lt;/path&gt;&lt;/paths&gt;)
 *   &lt;permissions&gt;&lt;permission&gt;&lt;file&gt;/opt/run.sh&lt;/file&gt;&lt;mode&gt;755&lt;/mode&gt;&lt;/permission&gt;&lt;/permissions&gt;
 * &lt;/extraDirectories&gt;
 * </pre>
 */
public class AppImageExtraDirectories {
    /** The directories, each a layer on top of the application, in this order. */
    List<ExtraPath> paths;
    /** Modes of files of those directories (default 644, directories 755). */
    List<FilePermission> permissions;

    /** {@code <path>}: a directory of the project and where its content goes in the image. */
    public static class ExtraPath {
        /** The directory, relative to the project directory. */
        String from;
        /** The absolute path in the image its content goes to; default {@code /}. */
        String into;

        /**
         * jib-maven-plugin's short form, {@code <path>src/main/custom</path>}: the directory alone, into {@code /}.
         * Maven's configurator calls a method named {@code set} with the element's text.
         */
        public void set(String directory) {
            this.from = directory;
        }
    }

    /** {@code <permission>}: the octal mode of the files of the image path {@code file} (a glob) matches. */
    public static class FilePermission {
        /** A path in the image, e.g. {@code /opt/run.sh}, or a glob, e.g. {@code /opt/**}{@code /*.sh}. */
        String file;
        /** Three octal digits, e.g. {@code 755}. */
        String mode;
    }
}
