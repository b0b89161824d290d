package io.clusterimage.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IoErrorsTest {

    @TempDir
    Path temp;

    @Test
    void aFileSystemErrorThatIsOnlyAPathSaysWhatHappened() throws IOException {
        Path missing = temp.resolve("app.tar");
        IOException noFile = assertThrows(IOException.class, () -> Files.newInputStream(missing));
        assertEquals(missing + ": no such file or directory", IoErrors.describe(noFile));

        Path dir = Files.createDirectories(temp.resolve("d"));
        Files.writeString(dir.resolve("f"), "x");
        IOException notEmpty = assertThrows(IOException.class, () -> Files.delete(dir));
        assertEquals(dir + ": directory not empty", IoErrors.describe(notEmpty));

        IOException exists = assertThrows(IOException.class, () -> Files.createDirectory(dir));
        assertEquals(dir + ": already exists", IoErrors.describe(exists));
    }

    @Test
    void aMessageWithAReasonOrAnotherErrorIsKept() {
        assertEquals("/a: Read-only file system", IoErrors.describe(new FileSystemException("/a", null, "Read-only file system")));
        assertEquals("connection reset", IoErrors.describe(new IOException("connection reset")));
    }
}
