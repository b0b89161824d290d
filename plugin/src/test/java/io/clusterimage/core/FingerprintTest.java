package io.clusterimage.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The up-to-date checks' fingerprint of a tree: unchanged files give the same value without being read; a file
 * replaced by another of the same size and modification time, or touched within the same millisecond, does not.
 */
class FingerprintTest {

    @TempDir
    Path dir;

    private String of(Path root) throws Exception {
        return new Fingerprint("test").addTree(root, path -> path.getFileName().toString().equals("target")).value();
    }

    @Test
    void sameFilesSameValueAndEveryKindOfChangeIsNoticed() throws Exception {
        Path root = Files.createDirectories(dir.resolve("context"));
        Path file = Files.writeString(root.resolve("manifest.yaml"), "kind: Pod\n");
        FileTime time = FileTime.from(Instant.parse("2026-01-01T00:00:00.000000100Z"));
        Files.setLastModifiedTime(file, time);
        String first = of(root);
        assertEquals(first, of(root), "nothing changed");

        Files.createDirectories(root.resolve("target/classes"));
        Files.writeString(root.resolve("target/classes/x"), "build output");
        assertEquals(first, of(root), "an excluded directory is not part of it");

        // another file of the same size and time moved over it (what an mtime-preserving copy or checkout does)
        Path other = Files.writeString(dir.resolve("other.yaml"), "kind: Job\n");
        Files.setLastModifiedTime(other, time);
        Files.move(other, file, StandardCopyOption.REPLACE_EXISTING);
        assertEquals(time, Files.getLastModifiedTime(file));
        String replaced = of(root);
        assertNotEquals(first, replaced, "same size and time, another file");

        // the same millisecond, another nanosecond
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00.000000200Z")));
        assertNotEquals(replaced, of(root), "a time that differs below the millisecond");
    }

    private String byContent(Path root, Path outputs) throws Exception {
        Fingerprint fingerprint = new Fingerprint("test").byContent(ContentMemo.load(outputs), outputs)
                .addTree(root, path -> false);
        ContentMemo.load(outputs); // a second reader while the first has not saved: harmless
        return fingerprint.value();
    }

    /** By content: a file saved again unchanged, or put back by a checkout, leaves the value as it was; an edit does not. */
    @Test
    void byContentATouchOrACopyOfTheSameBytesIsNoChange() throws Exception {
        Path root = Files.createDirectories(dir.resolve("context"));
        Path outputs = dir.resolve("out");
        Path file = Files.writeString(root.resolve("manifest.yaml"), "kind: Pod\n");
        ContentMemo memo = ContentMemo.load(outputs);
        String first = new Fingerprint("test").byContent(memo, outputs).addTree(root, path -> false).value();
        memo.save();
        assertTrue(Files.isRegularFile(outputs.resolve(ContentMemo.FILE_NAME)), "the memo is kept for the next build");

        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));
        assertEquals(first, byContent(root, outputs), "touched, same bytes");
        Path copy = Files.writeString(dir.resolve("copy.yaml"), "kind: Pod\n");
        Files.move(copy, file, StandardCopyOption.REPLACE_EXISTING);
        assertEquals(first, byContent(root, outputs), "another file with the same bytes");

        Files.writeString(file, "kind: Job\n"); // same size, other bytes
        assertNotEquals(first, byContent(root, outputs), "edited");
        Files.writeString(root.resolve("new.yaml"), "");
        Files.writeString(file, "kind: Pod\n");
        assertNotEquals(first, byContent(root, outputs), "a new file");
    }

    /** The memo is what makes it cheap: a file whose identity is the one recorded is not read again. */
    @Test
    void byContentAFileWithTheRecordedIdentityIsNotReadAgain() throws Exception {
        Path root = Files.createDirectories(dir.resolve("context"));
        Path outputs = dir.resolve("out");
        Path file = Files.writeString(root.resolve("big.bin"), "aaaa");
        FileTime time = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));
        Files.setLastModifiedTime(file, time);
        ContentMemo memo = ContentMemo.load(outputs);
        String first = new Fingerprint("test").byContent(memo, outputs).addTree(root, path -> false).value();
        memo.save();
        // the bytes change in place with size and time kept (nothing but a deliberate `touch -r` does this): the
        // memo answers, so the value is the old one; a damaged memo makes it read the file again
        Files.writeString(file, "bbbb");
        Files.setLastModifiedTime(file, time);
        assertEquals(first, byContent(root, outputs));
        Files.writeString(outputs.resolve(ContentMemo.FILE_NAME), "garbage\tline\n\u0000");
        assertNotEquals(first, byContent(root, outputs));
    }

    /** The plugin's own outputs count by identity: hashing the registry trees would cost a cold build their size again. */
    @Test
    void byContentTheOwnOutputsStayByIdentity() throws Exception {
        Path outputs = Files.createDirectories(dir.resolve("out"));
        Path tree = Files.createDirectories(outputs.resolve("registry"));
        Path blob = Files.writeString(tree.resolve("data"), "layer");
        String first = byContent(tree, outputs);
        Files.setLastModifiedTime(blob, FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));
        assertNotEquals(first, byContent(tree, outputs));
        assertFalse(Files.exists(outputs.resolve(ContentMemo.FILE_NAME)), "nothing of the outputs was hashed");
    }

    /** Entries whose plain concatenation would read alike (a newline or '=' inside a value or key) stay different. */
    @Test
    void entriesThatWouldReadAlikeStayDifferent() throws Exception {
        Fingerprint oneValue = new Fingerprint("test").add("a", "x\nb=y");
        Fingerprint twoEntries = new Fingerprint("test").add("a", "x").add("b", "y");
        assertNotEquals(oneValue.value(), twoEntries.value());
        Path stamp = dir.resolve("a.fingerprint");
        oneValue.record(stamp);
        assertTrue(oneValue.matches(stamp, java.util.List.of()));
        assertFalse(twoEntries.matches(stamp, java.util.List.of()), "the record is compared exactly");

        assertNotEquals(new Fingerprint("test").add("a=b", "c").value(), new Fingerprint("test").add("a", "b=c").value());
        assertNotEquals(new Fingerprint("test").add("a", "\\n").value(), new Fingerprint("test").add("a", "\n").value());
    }

    /** A file's bytes count exactly, whatever they are: two files that differ in one non-UTF-8 byte differ. */
    @Test
    void contentCountsByteForByte() throws Exception {
        Path a = Files.write(dir.resolve("a.key"), new byte[] {(byte) 0xC3, (byte) 0x28, '\n'});
        Path b = Files.write(dir.resolve("b.key"), new byte[] {(byte) 0xC3, (byte) 0x29, '\n'});
        Path stamp = dir.resolve("key.fingerprint");
        new Fingerprint("test").addContent(a).record(stamp);
        Files.move(b, a, StandardCopyOption.REPLACE_EXISTING);
        assertFalse(new Fingerprint("test").addContent(a).matches(stamp, java.util.List.of()));
        Files.write(a, new byte[] {(byte) 0xC3, (byte) 0x28, '\n'});
        assertTrue(new Fingerprint("test").addContent(a).matches(stamp, java.util.List.of()), "the same bytes again");
    }

    /** What the log says when a goal runs again: the files and parameters that changed, were added or are gone. */
    @Test
    void changesSinceNamesWhatChanged() throws Exception {
        Path root = Files.createDirectories(dir.resolve("context/manifests"));
        Files.writeString(root.resolve("a.yaml"), "kind: Pod\n");
        Files.writeString(root.resolve("b.yaml"), "kind: Job\n");
        Path stamp = dir.resolve("out/goal.fingerprint");
        assertEquals("", new Fingerprint("test").addTree(root, p -> false).changesSince(stamp, dir), "no record yet: nothing to name");
        new Fingerprint("test").add("imageName", "app:1").addTree(root, p -> false).record(stamp);
        assertEquals("", new Fingerprint("test").add("imageName", "app:1").addTree(root, p -> false).changesSince(stamp, dir));

        Files.writeString(root.resolve("a.yaml"), "kind: Pod # edited\n");
        Files.delete(root.resolve("b.yaml"));
        Files.writeString(root.resolve("c.yaml"), "kind: Service\n");
        String changes = new Fingerprint("test").add("imageName", "app:2").addTree(root, p -> false).changesSince(stamp, dir);
        assertTrue(changes.startsWith("imageName, "), changes);
        assertTrue(changes.contains("context/manifests/a.yaml"), changes);
        assertTrue(changes.contains("context/manifests/c.yaml (new)"), changes);
        assertTrue(changes.endsWith(" and 1 more"), "three named, the rest counted: " + changes); // b.yaml (gone)
        new Fingerprint("test").addTree(root, p -> false).record(stamp);
        Files.delete(root.resolve("c.yaml"));
        assertEquals("context/manifests/c.yaml (gone)", new Fingerprint("test").addTree(root, p -> false).changesSince(stamp, dir));

        Files.writeString(stamp, "0123abcd\n"); // a digest, as plugins before the text record wrote
        assertEquals("", new Fingerprint("test").add("imageName", "app:2").changesSince(stamp, dir));
    }

    @Test
    void valuesComeBackAsTheyWereAddedWhateverTheyHold() {
        String record = new Fingerprint("test").add("input", "/ctx/a=b").add("other", "x").add("input", "line\nbreak \\ back")
                .add("in=put", "not an input").text();
        assertEquals(List.of("/ctx/a=b", "line\nbreak \\ back"), Fingerprint.values(record, "input"));
        assertEquals(List.of("not an input"), Fingerprint.values(record, "in=put"));
        assertEquals(List.of(), Fingerprint.values(record, "missing"));
    }
}
