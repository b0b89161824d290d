package io.clusterimage.kubefile;

import java.util.List;
import java.util.Optional;

/**
 * One build stage after variable expansion: its FROM and the instructions that follow it.
 *
 * @param index        0-based position among the stages
 * @param from         the expanded FROM
 * @param instructions the expanded instructions after FROM, in order (ARG and ENV included)
 */
public record Stage(int index, Instruction.From from, List<Instruction> instructions) {

    public Stage {
        instructions = List.copyOf(instructions);
    }

    public Optional<String> name() {
        return Optional.ofNullable(from.stageName());
    }

    public <T extends Instruction> List<T> all(Class<T> kind) {
        return instructions.stream().filter(kind::isInstance).map(kind::cast).toList();
    }
}
