package io.clusterimage.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An OCI platform: {@code os/arch[/variant]}, as in {@code --platform} of docker and buildah.
 */
public record Platform(String os, String architecture, String variant) {

    public static final Platform LINUX_AMD64 = new Platform("linux", "amd64", "");

    public Platform {
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(architecture, "architecture");
        variant = variant == null ? "" : variant;
    }

    /**
     * Parses {@code linux/arm64}, {@code linux/arm/v7} or a bare architecture such as {@code arm64}
     * (taken as linux, which is what every cluster image targets).
     *
     * @throws IllegalArgumentException with a message that says which form is expected
     */
    public static Platform parse(String text) {
        String trimmed = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        String[] parts = trimmed.split("/", -1);
        for (String part : parts) {
            if (part.isEmpty() || !part.matches("[a-z0-9_.-]+")) {
                throw new IllegalArgumentException("'" + text + "' is not a platform; expected os/arch[/variant] such as linux/amd64 or linux/arm64");
            }
        }
        return switch (parts.length) {
            case 1 -> new Platform("linux", normalizeArch(parts[0]), "");
            case 2 -> new Platform(parts[0], normalizeArch(parts[1]), "");
            case 3 -> new Platform(parts[0], normalizeArch(parts[1]), parts[2]);
            default -> throw new IllegalArgumentException("'" + text + "' is not a platform; expected os/arch[/variant] such as linux/amd64 or linux/arm64");
        };
    }

    /**
     * Every platform of {@code entries}, each of which may list several comma-separated; linux/amd64 when
     * there is none.
     *
     * @throws IllegalArgumentException naming the entry that is not a platform
     */
    public static List<Platform> parseAll(List<String> entries) {
        List<Platform> result = new ArrayList<>();
        for (String entry : entries == null ? List.<String>of() : entries) {
            for (String single : entry.split(",")) {
                if (!single.isBlank()) {
                    result.add(parse(single));
                }
            }
        }
        return result.isEmpty() ? List.of(LINUX_AMD64) : result;
    }

    /** The machine this JVM runs on, in Go's architecture names (what BUILDPLATFORM means to buildah). */
    public static Platform host() {
        String arch = System.getProperty("os.arch", "amd64").toLowerCase(Locale.ROOT);
        String os = System.getProperty("os.name", "linux").toLowerCase(Locale.ROOT);
        String goOs = os.startsWith("mac") || os.startsWith("darwin") ? "darwin" : os.startsWith("windows") ? "windows" : "linux";
        return new Platform(goOs, normalizeArch(arch), "");
    }

    private static String normalizeArch(String arch) {
        return switch (arch) {
            case "x86_64", "x86-64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> arch;
        };
    }

    // Written out rather than generated: a record's generated equals/hashCode bootstrap through invokedynamic on
    // first call, and Platform, a map key in every goal, was the first record a build hashed — ~10 ms of method-handle
    // set-up in each Maven JVM (JFR of a no-op build).
    @Override
    public boolean equals(Object other) {
        return other instanceof Platform that && os.equals(that.os) && architecture.equals(that.architecture)
                && variant.equals(that.variant);
    }

    @Override
    public int hashCode() {
        return (os.hashCode() * 31 + architecture.hashCode()) * 31 + variant.hashCode();
    }

    @Override
    public String toString() {
        return variant.isEmpty() ? os + "/" + architecture : os + "/" + architecture + "/" + variant;
    }
}
