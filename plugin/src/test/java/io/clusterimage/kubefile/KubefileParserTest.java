package io.clusterimage.kubefile;

import io.clusterimage.core.Finding;
import io.clusterimage.core.Severity;
import io.clusterimage.kubefile.Instruction.Arg;
import io.clusterimage.kubefile.Instruction.Cmd;
import io.clusterimage.kubefile.Instruction.CommandLine;
import io.clusterimage.kubefile.Instruction.Copy;
import io.clusterimage.kubefile.Instruction.Entrypoint;
import io.clusterimage.kubefile.Instruction.Env;
import io.clusterimage.kubefile.Instruction.Expose;
import io.clusterimage.kubefile.Instruction.From;
import io.clusterimage.kubefile.Instruction.Healthcheck;
import io.clusterimage.kubefile.Instruction.Label;
import io.clusterimage.kubefile.Instruction.Maintainer;
import io.clusterimage.kubefile.Instruction.Onbuild;
import io.clusterimage.kubefile.Instruction.Run;
import io.clusterimage.kubefile.Instruction.Shell;
import io.clusterimage.kubefile.Instruction.StopSignal;
import io.clusterimage.kubefile.Instruction.User;
import io.clusterimage.kubefile.Instruction.Volume;
import io.clusterimage.kubefile.Instruction.Workdir;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static io.clusterimage.kubefile.KubefileTestSupport.assertFinding;
import static io.clusterimage.kubefile.KubefileTestSupport.assertNoFindings;
import static io.clusterimage.kubefile.KubefileTestSupport.codes;
import static io.clusterimage.kubefile.KubefileTestSupport.kv;
import static io.clusterimage.kubefile.KubefileTestSupport.lines;
import static io.clusterimage.kubefile.KubefileTestSupport.outline;
import static io.clusterimage.kubefile.KubefileTestSupport.parse;
import static io.clusterimage.kubefile.KubefileTestSupport.parseRaw;
import static io.clusterimage.kubefile.KubefileTestSupport.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parsed model: instruction kinds, their fields and the lines they came from. */
class KubefileParserTest {

    private static final List<String> SH = List.of("/bin/sh", "-c");

    @Nested
    class LinesAndContinuations {

        @Test
        void continuationJoinsLinesAndKeepsTheirRange() {
            Kubefile kf = parse(
                    "FROM scratch",
                    "LABEL a=1 \\",
                    "      b=2 \\",
                    "      c=3",
                    "COPY x y");
            assertNoFindings(kf.findings());
            assertEquals(List.of("FROM 1", "LABEL 2-4", "COPY 5"), outline(kf));
            assertEquals(List.of(kv("a", "1"), kv("b", "2"), kv("c", "3")), single(kf, Label.class).pairs());
            assertEquals(lines(2, 4), single(kf, Label.class).lines());
        }

        @Test
        void blanksAfterTheBackslashStillContinue() {
            Kubefile kf = parseRaw("FROM scratch\nENV A=1 \\  \t\n    B=2 \\\t\n    C=3\nCOPY x y\n");
            assertNoFindings(kf.findings());
            assertEquals(List.of("FROM 1", "ENV 2-4", "COPY 5"), outline(kf));
            assertEquals(List.of(kv("A", "1"), kv("B", "2"), kv("C", "3")), single(kf, Env.class).pairs());
        }

        @Test
        void leadingBlanksOfAContinuationLineAreKept() {
            // BuildKit strips leading blanks only from the first line of an instruction.
            Kubefile kf = parse(
                    "FROM scratch",
                    "LABEL msg=\"one \\",
                    "   two\"");
            assertEquals(List.of(kv("msg", "\"one    two\"")), single(kf, Label.class).pairs());
        }

        @Test
        void commentLinesInsideAContinuationAreDropped() {
            Kubefile kf = parse(
                    "FROM scratch",
                    "ENV A=1 \\",
                    "# a comment",
                    "    # an indented comment \\",
                    "    B=2",
                    "COPY . .");
            assertNoFindings(kf.findings());
            assertEquals(List.of("FROM 1", "ENV 2-5", "COPY 6"), outline(kf));
            assertEquals(List.of(kv("A", "1"), kv("B", "2")), single(kf, Env.class).pairs());
        }

        @Test
        void blankLinesInsideAContinuationAreWarnedAboutAndSkipped() {
            Kubefile kf = parse(
                    "FROM scratch",
                    "ENV A=1 \\",
                    "",
                    "  \t",
                    "    B=2",
                    "COPY . .");
            assertEquals(List.of("FROM 1", "ENV 2-5", "COPY 6"), outline(kf));
            assertEquals(List.of(kv("A", "1"), kv("B", "2")), single(kf, Env.class).pairs());
            assertEquals(List.of("kubefile.empty-continuation", "kubefile.empty-continuation"), codes(kf.findings()));
            assertFinding(kf.findings(), Severity.WARNING, "kubefile.empty-continuation", 3, "empty line inside a continuation");
            assertFinding(kf.findings(), Severity.WARNING, "kubefile.empty-continuation", 4, "empty line inside a continuation");
            assertFalse(kf.hasErrors());
        }

        @Test
        void blankLinesOutsideAContinuationAreIgnored() {
            Kubefile kf = parse("", "FROM scratch", "", "", "COPY a b", "");
            assertNoFindings(kf.findings());
            assertEquals(List.of("FROM 2", "COPY 5"), outline(kf));
        }

        @Test
        void aHashAfterTheKeywordIsNotAComment() {
            Kubefile kf = parse("FROM scratch", "CMD echo a # not a comment");
            assertEquals("echo a # not a comment", single(kf, Cmd.class).command().shellForm());
        }

        @Test
        void keywordsAreCaseInsensitive() {
            Kubefile kf = parse(
                    "from scratch AS Builder",
                    "Copy a b",
                    "lAbEl x=y",
                    "FROM scratch as final",
                    "copy --from=builder a b",
                    "cmd [\"x\"]");
            assertNoFindings(kf.findings());
            assertEquals(List.of("FROM 1", "COPY 2", "LABEL 3", "FROM 4", "COPY 5", "CMD 6"), outline(kf));
            List<From> froms = kf.all(From.class);
            assertEquals("builder", froms.get(0).stageName());
            assertEquals("final", froms.get(1).stageName());
            assertEquals("builder", kf.all(Copy.class).get(1).from());
        }

        @Test
        void noFinalNewline() {
            Kubefile kf = parseRaw("FROM scratch\nCOPY a b");
            assertNoFindings(kf.findings());
            assertEquals(List.of("FROM 1", "COPY 2"), outline(kf));
            assertEquals("b", single(kf, Copy.class).destination());
        }

        @Test
        void continuationOpenAtTheEndOfTheFile() {
            Kubefile kf = parseRaw("FROM scratch\nLABEL a=1 \\");
            assertNoFindings(kf.findings());
            assertEquals(List.of("FROM 1", "LABEL 2"), outline(kf));
            assertEquals(List.of(kv("a", "1")), single(kf, Label.class).pairs());
        }

        @Test
        void crlfLineEnds() {
            Kubefile kf = parseRaw("FROM scratch\r\nLABEL a=1 \\\r\n      b=2\r\n\r\nCOPY a b\r\nCMD [\"x\"]\r\n");
            assertNoFindings(kf.findings());
            assertEquals(List.of("FROM 1", "LABEL 2-3", "COPY 5", "CMD 6"), outline(kf));
            assertEquals(List.of(kv("a", "1"), kv("b", "2")), single(kf, Label.class).pairs());
            assertEquals("b", single(kf, Copy.class).destination());
            assertEquals(List.of("x"), single(kf, Cmd.class).command().execForm());
        }

        @Test
        void crlfBlankLineInsideAContinuation() {
            Kubefile kf = parseRaw("FROM scratch\r\nENV A=1 \\\r\n\r\n  B=2\r\n");
            assertEquals(List.of("FROM 1", "ENV 2-4"), outline(kf));
            assertFinding(kf.findings(), Severity.WARNING, "kubefile.empty-continuation", 3, "empty line");
        }

        @Test
        void byteOrderMarkIsIgnored() {
            Kubefile kf = parseRaw("\uFEFFFROM scratch\nCOPY a b\n");
            assertNoFindings(kf.findings());
            assertEquals(List.of("FROM 1", "COPY 2"), outline(kf));
            assertEquals("scratch", single(kf, From.class).image());
        }

        @Test
        void byteOrderMarkBeforeADirectiveWithCrlfAndNoFinalNewline() {
            Kubefile kf = parseRaw("\uFEFF# escape=`\r\nFROM scratch\r\nLABEL a=1 `\r\n  b=2");
            assertNoFindings(kf.findings());
            assertEquals('`', kf.escape());
            assertEquals(Map.of("escape", "`"), kf.directives());
            assertEquals(List.of("FROM 2", "LABEL 3-4"), outline(kf));
        }
    }

    @Nested
    class Directives {

        @Test
        void escapeDirectiveChangesTheContinuationCharacter() {
            Kubefile kf = parse(
                    "# escape=`",
                    "FROM scratch",
                    "ENV WINDIR=C:\\Windows `",
                    "    TOOLS=C:\\tools",
                    "LABEL trailing=back\\",
                    "COPY a b");
            assertNoFindings(kf.findings());
            assertEquals('`', kf.escape());
            assertEquals(Map.of("escape", "`"), kf.directives());
            // a backslash no longer continues a line
            assertEquals(List.of("FROM 2", "ENV 3-4", "LABEL 5", "COPY 6"), outline(kf));
            assertEquals(List.of(kv("WINDIR", "C:\\Windows"), kv("TOOLS", "C:\\tools")), single(kf, Env.class).pairs());
            assertEquals(List.of(kv("trailing", "back\\")), single(kf, Label.class).pairs());
        }

        @Test
        void defaultEscapeIsBackslash() {
            Kubefile kf = parse("FROM scratch");
            assertEquals('\\', kf.escape());
            assertEquals(Map.of(), kf.directives());
        }

        @Test
        void syntaxAndCheckDirectivesAreRecorded() {
            Kubefile kf = parse(
                    "# syntax=docker/dockerfile:1.7",
                    "#  Escape = \\ ",
                    "#check=skip=JSONArgsRecommended",
                    "FROM scratch");
            assertNoFindings(kf.findings());
            assertEquals(Map.of("syntax", "docker/dockerfile:1.7", "escape", "\\", "check", "skip=JSONArgsRecommended"),
                    kf.directives());
            assertEquals('\\', kf.escape());
            assertEquals(List.of("FROM 4"), outline(kf));
        }

        @Test
        void indentedDirectiveIsADirective() {
            // BuildKit strips the leading blanks of a line before looking for a directive.
            Kubefile kf = parse("  # escape=`", "\t#syntax=docker/dockerfile:1", "FROM scratch", "LABEL a=1 `", "      b=2");
            assertNoFindings(kf.findings());
            assertEquals('`', kf.escape());
            assertEquals(Map.of("escape", "`", "syntax", "docker/dockerfile:1"), kf.directives());
            assertEquals(List.of("FROM 3", "LABEL 4-5"), outline(kf));
        }

        @Test
        void directiveAfterACommentIsJustAComment() {
            Kubefile kf = parse(
                    "# build the k3s rootfs",
                    "# escape=`",
                    "FROM scratch",
                    "LABEL a=1 \\",
                    "      b=2");
            assertNoFindings(kf.findings());
            assertEquals('\\', kf.escape());
            assertEquals(Map.of(), kf.directives());
            assertEquals(List.of("FROM 3", "LABEL 4-5"), outline(kf));
        }

        @Test
        void directiveAfterAnUnknownDirectiveIsJustAComment() {
            Kubefile kf = parse("# foo=bar", "# escape=`", "FROM scratch");
            assertEquals('\\', kf.escape());
            assertEquals(Map.of(), kf.directives());
        }

        @Test
        void directiveAfterABlankLineIsJustAComment() {
            Kubefile kf = parse("", "# escape=`", "FROM scratch");
            assertEquals('\\', kf.escape());
            assertEquals(Map.of(), kf.directives());
        }

        @Test
        void directiveAfterAnInstructionIsJustAComment() {
            Kubefile kf = parse("FROM scratch", "# syntax=docker/dockerfile:1", "COPY a b");
            assertNoFindings(kf.findings());
            assertEquals(Map.of(), kf.directives());
            assertEquals(List.of("FROM 1", "COPY 3"), outline(kf));
        }
    }

    @Nested
    class CommandForms {

        @Test
        void cmdJsonForm() {
            Kubefile kf = parse("FROM scratch", "CMD [\"kubectl apply -f a.yaml\", \"kubectl apply -f b.yaml\"]");
            assertNoFindings(kf.findings());
            CommandLine command = single(kf, Cmd.class).command();
            assertTrue(command.isExecForm());
            assertNull(command.shellForm());
            assertEquals(List.of("kubectl apply -f a.yaml", "kubectl apply -f b.yaml"), command.execForm());
            assertEquals(command.execForm(), command.toArgv(SH));
        }

        @Test
        void cmdShellForm() {
            Kubefile kf = parse("FROM scratch", "CMD bash install.sh --set a=b");
            assertNoFindings(kf.findings());
            CommandLine command = single(kf, Cmd.class).command();
            assertFalse(command.isExecForm());
            assertNull(command.execForm());
            assertEquals("bash install.sh --set a=b", command.shellForm());
            assertEquals(List.of("/bin/sh", "-c", "bash install.sh --set a=b"), command.toArgv(SH));
        }

        @Test
        void entrypointJsonAndShellForm() {
            Kubefile kf = parse("FROM scratch", "ENTRYPOINT [\"/bin/sh\", \"-c\"]", "ENTRYPOINT exec kubectl");
            assertNoFindings(kf.findings());
            List<Entrypoint> entrypoints = kf.all(Entrypoint.class);
            assertEquals(List.of("/bin/sh", "-c"), entrypoints.get(0).command().execForm());
            assertEquals("exec kubectl", entrypoints.get(1).command().shellForm());
        }

        @Test
        void shellJsonForm() {
            Kubefile kf = parse("FROM scratch", "SHELL [\"/bin/bash\", \"-euo\", \"pipefail\", \"-c\"]");
            assertNoFindings(kf.findings());
            assertEquals(List.of("/bin/bash", "-euo", "pipefail", "-c"), single(kf, Shell.class).shell());
        }

        @Test
        void runJsonAndShellFormAreBothKeptInTheModel() {
            Kubefile kf = parse("FROM scratch", "RUN [\"sh\", \"-c\", \"echo hi\"]", "RUN echo hi");
            List<Run> runs = kf.all(Run.class);
            assertEquals(List.of("sh", "-c", "echo hi"), runs.get(0).command().execForm());
            assertEquals("echo hi", runs.get(1).command().shellForm());
            assertEquals(List.of("kubefile.run", "kubefile.run"), codes(kf.findings()));
        }

        @Test
        void shellTestWithBracketsStaysShellForm() {
            Kubefile kf = parse("FROM scratch", "CMD [ -f x ] && y");
            assertNoFindings(kf.findings());
            assertEquals("[ -f x ] && y", single(kf, Cmd.class).command().shellForm());
        }

        @Test
        void shellTestWithQuotedOperandsStaysShellForm() {
            // BuildKit runs these through /bin/sh -c; they are valid shell, not broken JSON.
            Kubefile kf = parse("FROM scratch",
                    "CMD [ \"$MODE\" = \"ha\" ] && kubectl apply -f ha.yaml",
                    "HEALTHCHECK CMD [ \"$(cat /tmp/state)\" = 'ready' ]",
                    "ENTRYPOINT [ 'a' != 'b' ]");
            assertNoFindings(kf.findings());
            assertEquals("[ \"$MODE\" = \"ha\" ] && kubectl apply -f ha.yaml", single(kf, Cmd.class).command().shellForm());
            assertEquals("[ \"$(cat /tmp/state)\" = 'ready' ]", single(kf, Healthcheck.class).command().shellForm());
            assertEquals("[ 'a' != 'b' ]", single(kf, Entrypoint.class).command().shellForm());
        }

        @Test
        void jsonElementsAreNotSplitOnCommasOrBlanks() {
            Kubefile kf = parse("FROM scratch", "CMD [\"a, b\", \"c d\"]", "CMD [\"a\",\"b\"]");
            assertNoFindings(kf.findings());
            List<Cmd> cmds = kf.all(Cmd.class);
            assertEquals(List.of("a, b", "c d"), cmds.get(0).command().execForm());
            assertEquals(List.of("a", "b"), cmds.get(1).command().execForm());
        }

        @Test
        void jsonEscapesAreDecoded() {
            Kubefile kf = parse("FROM scratch", "CMD [\"echo \\\"hi\\\"\", \"a\\\\b\", \"\\u00e9\"]");
            assertNoFindings(kf.findings());
            assertEquals(List.of("echo \"hi\"", "a\\b", "\u00e9"), single(kf, Cmd.class).command().execForm());
        }

        @Test
        void emptyJsonArrayIsAnEmptyExecForm() {
            Kubefile kf = parse("FROM scratch", "CMD []");
            assertNoFindings(kf.findings());
            assertEquals(List.of(), single(kf, Cmd.class).command().execForm());
        }

        @Test
        void jsonArrayContinuedWithBackslash() {
            Kubefile kf = parse(
                    "FROM scratch",
                    "CMD [\"kubectl apply -f a.yaml\", \\",
                    "     \"kubectl apply -f b.yaml\"]");
            assertNoFindings(kf.findings());
            assertEquals(List.of("FROM 1", "CMD 2-3"), outline(kf));
            assertEquals(List.of("kubectl apply -f a.yaml", "kubectl apply -f b.yaml"), single(kf, Cmd.class).command().execForm());
        }

        @Test
        void jsonArraySplitWithoutBackslashIsAnErrorOnBothLines() {
            Kubefile kf = parse(
                    "FROM scratch",
                    "CMD [\"kubectl apply -f a.yaml\",",
                    "     \"kubectl apply -f b.yaml\"]",
                    "COPY a b");
            assertEquals(List.of("kubefile.json", "kubefile.unknown-instruction"), codes(kf.findings()));
            Finding json = assertFinding(kf.findings(), Severity.ERROR, "kubefile.json", 2, "not closed on this line");
            assertTrue(json.message().contains("[\"kubectl apply -f a.yaml\","), json.message());
            assertTrue(json.fix().contains("on one line"), json.fix());
            assertFinding(kf.findings(), Severity.ERROR, "kubefile.unknown-instruction", 3, "rest of a JSON array");
            // neither half becomes an instruction
            assertEquals(List.of("FROM 1", "COPY 4"), outline(kf));
        }
    }

    @Nested
    class CopyAndAdd {

        @Test
        void copyWithEveryFlag() {
            Kubefile kf = parse(
                    "FROM scratch AS build",
                    "FROM scratch",
                    "COPY --from=build --chown=1000:1000 --chmod=0755 --link a b /dest/");
            assertNoFindings(kf.findings());
            Copy copy = single(kf, Copy.class);
            assertFalse(copy.add());
            assertEquals("COPY", copy.keyword());
            assertEquals(List.of("a", "b"), copy.sources());
            assertEquals("/dest/", copy.destination());
            assertEquals("build", copy.from());
            assertEquals("build", copy.fromFlag().orElseThrow());
            assertEquals("1000:1000", copy.chown());
            assertEquals("0755", copy.chmod());
            assertEquals(Map.of("link", ""), copy.otherFlags());
            assertEquals(lines(3, 3), copy.lines());
        }

        @Test
        void copyWithoutFlags() {
            Copy copy = single(parse("FROM scratch", "COPY charts/* manifests/*.yaml ./"), Copy.class);
            assertEquals(List.of("charts/*", "manifests/*.yaml"), copy.sources());
            assertEquals("./", copy.destination());
            assertNull(copy.from());
            assertTrue(copy.fromFlag().isEmpty());
            assertNull(copy.chown());
            assertNull(copy.chmod());
            assertEquals(Map.of(), copy.otherFlags());
        }

        @Test
        void copyFromAStageIndex() {
            Copy copy = single(parse("FROM scratch", "FROM scratch", "COPY --from=0 /etc/a /etc/a"), Copy.class);
            assertEquals("0", copy.from());
        }

        @Test
        void copyJsonFormKeepsBlanksInPaths() {
            Kubefile kf = parse("FROM scratch", "COPY --chown=1:1 [\"my file.yaml\", \"other file.yaml\", \"manifests/\"]");
            assertNoFindings(kf.findings());
            Copy copy = single(kf, Copy.class);
            assertEquals(List.of("my file.yaml", "other file.yaml"), copy.sources());
            assertEquals("manifests/", copy.destination());
            assertEquals("1:1", copy.chown());
        }

        @Test
        void addWithQuotedFlagValueAndKeptFlags() {
            Kubefile kf = parse("FROM scratch",
                    "ADD --chown=\"65532:65532\" --checksum=sha256:abc https://example.com/helm.tgz opt/");
            assertNoFindings(kf.findings());
            Copy add = single(kf, Copy.class);
            assertTrue(add.add());
            assertEquals("ADD", add.keyword());
            assertEquals("65532:65532", add.chown());
            assertEquals(Map.of("checksum", "sha256:abc"), add.otherFlags());
            assertEquals(List.of("https://example.com/helm.tgz"), add.sources());
            assertEquals("opt/", add.destination());
        }

        @Test
        void booleanFlagsTakeTrueOrFalse() {
            Kubefile kf = parse("FROM scratch", "COPY --link=false a b", "COPY --link=TRUE --parents=true c d");
            assertNoFindings(kf.findings());
            assertEquals(Map.of("link", "false"), kf.all(Copy.class).get(0).otherFlags());
            assertEquals(Map.of("link", "TRUE"), kf.all(Copy.class).get(1).otherFlags());
            assertTrue(kf.all(Copy.class).get(1).parents());
        }

        @Test
        void repeatableFlagsMayBeRepeated() {
            Kubefile kf = parse("FROM scratch", "COPY --exclude=*.md --exclude=*.txt docs ./",
                    "RUN --mount=type=cache,target=/a --mount=type=secret,id=x make");
            assertEquals(List.of("kubefile.run"), codes(kf.findings()));
            assertEquals(List.of("docs"), single(kf, Copy.class).sources());
        }

        @Test
        void emptyStringFlagValueIsAllowed() {
            Copy copy = single(parse("FROM scratch", "COPY --chown= a b"), Copy.class);
            assertEquals("", copy.chown());
        }

        @Test
        void doubleDashEndsTheFlags() {
            Kubefile kf = parse("FROM scratch", "COPY --chown=1:1 -- --weird-name dest");
            assertNoFindings(kf.findings());
            Copy copy = single(kf, Copy.class);
            assertEquals("1:1", copy.chown());
            assertEquals(List.of("--weird-name"), copy.sources());
        }

        @Test
        void copyParentsAndEveryExcludeAreRead() {
            Copy copy = single(parse("FROM scratch", "copy --parents --exclude=*.md --exclude='**/test' docs ./"), Copy.class);
            assertEquals(Map.of(), copy.otherFlags());
            assertTrue(copy.parents());
            assertEquals(List.of("*.md", "**/test"), copy.excludes(), "a repeated --exclude keeps every pattern, in order");
            assertEquals(List.of("docs"), copy.sources());
            Copy plain = single(parse("FROM scratch", "COPY --parents=false docs ./"), Copy.class);
            assertFalse(plain.parents());
            assertEquals(List.of(), plain.excludes());
        }

        @Test
        void anEmptyExcludeIsAnErrorOnItsLine() {
            Kubefile kf = parse("FROM scratch", "COPY --exclude= docs ./");
            assertTrue(kf.findings().stream().anyMatch(f -> f.line() == 2 && f.message().contains("--exclude")), kf.findings().toString());
        }
    }

    @Nested
    class OtherInstructions {

        @Test
        void simpleInstructions() {
            Kubefile kf = parse(
                    "FROM scratch",
                    "WORKDIR /opt/app",
                    "USER 65532:65532",
                    "EXPOSE 80 443/tcp 53/udp",
                    "VOLUME [\"/data\", \"/var/log\"]",
                    "VOLUME /cache /tmp",
                    "MAINTAINER sealos <sealos@example.com>",
                    "STOPSIGNAL SIGTERM",
                    "HEALTHCHECK NONE");
            assertNoFindings(kf.findings());
            assertEquals(List.of("FROM 1", "WORKDIR 2", "USER 3", "EXPOSE 4", "VOLUME 5", "VOLUME 6", "MAINTAINER 7",
                    "STOPSIGNAL 8", "HEALTHCHECK 9"), outline(kf));
            assertEquals("/opt/app", single(kf, Workdir.class).path());
            assertEquals("65532:65532", single(kf, User.class).user());
            assertEquals(List.of("80", "443/tcp", "53/udp"), single(kf, Expose.class).ports());
            assertEquals(List.of("/data", "/var/log"), kf.all(Volume.class).get(0).paths());
            assertEquals(List.of("/cache", "/tmp"), kf.all(Volume.class).get(1).paths());
            assertEquals("sealos <sealos@example.com>", single(kf, Maintainer.class).maintainer());
            assertEquals("SIGTERM", single(kf, StopSignal.class).signal());
            Healthcheck none = single(kf, Healthcheck.class);
            assertTrue(none.isNone());
            assertNull(none.command());
        }

        @Test
        void workdirKeepsBlanks() {
            assertEquals("/opt/my app", single(parse("FROM scratch", "WORKDIR /opt/my app"), Workdir.class).path());
        }

        @Test
        void healthcheckCmdWithOptions() {
            Kubefile kf = parse("FROM scratch",
                    "HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD [\"curl\", \"-f\", \"http://localhost/\"]");
            assertNoFindings(kf.findings());
            Healthcheck check = single(kf, Healthcheck.class);
            assertFalse(check.isNone());
            assertEquals(Map.of("interval", "30s", "timeout", "5s", "start-period", "10s", "retries", "3"), check.options());
            assertEquals(List.of("curl", "-f", "http://localhost/"), check.command().execForm());
        }

        @Test
        void healthcheckShellFormWithLowerCaseType() {
            Healthcheck check = single(parse("FROM scratch", "HEALTHCHECK cmd curl -f http://localhost/ || exit 1"), Healthcheck.class);
            assertEquals("curl -f http://localhost/ || exit 1", check.command().shellForm());
            assertEquals(Map.of(), check.options());
        }

        @Test
        void onbuildTriggerIsParsed() {
            Kubefile kf = parse("FROM scratch", "ONBUILD COPY --from=build manifests manifests", "onbuild label a=b");
            assertNoFindings(kf.findings());
            List<Onbuild> onbuilds = kf.all(Onbuild.class);
            assertEquals(List.of("FROM 1", "ONBUILD 2", "ONBUILD 3"), outline(kf));
            Onbuild first = onbuilds.get(0);
            assertEquals("COPY --from=build manifests manifests", first.triggerText());
            Copy trigger = assertInstanceOf(Copy.class, first.trigger());
            assertEquals("build", trigger.from());
            assertEquals(List.of("manifests"), trigger.sources());
            assertEquals("manifests", trigger.destination());
            assertEquals(first.lines(), trigger.lines());
            Label label = assertInstanceOf(Label.class, onbuilds.get(1).trigger());
            assertEquals(List.of(kv("a", "b")), label.pairs());
        }

        @Test
        void onbuildRunIsAWarningNotAnError() {
            Kubefile kf = parse("FROM scratch", "ONBUILD RUN make");
            assertFalse(kf.hasErrors());
            assertInstanceOf(Run.class, single(kf, Onbuild.class).trigger());
            assertFinding(kf.findings(), Severity.WARNING, "kubefile.onbuild-run", 2, "ONBUILD RUN will fail");
        }

        @Test
        void argNamesAndDefaults() {
            Kubefile kf = parse("ARG BASE=scratch", "FROM $BASE", "ARG A B=2 C=\"x y\" D=");
            assertNoFindings(kf.findings());
            List<Arg> args = kf.all(Arg.class);
            assertEquals(List.of(kv("BASE", "scratch")), args.get(0).args());
            assertEquals(List.of(kv("A", null), kv("B", "2"), kv("C", "\"x y\""), kv("D", "")), args.get(1).args());
            assertEquals("$BASE", single(kf, From.class).image(), "the parser keeps variables; the resolver expands them");
        }

        @Test
        void envPairsKeepQuotesAndEscapesForTheResolver() {
            Kubefile kf = parse("FROM scratch", "ENV A=1 B=\"two words\" C=three\\ words D= E='$x'");
            assertNoFindings(kf.findings());
            Env env = single(kf, Env.class);
            assertFalse(env.legacyForm());
            assertEquals(List.of(kv("A", "1"), kv("B", "\"two words\""), kv("C", "three\\ words"), kv("D", ""), kv("E", "'$x'")),
                    env.pairs());
        }

        @Test
        void legacyEnvKeyValue() {
            Kubefile kf = parse("FROM scratch", "ENV NODE_IP \"core.harbor.domain\"", "ENV GREETING hello  world");
            List<Env> envs = kf.all(Env.class);
            assertTrue(envs.get(0).legacyForm());
            assertEquals(List.of(kv("NODE_IP", "\"core.harbor.domain\"")), envs.get(0).pairs());
            assertEquals(List.of(kv("GREETING", "hello  world")), envs.get(1).pairs());
            assertEquals(List.of("kubefile.legacy-key-value", "kubefile.legacy-key-value"), codes(kf.findings()));
            Finding first = assertFinding(kf.findings(), Severity.WARNING, "kubefile.legacy-key-value", 2, "legacy 'ENV key value' form");
            assertEquals("write ENV NODE_IP=\"core.harbor.domain\"", first.fix());
            Finding second = assertFinding(kf.findings(), Severity.WARNING, "kubefile.legacy-key-value", 3, "legacy");
            assertEquals("write ENV GREETING=\"hello  world\"", second.fix());
        }

        @Test
        void legacyLabelKeyValue() {
            Kubefile kf = parse("FROM scratch", "LABEL maintainer sealos team");
            Label label = single(kf, Label.class);
            assertTrue(label.legacyForm());
            assertEquals(List.of(kv("maintainer", "sealos team")), label.pairs());
            assertFinding(kf.findings(), Severity.WARNING, "kubefile.legacy-key-value", 2, "legacy 'LABEL key value' form");
        }

        @Test
        void labelWithQuotedKeysAndSeveralPairs() {
            Kubefile kf = parse("FROM scratch",
                    "LABEL \"apps.sealos.io/type\"=rootfs \"apps.sealos.io/version\"=v1beta1 check=\"check.sh \\$registryData\"");
            assertNoFindings(kf.findings());
            assertEquals(List.of(kv("\"apps.sealos.io/type\"", "rootfs"), kv("\"apps.sealos.io/version\"", "v1beta1"),
                    kv("check", "\"check.sh \\$registryData\"")), single(kf, Label.class).pairs());
        }

        @Test
        void runIsParsedAndReportedWithAFix() {
            Kubefile kf = parse(
                    "FROM scratch",
                    "RUN apt-get update && \\",
                    "    apt-get install -y curl");
            Run run = single(kf, Run.class);
            assertEquals(lines(2, 3), run.lines());
            assertEquals("apt-get update &&     apt-get install -y curl", run.command().shellForm());
            assertEquals(List.of("kubefile.run"), codes(kf.findings()));
            Finding finding = assertFinding(kf.findings(), Severity.ERROR, "kubefile.run", 2, "RUN cannot work in a cluster image");
            assertTrue(finding.fix().contains("opt/"), finding.fix());
            assertTrue(finding.fix().contains("init.sh"), finding.fix());
        }

        @Test
        void runWithBuildKitFlagsIsStillRun() {
            Kubefile kf = parse("FROM scratch", "RUN --mount=type=cache,target=/root/.cache go build");
            assertEquals("go build", single(kf, Run.class).command().shellForm());
            assertEquals(List.of("kubefile.run"), codes(kf.findings()));
        }
    }

    @Nested
    class Structure {

        @Test
        void fromWithPlatformAndStageName() {
            Kubefile kf = parse("FROM --platform=$BUILDPLATFORM docker.io/labring/kubernetes:v1.28.15 As Base");
            assertNoFindings(kf.findings());
            From from = single(kf, From.class);
            assertEquals("docker.io/labring/kubernetes:v1.28.15", from.image());
            assertEquals("base", from.stageName());
            assertEquals("$BUILDPLATFORM", from.platform());
            assertEquals("$BUILDPLATFORM", from.platformFlag().orElseThrow());
            assertFalse(from.isScratch());
        }

        @ParameterizedTest
        @ValueSource(strings = {"scratch", "SCRATCH"})
        void scratch(String image) {
            From from = single(parse("FROM " + image), From.class);
            assertTrue(from.isScratch());
            assertNull(from.stageName());
            assertTrue(from.platformFlag().isEmpty());
        }

        @Test
        void argMayComeBeforeFrom() {
            Kubefile kf = parse("ARG VERSION=v1", "# comment", "ARG BASE", "FROM scratch", "LABEL v=$VERSION");
            assertNoFindings(kf.findings());
            assertEquals(List.of("ARG 1", "ARG 3", "FROM 4", "LABEL 5"), outline(kf));
        }

        @Test
        void instructionsBeforeFromAreReportedOnce() {
            Kubefile kf = parse("ARG V=1", "LABEL a=b", "COPY a b", "FROM scratch");
            assertEquals(List.of("kubefile.no-from"), codes(kf.findings()));
            Finding finding = assertFinding(kf.findings(), Severity.ERROR, "kubefile.no-from", 2, "LABEL before the first FROM");
            assertTrue(finding.fix().contains("only ARG"), finding.fix());
            assertEquals(List.of("ARG 1", "LABEL 2", "COPY 3", "FROM 4"), outline(kf), "the instructions stay in the model");
        }

        @Test
        void onlyArgsIsNotAKubefile() {
            Kubefile kf = parse("ARG VERSION=v1", "ARG BASE");
            assertEquals(List.of("kubefile.no-from"), codes(kf.findings()));
            Finding finding = assertFinding(kf.findings(), Severity.ERROR, "kubefile.no-from", 1, "no FROM");
            assertTrue(finding.fix().contains("FROM"), finding.fix());
            assertEquals(List.of("ARG 1", "ARG 2"), outline(kf));
        }

        @Test
        void aFromThatDoesNotParseIsNotAlsoReportedAsMissing() {
            Kubefile kf = parse("ARG VERSION=v1", "FROM scratch base");
            assertEquals(List.of("kubefile.from"), codes(kf.findings()));
        }

        @Test
        void emptyFile() {
            Kubefile kf = parseRaw("");
            assertEquals(List.of(), kf.instructions());
            assertFinding(kf.findings(), Severity.ERROR, "kubefile.empty", 0, "no instructions");
            assertTrue(kf.hasErrors());
        }

        @Test
        void fileWithOnlyCommentsAndBlankLines() {
            Kubefile kf = parse("# syntax=docker/dockerfile:1", "", "# nothing here", "   ");
            assertEquals(List.of("kubefile.empty"), codes(kf.findings()));
            assertEquals(Map.of("syntax", "docker/dockerfile:1"), kf.directives());
        }

        @Test
        void duplicateStageNames() {
            Kubefile kf = parse("FROM scratch AS base", "COPY a b", "FROM scratch AS Base", "FROM scratch AS other");
            assertEquals(List.of("kubefile.from"), codes(kf.findings()));
            assertFinding(kf.findings(), Severity.ERROR, "kubefile.from", 3, "duplicate stage name 'base'");
        }

        @Test
        void findingsNameTheFileGiven() {
            Kubefile kf = KubefileParser.parse(java.nio.file.Path.of("sub/Sealfile"), "FROM scratch\nRUN x\n");
            assertEquals(java.nio.file.Path.of("sub/Sealfile"), kf.file());
            assertEquals("sub/Sealfile:2", kf.findings().get(0).location());
        }
    }
}
