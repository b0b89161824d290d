package io.clusterimage.fetch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chart versions and the ranges a POM may ask for, as Helm reads them (Masterminds semver): an exact
 * version, {@code ^1.2.0} (same major; for 0.x the same minor), {@code ~1.2} (same minor),
 * {@code 1.2.x} / {@code 1.2.*} / {@code 1.2}, {@code *}, and comparisons ({@code >=1.0.0 <2.0.0},
 * comma or space between those that must all hold, {@code ||} between alternatives). A leading
 * {@code v} is ignored. Pre-releases match only a constraint that names one exactly.
 */
public final class Versions {

    private static final Pattern VERSION = Pattern.compile(
            "v?(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(?:-([0-9A-Za-z.-]+))?(?:\\+[0-9A-Za-z.-]+)?");
    private static final Pattern PARTIAL = Pattern.compile("v?(\\d+|[xX*])(?:\\.(\\d+|[xX*]))?(?:\\.(\\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?");
    private static final Pattern TERM = Pattern.compile("\\s*(>=|<=|!=|>|<|=|\\^|~>|~)?\\s*([^\\s,]+)");

    private Versions() {
    }

    /** A parsed version; {@code pre} is empty for a release. */
    public record Version(int major, int minor, int patch, String pre, String text) implements Comparable<Version> {
        @Override
        public int compareTo(Version other) {
            int c = Integer.compare(major, other.major);
            c = c != 0 ? c : Integer.compare(minor, other.minor);
            c = c != 0 ? c : Integer.compare(patch, other.patch);
            if (c != 0) {
                return c;
            }
            if (pre.isEmpty() || other.pre.isEmpty()) {
                return pre.isEmpty() == other.pre.isEmpty() ? 0 : pre.isEmpty() ? 1 : -1; // a release is above its pre-releases
            }
            return comparePre(pre, other.pre);
        }
    }

    public static Optional<Version> parse(String text) {
        Matcher m = VERSION.matcher(text.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Version(Integer.parseInt(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), m.group(4) == null ? "" : m.group(4), text.strip()));
    }

    /** Whether the text is a range rather than one exact version. */
    public static boolean isRange(String constraint) {
        String c = constraint.strip();
        return !VERSION.matcher(c).matches() || c.matches("v?\\d+(\\.\\d+)?");
    }

    /** Whether {@code version} satisfies {@code constraint}; an exact constraint is compared as written too. */
    public static boolean satisfies(String constraint, String version) {
        if (constraint.strip().equals(version.strip())) {
            return true;
        }
        Optional<Version> parsed = parse(version);
        return parsed.isPresent() && matches(constraint, parsed.get());
    }

    /** The highest of {@code versions} that satisfies {@code constraint}. */
    public static Optional<String> highest(String constraint, List<String> versions) {
        return versions.stream().filter(v -> satisfies(constraint, v))
                .map(v -> parse(v).orElse(null)).filter(v -> v != null)
                .max(Comparator.naturalOrder()).map(Version::text)
                .or(() -> versions.stream().filter(v -> v.strip().equals(constraint.strip())).findFirst());
    }

    /** Up to {@code limit} versions closest to the constraint's own version, highest first, for an error message. */
    public static List<String> nearest(String constraint, List<String> versions, int limit) {
        Matcher m = PARTIAL.matcher(constraint.replaceAll("^[\\s<>=!^~]+", "").split("[\\s,|]")[0]);
        List<Version> parsed = versions.stream().map(Versions::parse).flatMap(Optional::stream).sorted(Comparator.reverseOrder()).toList();
        if (!m.matches() || !m.group(1).matches("\\d+")) {
            return parsed.stream().limit(limit).map(Version::text).toList();
        }
        Version target = new Version(Integer.parseInt(m.group(1)), number(m.group(2)), number(m.group(3)), "", "");
        return parsed.stream().sorted(Comparator.comparingLong((Version v) -> distance(v, target)).thenComparing(Comparator.reverseOrder()))
                .limit(limit).sorted(Comparator.reverseOrder()).map(Version::text).toList();
    }

    private static long distance(Version a, Version b) {
        return Math.abs((long) a.major - b.major) * 1_000_000L + Math.abs((long) a.minor - b.minor) * 1_000L + Math.abs((long) a.patch - b.patch);
    }

    private static int number(String group) {
        return group == null || !group.matches("\\d+") ? 0 : Integer.parseInt(group);
    }

    private static boolean matches(String constraint, Version version) {
        for (String alternative : constraint.split("\\|\\|")) {
            if (allHold(alternative.strip(), version)) {
                return true;
            }
        }
        return false;
    }

    private static boolean allHold(String terms, Version version) {
        if (terms.isEmpty()) {
            return false;
        }
        // "1.2 - 1.4.5": a hyphen range
        Matcher hyphen = Pattern.compile("(\\S+)\\s+-\\s+(\\S+)").matcher(terms);
        if (hyphen.matches()) {
            return allHold(">=" + hyphen.group(1) + " <=" + hyphen.group(2), version);
        }
        Matcher term = TERM.matcher(terms);
        boolean any = false;
        boolean namesPre = false;
        List<boolean[]> results = new ArrayList<>();
        while (term.find()) {
            any = true;
            String op = term.group(1) == null ? "" : term.group(1);
            Matcher m = PARTIAL.matcher(term.group(2));
            if (!m.matches()) {
                return false;
            }
            if (m.group(4) != null) {
                namesPre = namesPre || (number(m.group(1)) == version.major && number(m.group(2)) == version.minor
                        && number(m.group(3)) == version.patch);
            }
            results.add(new boolean[]{holds(op, m, version)});
        }
        if (!any || (!version.pre.isEmpty() && !namesPre)) {
            return false;
        }
        return results.stream().allMatch(r -> r[0]);
    }

    private static boolean holds(String op, Matcher m, Version v) {
        boolean wildMajor = !m.group(1).matches("\\d+");
        boolean wildMinor = m.group(2) == null || !m.group(2).matches("\\d+");
        boolean wildPatch = m.group(3) == null || !m.group(3).matches("\\d+");
        int major = number(m.group(1));
        int minor = number(m.group(2));
        int patch = number(m.group(3));
        Version low = new Version(major, minor, patch, m.group(4) == null ? "" : m.group(4), "");
        if (wildMajor) {
            return true;
        }
        switch (op) {
            case "^" -> {
                // ^1.2.3: <2.0.0; ^0.2.3: <0.3.0; ^0.0.3: <0.0.4 (Masterminds semver v3)
                Version high = major > 0 || wildMinor ? new Version(major + 1, 0, 0, "", "")
                        : minor > 0 || wildPatch ? new Version(0, minor + 1, 0, "", "") : new Version(0, 0, patch + 1, "", "");
                return v.compareTo(low) >= 0 && below(v, high);
            }
            case "~", "~>" -> {
                Version high = wildMinor ? new Version(major + 1, 0, 0, "", "") : new Version(major, minor + 1, 0, "", "");
                return v.compareTo(low) >= 0 && below(v, high);
            }
            case ">" -> {
                Version bound = wildMinor ? new Version(major + 1, 0, 0, "", "") : wildPatch ? new Version(major, minor + 1, 0, "", "") : low;
                return wildMinor || wildPatch ? v.compareTo(bound) >= 0 : v.compareTo(bound) > 0;
            }
            case ">=" -> {
                return v.compareTo(low) >= 0;
            }
            case "<" -> {
                return below(v, low);
            }
            case "<=" -> {
                Version bound = wildMinor ? new Version(major + 1, 0, 0, "", "") : wildPatch ? new Version(major, minor + 1, 0, "", "") : null;
                return bound != null ? below(v, bound) : v.compareTo(low) <= 0;
            }
            case "!=" -> {
                return !equalsPartial(v, major, minor, patch, wildMinor, wildPatch, low.pre());
            }
            default -> {
                return equalsPartial(v, major, minor, patch, wildMinor, wildPatch, low.pre());
            }
        }
    }

    /** Below a bound; a pre-release of the bound itself counts as below it only by version order. */
    private static boolean below(Version v, Version bound) {
        return v.compareTo(bound) < 0 && !(v.major == bound.major && v.minor == bound.minor && v.patch == bound.patch && !v.pre.isEmpty()
                && bound.pre.isEmpty());
    }

    private static boolean equalsPartial(Version v, int major, int minor, int patch, boolean wildMinor, boolean wildPatch, String pre) {
        return v.major == major && (wildMinor || v.minor == minor) && (wildMinor || wildPatch || v.patch == patch)
                && (wildMinor || wildPatch ? true : v.pre.equals(pre));
    }

    private static int comparePre(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            boolean xn = x[i].matches("\\d+");
            boolean yn = y[i].matches("\\d+");
            int c = xn && yn ? Long.compare(Long.parseLong(x[i]), Long.parseLong(y[i])) : xn ? -1 : yn ? 1 : x[i].compareTo(y[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }
}
