package io.clusterimage.reference;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A container image reference such as {@code nginx:1.25} or
 * {@code quay.io/cilium/cilium:v1.12.0@sha256:…}, parsed and normalised the way Docker does it.
 *
 * <p>This is a port of {@code ParseNormalizedNamed}, {@code FamiliarString} and {@code TagNameOnly}
 * from <a href="https://github.com/distribution/reference">github.com/distribution/reference</a>
 * (v0.6.0), with digest validation as done by {@code github.com/opencontainers/go-digest} v1.0.0.
 * The grammar is
 *
 * <pre>
 *  reference        := name [ ":" tag ] [ "@" digest ]
 *  name             := [ domain "/" ] path
 *  domain           := host [ ":" port ]
 *  host             := domain-name | "[" ipv6 "]"
 *  domain-name      := domain-component [ "." domain-component ]*
 *  domain-component := /[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]/
 *  port             := /[0-9]+/
 *  ipv6             := /[a-fA-F0-9:]+/
 *  path             := path-component [ "/" path-component ]*
 *  path-component   := /[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*&#47;
 *  tag              := /[\w][\w.-]{0,127}/
 *  digest           := /[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}/
 * </pre>
 *
 * <p>and a digest must moreover use a known algorithm with the right number of lowercase hex
 * digits (sha256: 64, sha384: 96, sha512: 128).
 *
 * <p>Normalisation, as in Docker: the first path element is a registry domain only if it contains
 * {@code .} or {@code :}, is {@code localhost}, or contains an uppercase letter; otherwise the
 * reference is on Docker Hub ({@code docker.io}). {@code index.docker.io} is rewritten to
 * {@code docker.io}, and a one-element Docker Hub path gets the {@code library/} prefix.
 *
 * <p>Instances are immutable. Two references are equal when their {@linkplain #canonical()
 * canonical forms} are equal, so {@code nginx} equals {@code docker.io/library/nginx:latest}.
 */
public final class ImageReference {

    /** The registry that names without a domain belong to. */
    static final String DEFAULT_DOMAIN = "docker.io";

    /** Docker Hub's old "index" name, accepted and rewritten to {@link #DEFAULT_DOMAIN}. */
    static final String LEGACY_DEFAULT_DOMAIN = "index.docker.io";

    /** Namespace of Docker Hub's official images: {@code nginx} is {@code library/nginx}. */
    static final String OFFICIAL_REPO_PREFIX = "library/";

    /** Tag implied when a reference names neither tag nor digest. */
    static final String DEFAULT_TAG = "latest";

    /** Always a domain, even though it has neither a dot nor a port. */
    static final String LOCALHOST = "localhost";

    /**
     * Maximum length of the repository path. Since distribution/reference v0.6.0 the domain does
     * not count (before, the whole name did); the {@code library/} prefix added by normalisation
     * does count.
     */
    static final int MAX_PATH_LENGTH = 255;

    /** Tags are 1 to 128 characters long. */
    static final int MAX_TAG_LENGTH = 128;

    // ---- grammar pieces. Each is matched against one piece that has already been cut out of the
    // reference, with matches() (never find()): Java's "$" would also match before a final
    // newline, Go's does not.
    //
    // Domains and path components are checked by the small scanners isDomain and isPathComponent
    // below instead of by the regular expressions in the class comment: java.util.regex recurses
    // once per repetition of a group, so "a.a.a.a…" a few thousand elements long would end in a
    // StackOverflowError instead of an InvalidReferenceException.

    /** Java's \w is ASCII-only unless UNICODE_CHARACTER_CLASS is set, like Go's; spelt out anyway. */
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");

    /** An image ID: 64 lowercase hex digits, which Docker refuses as a repository name. */
    private static final Pattern IDENTIFIER = Pattern.compile("[a-f0-9]{64}");

    /**
     * The algorithms go-digest v1.0.0 knows (what Docker and sealos link against), with the number
     * of hex digits each one's encoding must have. Newer go-digest versions register only sha256
     * and sha512 by default.
     */
    private static final Map<String, Integer> DIGEST_HEX_LENGTHS = Map.of("sha256", 64, "sha384", 96, "sha512", 128);

    private final String text;
    private final String domain;
    private final String path;
    private final String tag;
    private final String digest;

    private ImageReference(String text, String domain, String path, String tag, String digest) {
        this.text = text;
        this.domain = domain;
        this.path = path;
        this.tag = tag;
        this.digest = digest;
    }

    /**
     * Parses a reference as Docker's {@code ParseNormalizedNamed} does: familiar forms such as
     * {@code nginx} or {@code bitnami/etcd:3.5} are accepted and normalised to
     * {@code docker.io/library/nginx} and {@code docker.io/bitnami/etcd:3.5}.
     *
     * <p>No trimming is done: surrounding whitespace is an error, as it is for Docker.
     *
     * @param text the reference as written
     * @return the parsed reference
     * @throws InvalidReferenceException if {@code text} is not a valid reference; the message says why
     * @throws NullPointerException if {@code text} is null
     */
    public static ImageReference parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) {
            throw invalid(text, "the reference is empty");
        }
        // Not part of the grammar as such, but every character outside this alphabet makes the
        // reference invalid anyway, and naming it is far more helpful than "invalid format".
        checkAlphabet(text);

        // A bare image ID could otherwise be read as docker.io/library/<id>. Only the whole text
        // is checked: "<id>:tag" or "docker.io/<id>" are valid names.
        if (IDENTIFIER.matcher(text).matches()) {
            throw invalid(text, "repository name must not be a 64-hex-digit image ID");
        }

        String[] split = splitDockerDomain(text);
        String domain = split[0];
        String remainder = split[1];

        // Docker checks the remote name (remainder up to the first ':') for uppercase here, to
        // give a better message than "invalid reference format". We also stop at '@', so that an
        // uppercase digest algorithm ("@SHA256:…") is reported as a digest problem; such a
        // digest is rejected either way, so this changes messages only, never acceptance.
        String remote = remainder.substring(0, indexOfAny(remainder, ':', '@'));
        if (!remote.equals(remote.toLowerCase(Locale.ROOT))) {
            throw invalid(text, "repository name must be lowercase (" + remote + ")");
        }

        return parseNormalized(text, domain + "/" + remainder);
    }

    /**
     * Decides which registry a reference belongs to, like Docker's {@code splitDockerDomain}.
     * Returns {domain, remainder}, where the remainder still carries any tag or digest.
     */
    private static String[] splitDockerDomain(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            // A single element ("nginx", "nginx:1.25") is always an official Docker Hub image.
            // This is why "localhost:5000" parses as docker.io/library/localhost with tag 5000,
            // and "example.com" as docker.io/library/example.com.
            return new String[] {DEFAULT_DOMAIN, OFFICIAL_REPO_PREFIX + text};
        }
        String first = text.substring(0, slash);
        String rest = text.substring(slash + 1);
        String domain;
        String remainder;
        if (first.equals(LOCALHOST)) {
            domain = first;
            remainder = rest;
        } else if (first.equals(LEGACY_DEFAULT_DOMAIN)) {
            domain = DEFAULT_DOMAIN;
            remainder = rest;
        } else if (first.indexOf('.') >= 0 || first.indexOf(':') >= 0) {
            // Looks like a host name, an IP address or host:port.
            domain = first;
            remainder = rest;
        } else if (!first.equals(first.toLowerCase(Locale.ROOT))) {
            // Uppercase is never allowed in a path, so an uppercase first element can only be a
            // host ("LOCALDOMAIN/debian").
            domain = first;
            remainder = rest;
        } else {
            domain = DEFAULT_DOMAIN;
            remainder = text;
        }
        if (domain.equals(DEFAULT_DOMAIN) && remainder.indexOf('/') < 0) {
            // "docker.io/nginx" is "docker.io/library/nginx"; only on Docker Hub.
            remainder = OFFICIAL_REPO_PREFIX + remainder;
        }
        return new String[] {domain, remainder};
    }

    /**
     * Parses {@code qualified}, which is "domain/remainder" after normalisation, against the
     * grammar (Docker's {@code Parse}). The reference grammar is one anchored regular expression
     * in Go; here it is taken apart step by step so that every failure can say which part was wrong.
     * That is safe because the separators are unambiguous: '@' occurs only before the digest, a
     * ':' after the last '/' can only start the tag (paths have no ':', and a port is always
     * followed by '/'), and the domain cannot contain '/'.
     */
    private static ImageReference parseNormalized(String text, String qualified) {
        int at = qualified.indexOf('@');
        String nameAndTag = at < 0 ? qualified : qualified.substring(0, at);
        String digest = at < 0 ? null : qualified.substring(at + 1);

        int tagColon = nameAndTag.indexOf(':', nameAndTag.lastIndexOf('/') + 1);
        String name = tagColon < 0 ? nameAndTag : nameAndTag.substring(0, tagColon);
        String tag = tagColon < 0 ? null : nameAndTag.substring(tagColon + 1);

        String[] domainAndPath = splitName(text, name);
        String domain = domainAndPath[0];
        String path = domainAndPath[1];

        if (path.length() > MAX_PATH_LENGTH) {
            throw invalid(text, "repository name must not be more than " + MAX_PATH_LENGTH
                    + " characters (" + path.length() + " in '" + abbreviate(path) + "')");
        }
        if (tag != null) {
            checkTag(text, tag);
        }
        if (digest != null) {
            checkDigest(text, digest);
        }
        return new ImageReference(text, domain, path, tag, digest);
    }

    /**
     * Splits a name into domain and path. The grammar's domain is optional, so when the first
     * element is not a valid host the whole name may still be a valid path. That happens for
     * e.g. "my_registry.local/app": the element has a '.' so Docker takes it for a domain, but
     * '_' is not allowed in a host, while "my_registry.local/app" is a fine path. Docker then
     * returns a name with an EMPTY domain, and so do we (see {@link #domain()}).
     */
    private static String[] splitName(String text, String name) {
        int slash = name.indexOf('/');
        if (slash > 0) {
            String first = name.substring(0, slash);
            String rest = name.substring(slash + 1);
            if (isDomain(first) && isPath(rest)) {
                return new String[] {first, rest};
            }
        }
        if (isPath(name)) {
            return new String[] {"", name};
        }
        // Invalid either way: blame the path if it is bad after the first element, else the first
        // element, which is then neither a host nor (else the whole name would be a path) a path
        // component. Say both when both readings were possible.
        if (slash > 0 && !isDomain(name.substring(0, slash)) && isPath(name.substring(slash + 1))) {
            String first = name.substring(0, slash);
            String hostHint = "a registry host is a host name or IPv4 address, or an IPv6 address in"
                    + " brackets, optionally followed by ':<port>'";
            boolean hostOnlyCharacters = first.chars().anyMatch(c -> c == ':' || c == '[' || c == ']'
                    || (c >= 'A' && c <= 'Z'));
            if (hostOnlyCharacters) {
                throw invalid(text, "invalid registry host '" + first + "': " + hostHint);
            }
            throw invalid(text, "'" + first + "' is neither a valid registry host nor a valid repository"
                    + " path component; " + hostHint);
        }
        throw pathProblem(text, slash > 0 ? name.substring(slash + 1) : name);
    }

    private static boolean isPath(String path) {
        if (path.isEmpty()) {
            return false;
        }
        // split(-1) keeps trailing empty strings, so "a/" yields an empty component.
        for (String component : path.split("/", -1)) {
            if (!isPathComponent(component)) {
                return false;
            }
        }
        return true;
    }

    /**
     * domain := host [":" port]; host is a domain name (dot-separated components of letters,
     * digits and inner '-') or an IPv6 address of hex digits and ':' in brackets; port is digits.
     * This admits things DNS would not (all-numeric names, "999.999.999.999") and refuses IPv6
     * zones ("%eth0") and embedded IPv4 ("::ffff:1.2.3.4"), exactly like the Go grammar.
     */
    private static boolean isDomain(String s) {
        String host = s;
        String port = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                return false;
            }
            host = s.substring(0, close + 1);
            String after = s.substring(close + 1);
            if (!after.isEmpty()) {
                if (after.charAt(0) != ':') {
                    return false;
                }
                port = after.substring(1);
            }
            if (host.length() < 3 || !allMatch(host.substring(1, host.length() - 1), "0123456789abcdefABCDEF:")) {
                return false;
            }
        } else {
            int colon = s.indexOf(':');
            if (colon >= 0) {
                host = s.substring(0, colon);
                port = s.substring(colon + 1);
            }
            for (String component : host.split("\\.", -1)) {
                if (!isDomainComponent(component)) {
                    return false;
                }
            }
        }
        return port == null || (!port.isEmpty() && allMatch(port, "0123456789"));
    }

    /** [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9] */
    private static boolean isDomainComponent(String c) {
        if (c.isEmpty() || c.charAt(0) == '-' || c.charAt(c.length() - 1) == '-') {
            return false;
        }
        for (int i = 0; i < c.length(); i++) {
            char ch = c.charAt(i);
            if (!isAsciiLetterOrDigit(ch) && ch != '-') {
                return false;
            }
        }
        return true;
    }

    /**
     * [a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)* : runs of lowercase letters and digits, each pair
     * joined by exactly one '.', one '_', two '_' or any number of '-'.
     */
    private static boolean isPathComponent(String c) {
        int i = 0;
        int n = c.length();
        while (true) {
            int runStart = i;
            while (i < n && isLowerAlnum(c.charAt(i))) {
                i++;
            }
            if (i == runStart) {
                return false; // empty, leading separator, or a separator not followed by a letter/digit
            }
            if (i == n) {
                return true;
            }
            char sep = c.charAt(i++);
            if (sep == '_') {
                if (i < n && c.charAt(i) == '_') {
                    i++; // "__"
                }
            } else if (sep == '-') {
                while (i < n && c.charAt(i) == '-') {
                    i++;
                }
            } else if (sep != '.') {
                return false;
            }
        }
    }

    private static boolean isLowerAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static boolean allMatch(String s, String allowed) {
        for (int i = 0; i < s.length(); i++) {
            if (allowed.indexOf(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    private static InvalidReferenceException pathProblem(String text, String path) {
        for (String component : path.split("/", -1)) {
            if (component.isEmpty()) {
                return invalid(text, "repository path '" + path + "' has an empty component"
                        + " (a leading, trailing or doubled '/')");
            }
            if (!isPathComponent(component)) {
                return invalid(text, "invalid repository path component '" + component
                        + "': only lowercase letters and digits, joined by '.', '_', '__' or dashes,"
                        + " are allowed, and it must start and end with a letter or digit");
            }
        }
        // Not reached: a path whose every component is fine is a valid path.
        return invalid(text, "invalid reference format");
    }

    private static void checkTag(String text, String tag) {
        if (tag.isEmpty()) {
            throw invalid(text, "the tag after ':' is empty");
        }
        if (tag.length() > MAX_TAG_LENGTH) {
            throw invalid(text, "tag too long: " + tag.length() + " characters, at most "
                    + MAX_TAG_LENGTH + " are allowed");
        }
        if (!TAG.matcher(tag).matches()) {
            throw invalid(text, "invalid tag '" + tag + "': a tag must start with a letter, digit or '_'"
                    + " and contain only letters, digits, '_', '.' and '-'");
        }
    }

    /**
     * A digest must fit the reference grammar and then pass go-digest's validation, which only
     * knows sha256, sha384 and sha512 and wants exactly their length in lowercase hex. The
     * grammar alone would allow "md5:…", "SHA256:…" or uppercase hex; Docker rejects all three.
     */
    private static void checkDigest(String text, String digest) {
        if (digest.isEmpty()) {
            throw invalid(text, "the digest after '@' is empty");
        }
        int colon = digest.indexOf(':');
        if (colon < 0) {
            throw invalid(text, "invalid digest '" + digest + "': expected <algorithm>:<hex>, e.g. sha256:<64 hex digits>");
        }
        String algorithm = digest.substring(0, colon);
        String encoded = digest.substring(colon + 1);
        // The grammar's algorithm syntax is not checked separately: every supported name fits it.
        Integer expectedLength = DIGEST_HEX_LENGTHS.get(algorithm);
        if (expectedLength == null) {
            throw invalid(text, "invalid digest '" + digest + "': unsupported digest algorithm '" + algorithm
                    + "' (supported: sha256, sha384, sha512)");
        }
        if (!HEX.matcher(encoded).matches()) {
            throw invalid(text, "invalid digest '" + digest + "': the part after '" + algorithm
                    + ":' must be hexadecimal");
        }
        if (encoded.length() != expectedLength) {
            throw invalid(text, "invalid digest '" + digest + "': " + algorithm + " needs " + expectedLength
                    + " hex digits, found " + encoded.length());
        }
        if (!encoded.equals(encoded.toLowerCase(Locale.ROOT))) {
            throw invalid(text, "invalid digest '" + digest + "': hex digits must be lowercase");
        }
    }

    /**
     * Rejects characters that cannot appear anywhere in a reference, naming the first one. The
     * allowed alphabet is the union of what domains, paths, tags and digests may contain.
     */
    private static void checkAlphabet(String text) {
        // "://" can never occur (a port needs a digit after ':', a tag cannot hold '/').
        if (text.contains("://")) {
            throw invalid(text, "looks like a URL; an image reference has no scheme"
                    + " (write e.g. registry.example.com/app:1.0)");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || ".-_/:@[]+".indexOf(c) >= 0) {
                continue;
            }
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                throw invalid(text, "contains whitespace");
            }
            if (c == '{' || c == '}' || c == '$') {
                throw invalid(text, "contains '" + c + "', which is not allowed in an image reference;"
                        + " it looks like an unrendered template or placeholder");
            }
            String shown = c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c);
            throw invalid(text, "contains '" + shown + "', which is not allowed in an image reference");
        }
    }

    private static int indexOfAny(String s, char a, char b) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == a || c == b) {
                return i;
            }
        }
        return s.length();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    private static InvalidReferenceException invalid(String text, String reason) {
        return new InvalidReferenceException(text, reason);
    }

    // ---- accessors

    /** The text this reference was parsed from, exactly as given. */
    public String text() {
        return text;
    }

    /**
     * The registry, e.g. {@code docker.io}, {@code quay.io}, {@code localhost:5000} or
     * {@code [::1]:5000}; never {@code index.docker.io}. Case is kept as written.
     *
     * <p>Empty in one corner of the grammar Docker also has: a first element that Docker takes
     * for a domain (it has a '.') but that is not a valid host while the whole name is a valid
     * path, such as {@code my_registry.local/app}.
     */
    public String domain() {
        return domain;
    }

    /**
     * The repository path without the domain, e.g. {@code library/nginx} or {@code cilium/cilium}:
     * the repository directory a docker-distribution registry stores the image under.
     */
    public String repositoryPath() {
        return path;
    }

    /** The tag as written; empty when none was written (no {@code latest} is implied here). */
    public Optional<String> tag() {
        return Optional.ofNullable(tag);
    }

    /** The digest as written, e.g. {@code sha256:<64 hex>}; empty when none was written. */
    public Optional<String> digest() {
        return Optional.ofNullable(digest);
    }

    /** The normalised name without tag or digest, e.g. {@code docker.io/library/nginx}. */
    public String name() {
        return domain.isEmpty() ? path : domain + "/" + path;
    }

    // ---- string forms

    /**
     * The fully qualified form, with tag {@code latest} added when neither tag nor digest was
     * given, and both kept when both were: {@code docker.io/library/nginx:1.25@sha256:…}.
     * Docker's {@code TagNameOnly(ParseNormalizedNamed(text)).String()}.
     */
    public String canonical() {
        if (tag == null && digest == null) {
            return name() + ":" + DEFAULT_TAG;
        }
        return withSuffixes(name(), tag, digest);
    }

    /**
     * The form sealos prints for an image it found: the normalised name, then the tag if there is
     * one (a digest next to a tag is dropped), else the digest if there is one, else nothing
     * (no {@code :latest} is added).
     */
    public String sealosForm() {
        if (tag != null) {
            return name() + ":" + tag;
        }
        return withSuffixes(name(), null, digest);
    }

    /**
     * Docker's short form ({@code FamiliarString}): {@code docker.io/} and, for a one-element
     * path, {@code library/} are dropped, and tag and digest are kept as written.
     * Examples: {@code nginx:1.25}, {@code bitnami/etcd:3.5}, {@code quay.io/x/y:1}.
     */
    public String familiar() {
        String shortName = name();
        if (domain.equals(DEFAULT_DOMAIN)) {
            shortName = path;
            // Only "library/x", not "library/x/y": the prefix is dropped only where adding it
            // back (normalisation) would restore it.
            if (path.startsWith(OFFICIAL_REPO_PREFIX) && path.indexOf('/', OFFICIAL_REPO_PREFIX.length()) < 0) {
                shortName = path.substring(OFFICIAL_REPO_PREFIX.length());
            }
        }
        return withSuffixes(shortName, tag, digest);
    }

    private static String withSuffixes(String name, String tag, String digest) {
        StringBuilder s = new StringBuilder(name);
        if (tag != null) {
            s.append(':').append(tag);
        }
        if (digest != null) {
            s.append('@').append(digest);
        }
        return s.toString();
    }

    /** Equal when the {@linkplain #canonical() canonical forms} are equal; the original text does not matter. */
    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof ImageReference other && canonical().equals(other.canonical()));
    }

    @Override
    public int hashCode() {
        return canonical().hashCode();
    }

    /** The {@linkplain #canonical() canonical form}. */
    @Override
    public String toString() {
        return canonical();
    }
}
