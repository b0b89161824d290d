package io.clusterimage.kubefile;

import io.clusterimage.core.Finding;
import io.clusterimage.core.Severity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.clusterimage.kubefile.KubefileTestSupport.only;
import static io.clusterimage.kubefile.KubefileTestSupport.resolve;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A short Kubefile whose ARGs double the one before ask for 2^40 characters; the expansion stops at
 * the first word past 1 MiB with an error naming the line, the ARG and the limit, instead of running
 * out of heap.
 */
class KubefileExpansionLimitTest {

    /** FROM, then ARG A0 of 8 characters and ARGs A1..A{count} each twice the one before (A{k} has 8 * 2^k characters). */
    private static List<String> doublingArgs(int count) {
        List<String> lines = new ArrayList<>(List.of("FROM scratch", "ARG A0=12345678"));
        for (int i = 1; i <= count; i++) {
            lines.add("ARG A" + i + "=${A" + (i - 1) + "}${A" + (i - 1) + "}");
        }
        return lines;
    }

    @Test
    void argsDoubling39TimesStopAtTheFirstArgPastOneMebibyte() {
        List<String> lines = doublingArgs(39);
        lines.add("LABEL big=$A39");
        lines.add("COPY registry registry");
        assertTrue(String.join("\n", lines).length() < 1_400, "a Kubefile of about the reported size");

        BuildPlan plan = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> resolve(lines.toArray(String[]::new)));

        // A17 has 8 * 2^17 = 1 MiB exactly; A18 would be twice that: line 2 + 18
        Finding error = only(plan.findings(), "kubefile.expansion-limit");
        assertEquals(Severity.ERROR, error.severity());
        assertEquals("Kubefile:20: ARG A18 expands to more than 1 MiB (1048576 characters), the limit for one word"
                + " ('${A17}${A17}') Fix: variables this large are not what a Kubefile is for (an ARG that repeats another one"
                + " doubles it each time); keep large content in files and COPY them", error.describe());
        assertEquals(1, plan.findings().stream().filter(f -> f.severity() == Severity.ERROR).count(), "one error, not one per ARG");
    }

    @Test
    void aWordOfAnotherInstructionPastTheLimitNamesTheInstruction() {
        List<String> lines = doublingArgs(16); // A16: 512 KiB
        lines.add("LABEL a=$A16 b=$A16$A16$A16");
        BuildPlan plan = resolve(lines.toArray(String[]::new));

        Finding error = only(plan.findings(), "kubefile.expansion-limit");
        assertEquals(lines.size(), error.line());
        assertEquals("LABEL expands to more than 1 MiB (1048576 characters), the limit for one word ('$A16$A16$A16')",
                error.message());
    }

    @Test
    void allWordsOfTheKubefileAreBoundedTogether() {
        List<String> lines = doublingArgs(17); // A17: 1 MiB
        for (int i = 0; i < 20; i++) {
            lines.add("LABEL l" + i + "=$A17");
        }
        BuildPlan plan = resolve(lines.toArray(String[]::new));

        Finding error = only(plan.findings(), "kubefile.expansion-limit");
        // the ARGs keep 2 MiB - 8 characters, each LABEL 1 MiB and its key: the 14th LABEL (line 33) passes 16 MiB
        assertEquals("Kubefile:33: LABEL: the words of the Kubefile expand to more than 16 MiB (16777216 characters) in all by"
                + " this line, the limit for one Kubefile ('$A17')", error.describe().substring(0, error.describe().indexOf(" Fix: ")));
        long kept = plan.finalStage().all(Instruction.Label.class).stream().flatMap(l -> l.pairs().stream())
                .mapToLong(p -> p.value().length()).sum();
        assertTrue(kept <= KubefileResolver.MAX_KUBEFILE_CHARS, "what the plan keeps stays within the bound: " + kept);
    }
}
