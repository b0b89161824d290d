package io.clusterimage.inventory;

import com.marcnuri.helm.jni.HelmLib;
import com.marcnuri.helm.jni.NativeLibrary;
import com.sun.jna.Native;
import io.clusterimage.core.AtomicFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.CodeSource;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * helm-java's native Helm, kept unpacked in the user cache. helm-java copies its ~100 MB library out of
 * its jar into a new temporary directory in every JVM (measured: about 0.7 s of every build with a
 * chart); here it is copied once per library and then loaded from where it lies.
 *
 * <p>Layout under the cache: {@code helm-java/<sha256 of the library>/<binary name>} holds the library,
 * written to a temporary file and renamed into place (two builds at once each write their own
 * temporary file; the first rename wins and both load the same bytes). {@code helm-java/jars/<key>}
 * remembers, for one jar (path, size and modification time), the sha256 of the library inside it, so a
 * later build neither reads the jar nor hashes the library again. A library file whose size is not
 * the one recorded (truncated, replaced) is not loaded: it is copied again.
 */
final class HelmLibrary {

    private HelmLibrary() {
    }

    /** Loads the library, from the cache when it holds it; {@code cacheRoot} is created when missing. */
    static HelmLib load(Path cacheRoot) throws IOException {
        return Native.load(locate(cacheRoot).toAbsolutePath().toString(), HelmLib.class);
    }

    /**
     * The library's file in the cache, copied there first when it is not (a JVM loads one copy of the Go
     * runtime at most, so this is what tests check; {@link #load} only adds the loading).
     */
    static Path locate(Path cacheRoot) throws IOException {
        NativeLibrary implementation = ServiceLoader.load(NativeLibrary.class, HelmLibrary.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new IOException("helm-java has no native library for this platform (" + System.getProperty("os.name")
                        + "/" + System.getProperty("os.arch") + "): charts cannot be rendered here"));
        String binary = implementation.getBinaryName();
        Path root = Files.createDirectories(cacheRoot.resolve("helm-java"));
        Optional<Path> jar = jarOf(implementation);
        Path memo = jar.flatMap(j -> memoKey(j, binary)).map(key -> root.resolve("jars").resolve(key)).orElse(null);
        if (memo != null && Files.isRegularFile(memo)) {
            String[] recorded = Files.readString(memo, StandardCharsets.UTF_8).strip().split(" ");
            Path library = root.resolve(recorded[0]).resolve(binary);
            if (recorded.length == 2 && Files.isRegularFile(library) && Long.toString(Files.size(library)).equals(recorded[1])) {
                return library;
            }
        }
        Path library = unpack(implementation, binary, root);
        if (memo != null) {
            Files.createDirectories(memo.getParent());
            AtomicFiles.write(memo, (library.getParent().getFileName() + " " + Files.size(library) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return library;
    }

    /** Copies the library out of its jar, hashing it on the way, to {@code <root>/<sha256>/<binary>}. */
    private static Path unpack(NativeLibrary implementation, String binary, Path root) throws IOException {
        Path temp = Files.createTempFile(root, ".unpack-", ".tmp");
        try {
            String hex;
            try (InputStream resource = implementation.getClass().getResourceAsStream("/" + binary)) {
                if (resource == null) {
                    throw new IOException("helm-java's jar has no " + binary);
                }
                MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                try (DigestInputStream in = new DigestInputStream(resource, sha256); OutputStream out = Files.newOutputStream(temp)) {
                    in.transferTo(out);
                }
                hex = HexFormat.of().formatHex(sha256.digest());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            Path target = root.resolve(hex).resolve(binary);
            if (Files.isRegularFile(target) && Files.size(target) == Files.size(temp)) {
                return target; // another build put it there first
            }
            Files.createDirectories(target.getParent());
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                // another build renamed its copy first: the same bytes, by their name
            }
            return target;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static Optional<Path> jarOf(NativeLibrary implementation) {
        try {
            CodeSource source = implementation.getClass().getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return Optional.empty();
            }
            Path path = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** Names one jar as it is now: a replaced or touched jar gets a new key, so its library is read again. */
    private static Optional<String> memoKey(Path jar, String binary) {
        try {
            String identity = jar.toAbsolutePath() + "|" + Files.size(jar) + "|" + Files.getLastModifiedTime(jar).toMillis() + "|" + binary;
            return Optional.of(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8))));
        } catch (IOException | NoSuchAlgorithmException e) {
            return Optional.empty(); // then the library is hashed again on every load: slower, never wrong
        }
    }
}
