package io.clusterimage.kubefile;

import io.clusterimage.core.Finding;
import io.clusterimage.core.Platform;
import io.clusterimage.kubefile.Instruction.KeyValue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Expands the variables of a parsed Kubefile the way BuildKit does, for one target platform and a
 * set of build arguments:
 * <ul>
 *   <li>ARGs before the first FROM are global and usable only in FROM lines;</li>
 *   <li>inside a stage an ARG is visible after its declaration; a build argument overrides its
 *       default; a bare {@code ARG X} inherits the global {@code X};</li>
 *   <li>the automatic platform ARGs ({@code TARGETPLATFORM}, {@code TARGETARCH}, {@code BUILDOS}...)
 *       are global, and visible in a stage once declared;</li>
 *   <li>ENV wins over ARG; every pair of one ENV or LABEL sees the values from before that
 *       instruction, not from its own earlier pairs;</li>
 *   <li>a stage built FROM an earlier stage starts with that stage's ENV.</li>
 * </ul>
 */
public final class KubefileResolver {

    private final Kubefile kubefile;
    private final Map<String, String> buildArgs;
    private final Map<String, String> automaticArgs;
    private final List<Finding> findings = new ArrayList<>();
    private final Set<String> consumedBuildArgs = new LinkedHashSet<>();
    /** What all words of the Kubefile may expand to, together (see {@link Words}). */
    static final long MAX_KUBEFILE_CHARS = 16L << 20;
    private long kubefileChars;
    private boolean kubefileTooLong;

    private KubefileResolver(Kubefile kubefile, Map<String, String> buildArgs, Platform target, Platform build) {
        this.kubefile = kubefile;
        this.buildArgs = Map.copyOf(buildArgs);
        this.automaticArgs = automaticArgs(target, build);
    }

    /**
     * @param buildArgs values for ARG, from the POM or {@code -D}
     * @param target    the platform the image is built for
     * @param build     the platform of the build machine
     */
    public static BuildPlan resolve(Kubefile kubefile, Map<String, String> buildArgs, Platform target, Platform build) {
        return new KubefileResolver(kubefile, buildArgs, target, build).run(target);
    }

    static Map<String, String> automaticArgs(Platform target, Platform build) {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("TARGETPLATFORM", target.toString());
        args.put("TARGETOS", target.os());
        args.put("TARGETARCH", target.architecture());
        args.put("TARGETVARIANT", target.variant());
        args.put("BUILDPLATFORM", build.toString());
        args.put("BUILDOS", build.os());
        args.put("BUILDARCH", build.architecture());
        args.put("BUILDVARIANT", build.variant());
        return args;
    }

    private BuildPlan run(Platform target) {
        Map<String, String> global = new HashMap<>(automaticArgs);
        List<Stage> stages = new ArrayList<>();
        Instruction.From currentFrom = null;
        List<Instruction> current = new ArrayList<>();
        Map<String, String> stageArgs = new HashMap<>();
        Map<String, String> stageEnv = new HashMap<>();
        Map<String, Map<String, String>> envByStageName = new HashMap<>();

        for (Instruction instruction : kubefile.instructions()) {
            if (instruction instanceof Instruction.From from) {
                if (currentFrom != null) {
                    stages.add(new Stage(stages.size(), currentFrom, current));
                    if (currentFrom.stageName() != null) {
                        envByStageName.put(currentFrom.stageName(), stageEnv);
                    }
                }
                currentFrom = (Instruction.From) from.expand(expander(from, global::get));
                checkNotBlank(from, currentFrom);
                current = new ArrayList<>();
                stageArgs = new HashMap<>();
                // FROM <earlier stage> starts from that stage's state, ENV included, as in BuildKit and buildah
                stageEnv = new HashMap<>(envByStageName.getOrDefault(currentFrom.image(), Map.of()));
                continue;
            }
            if (currentFrom == null) {
                if (instruction instanceof Instruction.Arg arg) {
                    declare(arg, global, global::get, name -> null);
                }
                continue; // anything else before FROM has been reported by the parser
            }
            Map<String, String> args = stageArgs;
            Map<String, String> env = stageEnv;
            UnaryOperator<String> word = expander(instruction, name -> env.containsKey(name) ? env.get(name) : args.get(name));
            if (instruction instanceof Instruction.Arg arg) {
                Map<String, String> globalScope = global;
                declare(arg, args, name -> env.containsKey(name) ? env.get(name) : args.get(name), globalScope::get);
                current.add(arg);
                continue;
            }
            Instruction expanded = instruction.expand(word);
            if (expanded instanceof Instruction.Env setEnv) {
                for (KeyValue pair : setEnv.pairs()) {
                    env.put(pair.key(), pair.value());
                }
            }
            current.add(expanded);
        }
        if (currentFrom != null) {
            stages.add(new Stage(stages.size(), currentFrom, current));
        }
        reportUnusedBuildArgs();
        return new BuildPlan(kubefile, target, stages, findings);
    }

    /** BuildKit fails when the image or the platform of a FROM expands to nothing. */
    private void checkNotBlank(Instruction.From written, Instruction.From expanded) {
        String fix = "declare the variable with a default before the first FROM (e.g. ARG BASE=scratch)"
                + " or pass it as a build argument";
        if (expanded.image().isEmpty()) {
            findings.add(Finding.error("kubefile.from", kubefile.file(), written.lines().first(),
                    "FROM " + written.image() + " expands to an empty image name", fix));
        }
        if (written.platform() != null && !written.platform().isEmpty() && expanded.platform().isEmpty()) {
            findings.add(Finding.error("kubefile.from", kubefile.file(), written.lines().first(),
                    "FROM --platform=" + written.platform() + " expands to an empty platform", fix));
        }
    }

    /** ARG: a build argument wins over the default; a bare ARG inherits from the enclosing scope. */
    private void declare(Instruction.Arg arg, Map<String, String> scope, Function<String, String> lookup,
                         Function<String, String> inherited) {
        Words words = expander(arg, lookup);
        for (KeyValue declaration : arg.args()) {
            String name = declaration.key();
            String value;
            if (buildArgs.containsKey(name)) {
                consumedBuildArgs.add(name);
                value = buildArgs.get(name);
            } else if (declaration.value() != null) {
                // past the limit the ARG is empty, so ARGs built from it do not fail again, one after the other
                value = words.expand(declaration.value(), "ARG " + name, "");
            } else {
                value = inherited.apply(name);
                if (value == null) {
                    value = automaticArgs.get(name);
                }
            }
            if (value != null) {
                scope.put(name, value);
            } else {
                scope.remove(name);
            }
        }
    }

    private Words expander(Instruction instruction, Function<String, String> lookup) {
        return new Words(instruction, lookup);
    }

    /**
     * Expands the words of one instruction and reports what goes wrong against its line. What the words
     * expand to is bounded twice — one word ({@link VariableExpander#MAX_WORD_CHARS}) and all words of
     * the Kubefile together ({@link #MAX_KUBEFILE_CHARS}) — because every expanded value is kept (in ARG
     * and ENV scopes, and in the plan), so a short Kubefile must not be able to make the build hold
     * gigabytes.
     */
    private final class Words implements UnaryOperator<String> {
        private final Instruction instruction;
        private final VariableExpander expander;
        private final Set<String> undefined = new TreeSet<>();

        Words(Instruction instruction, Function<String, String> lookup) {
            this.instruction = instruction;
            this.expander = new VariableExpander(kubefile.escape(), lookup, undefined::add);
        }

        @Override
        public String apply(String text) {
            return expand(text, instruction.keyword(), text);
        }

        /**
         * @param subject   what the message names: the keyword, or {@code ARG NAME} for one declaration
         * @param ifTooLong the value when the word expands past the limit
         */
        String expand(String text, String subject, String ifTooLong) {
            String result;
            try {
                result = expander.expand(text);
            } catch (VariableExpander.TooLongException e) {
                tooLong(subject + " " + e.getMessage(), text);
                return ifTooLong;
            } catch (IllegalArgumentException e) {
                undefined.clear();
                findings.add(Finding.error("kubefile.substitution", kubefile.file(), instruction.lines().first(),
                        instruction.keyword() + ": " + e.getMessage() + " in '" + text + "'",
                        "check the quotes and ${...} of this line"));
                return text;
            }
            for (String name : undefined) {
                findings.add(Finding.warning("kubefile.undefined-variable", kubefile.file(), instruction.lines().first(),
                        instruction.keyword() + " uses $" + name + ", which is not set here and expands to an empty string",
                        "declare it with ARG " + name + "=<default> (and pass -Dcluster-image.buildArgs." + name
                                + "=... or <buildArgs>), or set it with ENV before this line; write \\$" + name
                                + " or $(" + name + ") to keep it for run time"));
            }
            undefined.clear();
            if (kubefileTooLong) {
                return text; // reported once; from here on nothing is expanded, so nothing more is kept
            }
            kubefileChars += result.length();
            if (kubefileChars > MAX_KUBEFILE_CHARS) {
                kubefileTooLong = true;
                tooLong(subject + ": the words of the Kubefile expand to more than 16 MiB (" + MAX_KUBEFILE_CHARS
                        + " characters) in all by this line, the limit for one Kubefile", text);
                return text;
            }
            return result;
        }

        private void tooLong(String message, String text) {
            undefined.clear();
            findings.add(Finding.error("kubefile.expansion-limit", kubefile.file(), instruction.lines().first(),
                    message + (text.length() <= 200 ? " ('" + text + "')" : ""),
                    "variables this large are not what a Kubefile is for (an ARG that repeats another one doubles it each time);"
                            + " keep large content in files and COPY them"));
        }
    }

    private void reportUnusedBuildArgs() {
        for (String name : new TreeSet<>(buildArgs.keySet())) {
            if (!consumedBuildArgs.contains(name) && !automaticArgs.containsKey(name)) {
                findings.add(Finding.warning("kubefile.unused-build-arg", kubefile.file(), 0,
                        "build argument '" + name + "' is not declared by any ARG in the Kubefile",
                        "add ARG " + name + " to the Kubefile or remove it from <buildArgs>"));
            }
        }
    }
}
