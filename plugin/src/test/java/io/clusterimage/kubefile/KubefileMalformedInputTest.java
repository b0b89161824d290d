package io.clusterimage.kubefile;

import io.clusterimage.core.Finding;
import io.clusterimage.core.Severity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.clusterimage.kubefile.KubefileTestSupport.assertFinding;
import static io.clusterimage.kubefile.KubefileTestSupport.parseRaw;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * One malformed Kubefile per row, each with the finding it must produce: code, 1-based line (0 for
 * the whole file) and a phrase of the message. Lines of an input are separated by {@code |}.
 */
class KubefileMalformedInputTest {

    private static final Severity E = Severity.ERROR;
    private static final Severity W = Severity.WARNING;

    static Stream<Arguments> malformed() {
        return Stream.of(
                // ---- file structure ----
                row("empty file", "", E, "kubefile.empty", 0, "the file has no instructions"),
                row("only comments", "# syntax=docker/dockerfile:1|# nothing", E, "kubefile.empty", 0, "no instructions"),
                row("COPY before FROM", "COPY a b|FROM scratch", E, "kubefile.no-from", 1, "COPY before the first FROM"),
                row("ENV after global ARG, before FROM", "ARG V=1|ENV A=$V|FROM scratch", E, "kubefile.no-from", 2,
                        "ENV before the first FROM"),
                row("only ARG, no FROM", "# versions|ARG A=1|ARG B=2", E, "kubefile.no-from", 2, "no stage to build"),
                row("RUN", "FROM scratch|RUN make", E, "kubefile.run", 2, "RUN cannot work in a cluster image"),
                row("RUN continued", "FROM scratch|COPY a b|RUN a \\|  && b", E, "kubefile.run", 3, "RUN cannot work"),
                row("unknown instruction", "FROM scratch|FETCH http://x", E, "kubefile.unknown-instruction", 2,
                        "unknown instruction 'FETCH'"),
                row("ONBUILD with unknown trigger", "FROM scratch|ONBUILD FETCH x", E, "kubefile.unknown-instruction", 2,
                        "unknown instruction 'FETCH'"),

                // ---- FROM ----
                row("FROM with two arguments", "FROM scratch base", E, "kubefile.from", 1, "one or three arguments"),
                row("FROM with four arguments", "FROM scratch AS base extra", E, "kubefile.from", 1, "one or three arguments"),
                row("FROM without image", "FROM", E, "kubefile.from", 1, "one or three arguments"),
                row("stage name starting with a digit", "FROM scratch AS 1st", E, "kubefile.from", 1,
                        "invalid name for build stage '1st'"),
                row("duplicate stage name", "FROM scratch AS a|FROM scratch AS b|FROM scratch AS A", E, "kubefile.from", 3,
                        "duplicate stage name 'a'"),
                row("unknown FROM flag", "FROM --plat=linux/amd64 scratch", E, "kubefile.flag", 1, "unknown flag --plat for FROM"),

                // ---- JSON ----
                row("JSON array split over two lines", "FROM scratch|CMD [\"a\",|  \"b\"]", E, "kubefile.json", 2,
                        "not closed on this line"),
                row("second half of a split JSON array", "FROM scratch|CMD [\"a\",|  \"b\"]", E, "kubefile.unknown-instruction", 3,
                        "rest of a JSON array"),
                row("JSON array with single quotes", "FROM scratch|CMD ['kubectl', 'apply']", E, "kubefile.json", 2,
                        "not valid JSON"),
                row("JSON array without comma", "FROM scratch|ENTRYPOINT [\"a\" \"b\"]", E, "kubefile.json", 2, "not valid JSON"),
                row("JSON array with trailing comma", "FROM scratch|CMD [\"a\", \"b\",]", E, "kubefile.json", 2, "not valid JSON"),
                row("JSON array of numbers", "FROM scratch|CMD [1, 2]", E, "kubefile.json", 2, "JSON array of strings"),
                row("JSON array with a number", "FROM scratch|ENTRYPOINT [\"kubectl\", 1]", E, "kubefile.json", 2,
                        "JSON array of strings"),
                row("VOLUME JSON array of booleans", "FROM scratch|VOLUME [true]", E, "kubefile.json", 2, "JSON array of strings"),
                row("JSON string not closed", "FROM scratch|CMD [\"kubectl apply|  -f x\"]", E, "kubefile.json", 2,
                        "not closed on this line"),
                row("single-quoted JSON array split over lines", "FROM scratch|CMD ['a',|'b']", E, "kubefile.json", 2,
                        "not closed on this line"),
                row("VOLUME JSON split over lines", "FROM scratch|VOLUME [\"/data\",|\"/logs\"]", E, "kubefile.json", 2,
                        "VOLUME starts a JSON array"),
                row("COPY JSON split over lines", "FROM scratch|COPY [\"a\",|\"b\"]", E, "kubefile.json", 2,
                        "COPY starts a JSON array"),

                // ---- COPY / ADD ----
                row("COPY without destination", "FROM scratch|COPY manifests", E, "kubefile.copy", 2,
                        "COPY requires at least two arguments"),
                row("ADD JSON without destination", "FROM scratch|ADD [\"a\"]", E, "kubefile.copy", 2,
                        "ADD requires at least two arguments"),
                row("COPY without arguments", "FROM scratch|COPY --chown=1:1", E, "kubefile.copy", 2, "at least two arguments"),
                row("unknown COPY flag", "FROM scratch|COPY --foo=bar a b", E, "kubefile.flag", 2, "unknown flag --foo for COPY"),
                row("ADD --from", "FROM scratch|ADD --from=build a b", E, "kubefile.flag", 2, "unknown flag --from for ADD"),
                row("COPY --from without =", "FROM scratch|COPY --from builder a b", E, "kubefile.flag", 2,
                        "flag --from of COPY needs a value"),
                row("FROM --platform without =", "FROM --platform linux/arm64 scratch", E, "kubefile.flag", 1,
                        "flag --platform of FROM needs a value"),
                row("COPY flag given twice", "FROM scratch|COPY --chown=1:1 --chown=2:2 a b", E, "kubefile.flag", 2,
                        "duplicate flag --chown for COPY"),
                row("boolean flag with another value", "FROM scratch|COPY --link=maybe a b", E, "kubefile.flag", 2,
                        "flag --link of COPY takes true or false, not 'maybe'"),
                row("boolean flag with an empty value", "FROM scratch|ADD --link= a b", E, "kubefile.flag", 2,
                        "flag --link of ADD needs a value"),
                row("flag name in upper case", "FROM scratch|COPY --FROM=build a b", E, "kubefile.flag", 2,
                        "unknown flag --FROM for COPY"),
                row("flag on ENV", "FROM scratch|ENV --x=1 A=b", E, "kubefile.flag", 2, "unknown flag --x for ENV"),
                row("flag on CMD shell form", "FROM scratch|CMD --help", E, "kubefile.flag", 2, "unknown flag --help for CMD"),

                // ---- ENV / LABEL / ARG ----
                row("ENV without arguments", "FROM scratch|ENV", E, "kubefile.arguments", 2, "ENV requires at least one argument"),
                row("legacy ENV without value", "FROM scratch|ENV A", E, "kubefile.arguments", 2, "ENV A has no value"),
                row("LABEL pair without =", "FROM scratch|LABEL a=b c", E, "kubefile.arguments", 2, "can't find = in 'c'"),
                row("LABEL blank name", "FROM scratch|LABEL =x", E, "kubefile.arguments", 2, "LABEL names can not be blank"),
                row("ENV blank name", "FROM scratch|ENV a=1 =x", E, "kubefile.arguments", 2, "ENV names can not be blank"),
                row("ARG without name", "FROM scratch|ARG", E, "kubefile.arg", 2, "ARG requires at least one argument"),
                row("ARG blank name", "FROM scratch|ARG =x", E, "kubefile.arg", 2, "ARG names can not be blank"),
                row("legacy ENV form", "FROM scratch|ENV A 1", W, "kubefile.legacy-key-value", 2, "legacy 'ENV key value' form"),

                // ---- single-argument instructions ----
                row("WORKDIR without path", "FROM scratch|WORKDIR", E, "kubefile.arguments", 2, "WORKDIR requires an argument"),
                row("USER without name", "FROM scratch|USER", E, "kubefile.arguments", 2, "USER requires an argument"),
                row("STOPSIGNAL without signal", "FROM scratch|STOPSIGNAL", E, "kubefile.arguments", 2, "STOPSIGNAL requires an argument"),
                row("MAINTAINER without name", "FROM scratch|MAINTAINER", E, "kubefile.arguments", 2, "MAINTAINER requires an argument"),
                row("EXPOSE without port", "FROM scratch|EXPOSE", E, "kubefile.arguments", 2, "EXPOSE requires at least one argument"),
                row("VOLUME without path", "FROM scratch|VOLUME", E, "kubefile.arguments", 2, "VOLUME requires at least one argument"),
                row("CMD without command", "FROM scratch|CMD", E, "kubefile.command", 2, "CMD needs a command"),
                row("ENTRYPOINT without command", "FROM scratch|ENTRYPOINT", E, "kubefile.command", 2, "ENTRYPOINT needs a command"),

                // ---- SHELL / HEALTHCHECK / ONBUILD ----
                row("SHELL in shell form", "FROM scratch|SHELL /bin/bash -c", E, "kubefile.shell", 2, "JSON form"),
                row("SHELL empty array", "FROM scratch|SHELL []", E, "kubefile.shell", 2, "JSON form"),
                row("HEALTHCHECK bad type", "FROM scratch|HEALTHCHECK --interval=5s PING localhost", E, "kubefile.healthcheck", 2,
                        "HEALTHCHECK needs NONE or CMD"),
                row("HEALTHCHECK CMD without command", "FROM scratch|HEALTHCHECK CMD", E, "kubefile.healthcheck", 2,
                        "NONE or CMD"),
                row("HEALTHCHECK NONE with arguments", "FROM scratch|HEALTHCHECK NONE CMD x", E, "kubefile.healthcheck", 2,
                        "HEALTHCHECK NONE takes no arguments"),
                row("unknown HEALTHCHECK flag", "FROM scratch|HEALTHCHECK --every=5s CMD x", E, "kubefile.flag", 2,
                        "unknown flag --every for HEALTHCHECK"),
                row("ONBUILD FROM", "FROM scratch|ONBUILD FROM alpine", E, "kubefile.onbuild", 2,
                        "FROM isn't allowed as an ONBUILD trigger"),
                row("ONBUILD ONBUILD", "FROM scratch|ONBUILD ONBUILD COPY a b", E, "kubefile.onbuild", 2,
                        "ONBUILD isn't allowed as an ONBUILD trigger"),
                row("ONBUILD MAINTAINER", "FROM scratch|onbuild maintainer me", E, "kubefile.onbuild", 2,
                        "MAINTAINER isn't allowed as an ONBUILD trigger"),
                row("ONBUILD without trigger", "FROM scratch|ONBUILD", E, "kubefile.onbuild", 2, "ONBUILD needs an instruction"),
                row("ONBUILD RUN", "FROM scratch|ONBUILD RUN make", W, "kubefile.onbuild-run", 2, "ONBUILD RUN will fail"),
                row("ONBUILD trigger with a bad flag", "FROM scratch|ONBUILD COPY --foo a b", E, "kubefile.flag", 2,
                        "unknown flag --foo for COPY"),

                // ---- lines and directives ----
                row("blank line inside a continuation", "FROM scratch|LABEL a=1 \\||  b=2", W, "kubefile.empty-continuation", 3,
                        "empty line inside a continuation"),
                row("invalid escape directive", "# escape=x|FROM scratch", E, "kubefile.directive", 1, "invalid escape character 'x'"),
                row("escape directive twice", "# escape=\\|# escape=`|FROM scratch", E, "kubefile.directive", 2,
                        "only one 'escape' parser directive"),
                row("syntax directive twice", "# syntax=a|# syntax=b|FROM scratch", E, "kubefile.directive", 2,
                        "only one 'syntax' parser directive"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void reportsTheProblemOnItsLine(String name, String input, Severity severity, String code, int line, String phrase) {
        Kubefile kubefile = parseRaw(input.replace('|', '\n') + "\n");
        Finding finding = assertFinding(kubefile.findings(), severity, code, line, phrase);
        assertTrue(severity != Severity.ERROR || kubefile.hasErrors());
        if (severity == Severity.ERROR) {
            assertTrue(!finding.fix().isEmpty() || code.equals("kubefile.arguments"),
                    () -> "an error should say how to fix it: " + finding);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void theFailingInstructionIsLeftOutOfTheModel(String name, String input, Severity severity, String code, int line,
                                                   String phrase) {
        Kubefile kubefile = parseRaw(input.replace('|', '\n') + "\n");
        List<String> codesThatKeepTheInstruction = List.of("kubefile.no-from", "kubefile.run", "kubefile.legacy-key-value",
                "kubefile.onbuild-run", "kubefile.empty-continuation", "kubefile.directive", "kubefile.empty");
        if (codesThatKeepTheInstruction.contains(code) || code.equals("kubefile.from") && phrase.startsWith("duplicate")) {
            return;
        }
        assertTrue(kubefile.instructions().stream().noneMatch(i -> i.lines().first() <= line && line <= i.lines().last()),
                () -> name + ": the instruction on line " + line + " should not be in the model: " + kubefile.instructions());
    }

    private static Arguments row(String name, String input, Severity severity, String code, int line, String phrase) {
        return arguments(name, input, severity, code, line, phrase);
    }
}
