package io.clusterimage.core;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * An I/O error as a sentence. The JDK's file-system exceptions often carry nothing but the path as their
 * message ({@code NoSuchFileException: /x/app.tar}), which read after "package-image failed: " says neither
 * what happened nor what to look at.
 */
public final class IoErrors {

    private IoErrors() {
    }

    public static String describe(IOException e) {
        if (!(e instanceof FileSystemException fs) || fs.getReason() != null) {
            return String.valueOf(e.getMessage());
        }
        String what = e instanceof NoSuchFileException ? "no such file or directory"
                : e instanceof AccessDeniedException ? "permission denied"
                : e instanceof FileAlreadyExistsException ? "already exists"
                : e instanceof DirectoryNotEmptyException ? "directory not empty"
                : e instanceof NotDirectoryException ? "not a directory"
                : e.getClass().getSimpleName();
        return fs.getFile() + (fs.getOtherFile() != null ? " -> " + fs.getOtherFile() : "") + ": " + what;
    }
}
