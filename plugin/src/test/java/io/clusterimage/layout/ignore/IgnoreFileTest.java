package io.clusterimage.layout.ignore;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The expected answers are BuildKit's: most cases restate moby's patternmatcher and ignorefile tests and Go's
 * {@code filepath.Match} tests, the rest pin down behaviour observed by running moby's code.
 */
class IgnoreFileTest {

    private static IgnoreFile ignore(String... lines) {
        return IgnoreFile.parse(".dockerignore", List.of(lines));
    }

    private static List<String> patternStrings(IgnoreFile file) {
        return file.patterns().stream().map(IgnorePattern::toString).collect(Collectors.toList());
    }

    @Nested
    class ReadingLines {

        @Test
        void commentsAndBlankLinesAreSkippedButCountForLineNumbers() {
            IgnoreFile file = ignore("# build output", "", "   ", "\t", "target", "# tests", "!target/keep");

            assertEquals(List.of("target", "!target/keep"), patternStrings(file));
            assertEquals(5, file.patterns().get(0).lineNumber());
            assertEquals(7, file.patterns().get(1).lineNumber());
        }

        @Test
        void onlyAHashInTheFirstColumnStartsAComment() {
            // ReadAll tests for '#' before trimming, so an indented '#' is part of a pattern.
            IgnoreFile file = ignore("  # not a comment");

            assertEquals(List.of("# not a comment"), patternStrings(file));
            assertTrue(file.isExcluded("# not a comment"));
        }

        @Test
        void patternsAreTrimmedCleanedAndMadeRelative() {
            // The inputs of moby's ReadAll test, plus path.Clean cases.
            IgnoreFile file = ignore("test1", "/test2", "/a/file/here", "", "lastfile", "# this is a comment",
                    "! /inverted/abs/path", "  build/  \t", "./a/../b//c/.", "/");

            assertEquals(List.of("test1", "test2", "a/file/here", "lastfile", "!inverted/abs/path", "build", "b/c",
                    "/"), patternStrings(file));
            IgnorePattern inverted = file.patterns().get(4);
            assertTrue(inverted.isException());
            assertEquals("inverted/abs/path", inverted.pattern());
            assertEquals("! /inverted/abs/path", inverted.line());
        }

        @Test
        void whiteSpaceUncoveredByDroppingTheSlashIsTrimmedToo() {
            // patternmatcher.New trims again after ReadAll removed the '/': "/ a" is the pattern "a".
            IgnoreFile file = ignore("/ a", "/ /");

            assertEquals(List.of("a"), patternStrings(file));
            assertTrue(file.isExcluded("a"));
        }

        @Test
        void byteOrderMarkIsDroppedOnlyAtTheStartOfTheFile() {
            IgnoreFile file = ignore("\uFEFF*.md", "\uFEFFx");

            assertEquals(List.of("*.md", "\uFEFFx"), patternStrings(file));
        }

        @ParameterizedTest
        @ValueSource(strings = {"!", "! ", "!/", " ! \t"})
        void exclamationMarkAloneIsAnError(String line) {
            IgnorePatternException e = assertThrows(IgnorePatternException.class,
                    () -> ignore("# keep", line));

            assertEquals(2, e.lineNumber());
            assertEquals("illegal exclusion pattern: \"!\"", e.reason());
        }
    }

    @Nested
    class SinglePatterns {

        // pattern | path | excluded
        @ParameterizedTest(name = "{0} on {1} -> {2}")
        @CsvSource(delimiter = '|', textBlock = """
                # From moby's patternmatcher tests.
                *                  | fileutils.go          | true
                *.go               | fileutils.go          | true
                **                 | file                  | true
                **                 | dir/file              | true
                **/                | file                  | true
                **/**              | dir/file              | true
                dir/**             | dir/file              | true
                dir/**             | dir/dir2/file         | true
                **/dir             | dir                   | true
                **/dir             | dir/file              | true
                **/dir2/*          | dir/dir2/file         | true
                **/dir2/**         | dir/dir2/dir3/file    | true
                **file             | file                  | true
                **file             | dir/dir/file          | true
                **/file*           | dir/dir/file.txt      | true
                **/file*txt        | dir/dir/file.txt      | true
                **/**/*.txt        | dir/dir/file.txt      | true
                **/**/*.txt2       | dir/dir/file.txt      | false
                **/*.txt           | file.txt              | true
                a**/*.txt          | a/dir/dir/file.txt    | true
                a/*.txt            | a/dir/file.txt        | false
                a/*.txt            | a/file.txt            | true
                a/*.txt**          | a/file.txt            | true
                a[b-d]e            | ae                    | false
                a[b-d]e            | ace                   | true
                a[b-d]e            | aae                   | false
                a[^b-d]e           | aze                   | true
                .*                 | .foo                  | true
                .*                 | foo                   | false
                abc.def            | abcdef                | false
                abc.def            | abc.def               | true
                abc?def            | abcZdef               | true
                abc?def            | abcdef                | false
                a\\\\              | a\\                   | true
                **/foo/bar         | foo/bar               | true
                **/foo/bar         | dir/dir2/foo/bar      | true
                abc/**             | abc                   | false
                abc/**             | abc/def/ghi           | true
                **/.foo            | .foo                  | true
                **/.foo            | bar.foo               | false
                a(b)c/def          | a(b)c/def             | true
                a(b)c/def          | a(b)c/xyz             | false
                dist/*.whl         | dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl | true
                a\\*b              | a*b                   | true
                a\\*b              | ab                    | false
                # From Go's filepath.Match tests.
                a*                 | ab/c                  | true
                a*/b               | abc/b                 | true
                a*/b               | a/c/b                 | false
                a*b*c*d*e*/f       | axbxcxdxexxx/f        | true
                a*b*c*d*e*/f       | axbxcxdxe/xxx/f       | false
                a*b?c*x            | abxbbxdbxebxczzx      | true
                a*b?c*x            | abxbbxdbxebxczzy      | false
                ab[^e-g]           | abc                   | true
                ab[^c]             | abc                   | false
                a?b                | a☺b                   | true
                a???b              | a☺b                   | false
                [a-ζ]*             | α                     | true
                *[a-ζ]             | A                     | false
                a?b                | a/b                   | false
                a*b                | a/b                   | false
                [\\]a]             | ]                     | true
                [\\-]              | -                     | true
                [x\\-]             | x                     | true
                [x\\-]             | z                     | false
                *x                 | xxx                   | true
                """)
        void matchesLikeMoby(String pattern, String path, boolean excluded) {
            assertEquals(excluded, ignore(pattern).isExcluded(path));
        }

        @Test
        void regularExpressionCharactersInPatternsAreLiteral() {
            assertTrue(ignore("a.|)$(}+{bc").isExcluded("a.|)$(}+{bc"));
            assertTrue(ignore("dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl")
                    .isExcluded("dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl"));
        }
    }

    @Nested
    class TypicalFiles {

        @Test
        void exceptionReincludesAFileInsideAnExcludedDirectory() {
            IgnoreFile file = ignore("docs", "!docs/README.md");

            assertTrue(file.isExcluded("docs"));
            assertTrue(file.isExcluded("docs/guide.md"));
            assertFalse(file.isExcluded("docs/README.md"));
        }

        @Test
        void theLastMatchingLineWins() {
            assertTrue(ignore("!fileutils.go", "*.go").isExcluded("fileutils.go"));
            assertFalse(ignore("*.go", "!fileutils.go").isExcluded("fileutils.go"));
            // ...and an exception can itself be overridden again.
            IgnoreFile file = ignore("*.md", "!README*.md", "README-secret.md");
            assertFalse(file.isExcluded("README.md"));
            assertTrue(file.isExcluded("README-secret.md"));
        }

        @Test
        void doubleStarSlashMatchesAtAnyDepth() {
            IgnoreFile file = ignore("**/*.md");

            assertTrue(file.isExcluded("README.md"));
            assertTrue(file.isExcluded("a/b/c/notes.md"));
            assertFalse(file.isExcluded("a/b/notes.mdx"));
        }

        @Test
        void singleStarOnlyMatchesAtTheTopLevel() {
            IgnoreFile file = ignore("*.tmp");

            assertTrue(file.isExcluded("a.tmp"));
            assertFalse(file.isExcluded("sub/a.tmp"));
        }

        @Test
        void trailingDoubleStarMatchesEverythingBelowButNotTheDirectory() {
            IgnoreFile file = ignore("docs/**");

            assertFalse(file.isExcluded("docs"));
            assertTrue(file.isExcluded("docs/a"));
            assertTrue(file.isExcluded("docs/a/b/c"));
            assertFalse(file.isExcluded("docsx/a"));
        }

        @Test
        void aMatchingDirectoryExcludesEverythingInside() {
            IgnoreFile file = ignore("dir", "a/b");

            assertTrue(file.isExcluded("dir"));
            assertTrue(file.isExcluded("dir/x/y"));
            assertFalse(file.isExcluded("dirx"));
            assertTrue(file.isExcluded("a/b/c"));
            assertFalse(file.isExcluded("a"));
            assertFalse(file.isExcluded("a/bc"));
        }

        @Test
        void wildcardDirectoryExcludesItsContent() {
            IgnoreFile file = ignore("*/target");

            assertTrue(file.isExcluded("module/target/classes/A.class"));
            assertFalse(file.isExcluded("target/classes/A.class"));
        }

        @Test
        void classesAndEscapes() {
            assertTrue(ignore("[a-c].txt").isExcluded("b.txt"));
            assertFalse(ignore("[a-c].txt").isExcluded("d.txt"));
            assertTrue(ignore("[^a].txt").isExcluded("d.txt"));
            assertFalse(ignore("[^a].txt").isExcluded("a.txt"));
            assertTrue(ignore("\\*.txt").isExcluded("*.txt"));
            assertFalse(ignore("\\*.txt").isExcluded("a.txt"));
        }

        @Test
        void theContextRootIsNeverExcluded() {
            IgnoreFile file = ignore("**", "*");

            assertFalse(file.isExcluded(""));
            assertFalse(file.isExcluded("."));
            assertTrue(file.isExcluded("anything"));
        }

        @Test
        void pathsAreCleanedBeforeMatching() {
            IgnoreFile file = ignore("dir/x");

            assertTrue(file.isExcluded("./dir//x/"));
            assertTrue(file.isExcluded("dir/y/../x/z"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"/etc/passwd", "..", "../x", "a/../../x"})
        void pathsMustStayInsideTheContext(String path) {
            IgnoreFile file = ignore("*");

            assertThrows(IllegalArgumentException.class, () -> file.isExcluded(path));
            assertThrows(IllegalArgumentException.class, () -> file.mayContainIncluded(path));
        }

        @Test
        void emptyFileExcludesNothing() {
            IgnoreFile file = ignore();

            assertEquals(List.of(), file.patterns());
            assertFalse(file.isExcluded("a/b"));
        }
    }

    /** Behaviour that surprises people who know shells or .gitignore, reproduced because BuildKit has it. */
    @Nested
    class BuildKitQuirks {

        @Test
        void bangInsideBracketsIsNotANegation() {
            // Go globs negate with [^...] only; [!a] is the class of '!' and 'a'.
            IgnoreFile file = ignore("[!a].txt");

            assertTrue(file.isExcluded("a.txt"));
            assertTrue(file.isExcluded("!.txt"));
            assertFalse(file.isExcluded("b.txt"));
        }

        @Test
        void leadingDoubleStarWithoutSlashIsASuffixTest() {
            // "**.md" becomes "ends with .md", at any depth; the regular expression alone would not say so.
            IgnoreFile file = ignore("**.md");

            assertTrue(file.isExcluded("a.md"));
            assertTrue(file.isExcluded("x/y/readme.md"));
            assertFalse(file.isExcluded("x/y/readme.mdx"));
        }

        @Test
        void doubleStarInsideANameOnlySpansWholeDirectories() {
            // "a**b" is "a", any directories, "b": the ** does not stand for characters within a name.
            IgnoreFile file = ignore("a**b");

            assertTrue(file.isExcluded("ab"));
            assertTrue(file.isExcluded("a/x/b"));
            assertFalse(file.isExcluded("axb"));
        }

        @Test
        void verticalBarIsAnAlternationWhenThePatternHasWildcards() {
            // moby fails to escape | { } (see GlobSyntax.ESCAPED): "*.log|tmp" is ^[^/]*\.log|tmp$, i.e.
            // "starts with <name>.log" or "ends with tmp".
            IgnoreFile file = ignore("*.log|tmp");

            assertTrue(file.isExcluded("app.log.1"));
            assertTrue(file.isExcluded("x/y/mytmp"));
            assertFalse(file.isExcluded("x/app.log"));
            assertFalse(file.isExcluded("notes.txt"));
            // Without wildcards the pattern is compared literally, so there '|' is just a character.
            assertTrue(ignore("a|b").isExcluded("a|b"));
            assertFalse(ignore("a|b").isExcluded("a"));
        }

        @Test
        void bracesAreRepetitionsWhenThePatternHasWildcards() {
            IgnoreFile file = ignore("x{2}*");

            assertTrue(file.isExcluded("xx"));
            assertTrue(file.isExcluded("xxy"));
            assertFalse(file.isExcluded("x{2}y"));
            assertTrue(ignore("x{2}").isExcluded("x{2}"));
        }

        @Test
        void bracketContentFollowsRegularExpressionRules() {
            // The class text is handed to Go's regexp, which knows POSIX classes.
            IgnoreFile file = ignore("file[[:digit:]]");

            assertTrue(file.isExcluded("file7"));
            assertFalse(file.isExcluded("filex"));
        }

        @Test
        void backslashEscapesAreRegularExpressionEscapes() {
            // "build\tmp" (say, a Windows path) means "build", a TAB, "mp".
            IgnoreFile file = ignore("build\\tmp");

            assertTrue(file.isExcluded("build\tmp"));
            assertFalse(file.isExcluded("buildtmp"));
            assertFalse(file.isExcluded("build/tmp"));
        }

        @Test
        void aReExcludingLineIsSkippedForDirectoriesAlreadyExcluded() {
            // BuildKit decides a directory's children from the directory's own per-line results; the last line is
            // not evaluated for docs/api (already excluded by "docs"), and does not match docs/api/x itself.
            IgnoreFile file = ignore("docs", "!docs/api/**", "docs/api");

            assertTrue(file.isExcluded("docs/api"));
            assertFalse(file.isExcluded("docs/api/x"));
            assertTrue(file.isExcluded("docs/other"));
        }

        @Test
        void anExceptionNotEvaluatedForItsDirectoryDoesNotReachTheChildren() {
            // "!d" is skipped for d (nothing to re-include yet) and does not match d/c itself.
            IgnoreFile file = ignore("d/*", "!d");

            assertFalse(file.isExcluded("d"));
            assertTrue(file.isExcluded("d/c"));
        }
    }

    @Nested
    class InvalidPatterns {

        @Test
        void errorTellsFileLineAndReason() {
            IgnorePatternException e = assertThrows(IgnorePatternException.class,
                    () -> ignore("# generated", "target", "", "bad[", "more"));

            assertAll(
                    () -> assertEquals(".dockerignore", e.fileName()),
                    () -> assertEquals(4, e.lineNumber()),
                    () -> assertEquals("bad[", e.line()),
                    () -> assertEquals("syntax error in pattern: unterminated character class", e.reason()),
                    () -> assertEquals(".dockerignore:4: invalid pattern \"bad[\": syntax error in pattern: "
                            + "unterminated character class", e.getMessage()));
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "[", "[^", "[^bc", "a[", "[]a]", "[-]", "[x-]", "[-x]", "[a-b-c]", "\\", "a\\",
            // Valid globs but invalid Go regular expressions, which BuildKit reports on first use.
            "[Local-Only]/", "[z-a]*", "a\\y*", "a\\1*", "x{2}{3}*", "x{1001}*"})
        void isRejected(String pattern) {
            IgnorePatternException e = assertThrows(IgnorePatternException.class, () -> ignore("ok", pattern));

            assertEquals(2, e.lineNumber());
            assertTrue(e.reason().startsWith("syntax error in pattern"), e.reason());
        }

        @Test
        void invalidExceptionIsRejectedToo() {
            IgnorePatternException e = assertThrows(IgnorePatternException.class, () -> ignore("*", "!keep[a"));

            assertEquals(2, e.lineNumber());
            assertEquals("!keep[a", e.line());
        }

        @Test
        void regularExpressionErrorNamesTheOffendingPart() {
            IgnorePatternException e = assertThrows(IgnorePatternException.class, () -> ignore("[Local-Only]/"));

            assertTrue(e.reason().contains("invalid character class range: `l-O`"), e.reason());
        }
    }

    @Nested
    class MayContainIncluded {

        @Test
        void aDirectoryThatIsNotExcludedMayContainIncludedPaths() {
            IgnoreFile file = ignore("*.log");

            assertTrue(file.mayContainIncluded("src"));
            assertTrue(file.mayContainIncluded(""));
        }

        @Test
        void withoutExceptionsAnExcludedDirectoryCanBeSkipped() {
            assertFalse(ignore("node_modules").mayContainIncluded("node_modules"));
            assertFalse(ignore("node_modules").mayContainIncluded("node_modules/x/y"));
        }

        @Test
        void anExceptionBelowTheDirectoryPreventsSkipping() {
            IgnoreFile file = ignore("docs", "!docs/README.md");

            assertTrue(file.mayContainIncluded("docs"));
            assertFalse(file.mayContainIncluded("docs/api"));
        }

        @Test
        void anExceptionElsewhereDoesNotPreventSkipping() {
            assertFalse(ignore("node_modules", "!src/keep").mayContainIncluded("node_modules"));
        }

        @Test
        void anExceptionBeforeTheExcludingLineCannotReincludeAnything() {
            assertFalse(ignore("!docs/README.md", "docs").mayContainIncluded("docs"));
        }

        @Test
        void wildcardExceptionsAreTakenIntoAccount() {
            IgnoreFile anyDepth = ignore("*", "!**/keep.txt");
            assertTrue(anyDepth.mayContainIncluded("a"));
            assertTrue(anyDepth.mayContainIncluded("a/b"));

            IgnoreFile oneLevel = ignore("*", "!*/keep.txt");
            assertTrue(oneLevel.mayContainIncluded("a"));
            assertFalse(oneLevel.mayContainIncluded("a/b"));
        }

        @Test
        void aTrailingDoubleStarExceptionReachesIntoItsDirectory() {
            IgnoreFile file = ignore("*", "!config/**");

            assertTrue(file.mayContainIncluded("config"));
            assertFalse(file.mayContainIncluded("other"));
        }

        @Test
        void neverClaimsADirectoryIsSkippableWhenSomethingBelowIsIncluded() {
            List<String> paths = tree(List.of("a", "b", "keep", "x.md"), 4);
            List<List<String>> files = List.of(
                    List.of("*", "!**/keep"),
                    List.of("*", "!*/keep", "a/keep"),
                    List.of("a", "!a/b/**", "a/b/x.md"),
                    List.of("**/*.md", "!b/**/*.md", "b/a"),
                    List.of("a/*", "!a", "b", "![ab]/keep/*"),
                    List.of("docs", "!docs/api/**", "docs/api"),
                    List.of("**", "!a/b", "a/b/keep", "!a/b/keep/x.md"));
            int skippable = 0;
            for (List<String> lines : files) {
                IgnoreFile file = IgnoreFile.parse(".dockerignore", lines);
                for (String dir : paths) {
                    if (file.mayContainIncluded(dir)) {
                        continue;
                    }
                    skippable++;
                    for (String path : paths) {
                        if (path.startsWith(dir + "/")) {
                            assertTrue(file.isExcluded(path), lines + ": " + dir + " skipped but " + path
                                    + " is included");
                        }
                    }
                }
            }
            assertTrue(skippable > 100, "the check should also let copiers skip directories: " + skippable);
        }

        /** Every path of 1 to {@code depth} components drawn from {@code names}. */
        private List<String> tree(List<String> names, int depth) {
            List<String> all = new ArrayList<>();
            List<String> level = List.of("");
            for (int d = 0; d < depth; d++) {
                List<String> next = new ArrayList<>();
                for (String parent : level) {
                    for (String name : names) {
                        next.add(parent.isEmpty() ? name : parent + "/" + name);
                    }
                }
                all.addAll(next);
                level = next;
            }
            return all;
        }
    }

    @Nested
    class Loading {

        @TempDir
        Path context;

        private void write(String name, String content) throws IOException {
            Files.writeString(context.resolve(name), content, StandardCharsets.UTF_8);
        }

        @Test
        void containerignoreTakesPrecedenceOverDockerignore() throws IOException {
            write(".containerignore", "*.log\n");
            write(".dockerignore", "*.tmp\n");

            IgnoreFile file = IgnoreFile.load(context).orElseThrow();

            assertEquals(context.resolve(".containerignore"), file.source());
            assertEquals(List.of("*.log"), patternStrings(file));
        }

        @Test
        void anEmptyContainerignoreStillHidesTheDockerignore() throws IOException {
            write(".containerignore", "");
            write(".dockerignore", "*.tmp\n");

            IgnoreFile file = IgnoreFile.load(context).orElseThrow();

            assertEquals(List.of(), file.patterns());
            assertFalse(file.isExcluded("a.tmp"));
        }

        @Test
        void dockerignoreIsReadWhenThereIsNoContainerignore() throws IOException {
            write(".dockerignore", "*.tmp\n");

            IgnoreFile file = IgnoreFile.load(context).orElseThrow();

            assertEquals(context.resolve(".dockerignore"), file.source());
            assertTrue(file.isExcluded("a.tmp"));
        }

        @Test
        void noIgnoreFileMeansNothingIsExcluded() throws IOException {
            assertEquals(Optional.empty(), IgnoreFile.load(context));
        }

        @Test
        void windowsLineEndingsAndByteOrderMarkAreHandled() throws IOException {
            write(".dockerignore", "\uFEFF# comment\r\n*.log\r\n\r\n!keep.log");

            IgnoreFile file = IgnoreFile.load(context).orElseThrow();

            assertEquals(List.of("*.log", "!keep.log"), patternStrings(file));
            assertEquals(4, file.patterns().get(1).lineNumber());
            assertFalse(file.isExcluded("keep.log"));
        }

        @Test
        void errorsNameTheFileThatWasRead() throws IOException {
            write(".dockerignore", "ok\n\n[oops\n");

            IgnorePatternException e = assertThrows(IgnorePatternException.class, () -> IgnoreFile.load(context));

            assertEquals(context.resolve(".dockerignore").toString(), e.fileName());
            assertEquals(3, e.lineNumber());
        }

        @Test
        void symbolicLinksAreResolvedInsideTheContext() throws IOException {
            // buildah opens the file with SecureJoin: the absolute target "/rules" means <context>/rules.
            write("rules", "*.secret\n");
            try {
                Files.createSymbolicLink(context.resolve(".dockerignore"), Path.of("/rules"));
            } catch (UnsupportedOperationException | IOException e) {
                assumeTrue(false, "symbolic links not supported here: " + e);
            }

            IgnoreFile file = IgnoreFile.load(context).orElseThrow();

            assertEquals(List.of("*.secret"), patternStrings(file));
        }

        @Test
        void aDanglingContainerignoreLinkFallsBackToDockerignore() throws IOException {
            write(".dockerignore", "*.tmp\n");
            try {
                Files.createSymbolicLink(context.resolve(".containerignore"), Path.of("missing"));
            } catch (UnsupportedOperationException | IOException e) {
                assumeTrue(false, "symbolic links not supported here: " + e);
            }

            IgnoreFile file = IgnoreFile.load(context).orElseThrow();

            assertEquals(context.resolve(".dockerignore"), file.source());
        }

        @Test
        void anUnreadableIgnoreFileIsAnError() throws IOException {
            Files.createDirectory(context.resolve(".containerignore"));

            assertThrows(IOException.class, () -> IgnoreFile.load(context));
        }
    }
}
