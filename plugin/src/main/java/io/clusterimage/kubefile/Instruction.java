package io.clusterimage.kubefile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * One instruction of a Kubefile, typed, with the lines it came from.
 *
 * <p>Values are kept as written (quotes and {@code $VAR} references included) until
 * {@link KubefileResolver} expands them, because what a variable means depends on the build
 * arguments and on the instructions before it. {@link #expand} returns a copy with every field
 * that Docker substitutes variables in run through the given expansion; fields that Docker leaves
 * alone (CMD, ENTRYPOINT, RUN, SHELL, HEALTHCHECK, ONBUILD, MAINTAINER) are kept as they are.
 */
public sealed interface Instruction {

    /** Lines of the Kubefile this instruction spans (continuations included). */
    Lines lines();

    /** The keyword in upper case, e.g. {@code COPY}. */
    String keyword();

    /** A copy with variable references expanded where Docker expands them. */
    default Instruction expand(UnaryOperator<String> word) {
        return this;
    }

    /** First and last line (1-based) of an instruction. */
    record Lines(int first, int last) {
        public static Lines of(int line) {
            return new Lines(line, line);
        }

        @Override
        public String toString() {
            return first == last ? Integer.toString(first) : first + "-" + last;
        }
    }

    /** {@code key=value}; for ARG the value may be absent. */
    record KeyValue(String key, String value) {
    }

    /**
     * CMD, ENTRYPOINT, RUN and HEALTHCHECK arguments: either the JSON (exec) form, one element per
     * argument, or the shell form as one string.
     */
    record CommandLine(List<String> execForm, String shellForm) {
        public static CommandLine exec(List<String> args) {
            return new CommandLine(List.copyOf(args), null);
        }

        public static CommandLine shell(String command) {
            return new CommandLine(null, command);
        }

        public boolean isExecForm() {
            return execForm != null;
        }

        /**
         * The argv an image config stores: the exec form as is, the shell form wrapped in the
         * stage's shell ({@code ["/bin/sh","-c", command]} by default), as buildah writes it.
         */
        public List<String> toArgv(List<String> shell) {
            if (isExecForm()) {
                return execForm;
            }
            var argv = new ArrayList<>(shell);
            argv.add(shellForm);
            return List.copyOf(argv);
        }
    }

    /** {@code FROM [--platform=p] image [AS name]}. */
    record From(Lines lines, String image, String stageName, String platform) implements Instruction {
        public String keyword() {
            return "FROM";
        }

        public boolean isScratch() {
            return "scratch".equalsIgnoreCase(image);
        }

        public Optional<String> platformFlag() {
            return Optional.ofNullable(platform);
        }

        @Override
        public Instruction expand(UnaryOperator<String> word) {
            return new From(lines, word.apply(image), stageName, platform == null ? null : word.apply(platform));
        }
    }

    /**
     * {@code COPY} or {@code ADD}.
     *
     * @param from        {@code --from} (a stage name or index, or an image), or null
     * @param excludes    {@code --exclude} patterns, in order (the flag may repeat)
     * @param parents     {@code --parents}: each source keeps its path under the destination
     * @param otherFlags  flags we keep but do not interpret (e.g. {@code --link})
     */
    record Copy(Lines lines, boolean add, List<String> sources, String destination, String from, String chown,
                String chmod, List<String> excludes, boolean parents, Map<String, String> otherFlags) implements Instruction {
        public String keyword() {
            return add ? "ADD" : "COPY";
        }

        public Optional<String> fromFlag() {
            return Optional.ofNullable(from);
        }

        @Override
        public Instruction expand(UnaryOperator<String> word) {
            return new Copy(lines, add, sources.stream().map(word).toList(), word.apply(destination),
                    from == null ? null : word.apply(from), chown == null ? null : word.apply(chown),
                    chmod == null ? null : word.apply(chmod), excludes.stream().map(word).toList(), parents, otherFlags);
        }
    }

    /** {@code ENV k=v ...} or the legacy {@code ENV k v}. */
    record Env(Lines lines, List<KeyValue> pairs, boolean legacyForm) implements Instruction {
        public String keyword() {
            return "ENV";
        }

        @Override
        public Instruction expand(UnaryOperator<String> word) {
            return new Env(lines, pairs.stream().map(p -> new KeyValue(word.apply(p.key()), word.apply(p.value()))).toList(), legacyForm);
        }
    }

    /** {@code LABEL k=v ...} or the legacy {@code LABEL k v}. */
    record Label(Lines lines, List<KeyValue> pairs, boolean legacyForm) implements Instruction {
        public String keyword() {
            return "LABEL";
        }

        @Override
        public Instruction expand(UnaryOperator<String> word) {
            return new Label(lines, pairs.stream().map(p -> new KeyValue(word.apply(p.key()), word.apply(p.value()))).toList(), legacyForm);
        }
    }

    /** {@code ARG name[=default] ...}; the value of a pair is null when there is no default. */
    record Arg(Lines lines, List<KeyValue> args) implements Instruction {
        public String keyword() {
            return "ARG";
        }
        // ARG defaults are expanded by the resolver one at a time, since each may use the one before.
    }

    record Cmd(Lines lines, CommandLine command) implements Instruction {
        public String keyword() {
            return "CMD";
        }
    }

    record Entrypoint(Lines lines, CommandLine command) implements Instruction {
        public String keyword() {
            return "ENTRYPOINT";
        }
    }

    /** {@code RUN}: kept in the model so it can be reported precisely; it cannot be executed. */
    record Run(Lines lines, CommandLine command) implements Instruction {
        public String keyword() {
            return "RUN";
        }
    }

    /** {@code SHELL ["executable", "params"]} (JSON form only). */
    record Shell(Lines lines, List<String> shell) implements Instruction {
        public String keyword() {
            return "SHELL";
        }
    }

    record Workdir(Lines lines, String path) implements Instruction {
        public String keyword() {
            return "WORKDIR";
        }

        @Override
        public Instruction expand(UnaryOperator<String> word) {
            return new Workdir(lines, word.apply(path));
        }
    }

    record User(Lines lines, String user) implements Instruction {
        public String keyword() {
            return "USER";
        }

        @Override
        public Instruction expand(UnaryOperator<String> word) {
            return new User(lines, word.apply(user));
        }
    }

    record Expose(Lines lines, List<String> ports) implements Instruction {
        public String keyword() {
            return "EXPOSE";
        }

        @Override
        public Instruction expand(UnaryOperator<String> word) {
            return new Expose(lines, ports.stream().map(word).toList());
        }
    }

    record Volume(Lines lines, List<String> paths) implements Instruction {
        public String keyword() {
            return "VOLUME";
        }

        @Override
        public Instruction expand(UnaryOperator<String> word) {
            return new Volume(lines, paths.stream().map(word).toList());
        }
    }

    record Maintainer(Lines lines, String maintainer) implements Instruction {
        public String keyword() {
            return "MAINTAINER";
        }
    }

    record StopSignal(Lines lines, String signal) implements Instruction {
        public String keyword() {
            return "STOPSIGNAL";
        }

        @Override
        public Instruction expand(UnaryOperator<String> word) {
            return new StopSignal(lines, word.apply(signal));
        }
    }

    /**
     * {@code HEALTHCHECK NONE} (command null) or {@code HEALTHCHECK [--interval=..] CMD ...}.
     */
    record Healthcheck(Lines lines, CommandLine command, Map<String, String> options) implements Instruction {
        public String keyword() {
            return "HEALTHCHECK";
        }

        public boolean isNone() {
            return command == null;
        }
    }

    /** {@code ONBUILD <instruction>}: stored in the image config for images built FROM this one. */
    record Onbuild(Lines lines, String triggerText, Instruction trigger) implements Instruction {
        public String keyword() {
            return "ONBUILD";
        }
    }
}
