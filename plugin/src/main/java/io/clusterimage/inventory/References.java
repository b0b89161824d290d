package io.clusterimage.inventory;

import io.clusterimage.reference.ImageReference;
import io.clusterimage.reference.InvalidReferenceException;

import java.util.Optional;

/** Small helpers over {@link ImageReference} for the scan. */
final class References {

    private References() {
    }

    static Optional<ImageReference> parse(String value) {
        try {
            return Optional.of(ImageReference.parse(value));
        } catch (InvalidReferenceException e) {
            return Optional.empty();
        }
    }

    static boolean isValid(String value) {
        return parse(value).isPresent();
    }

    static String whyInvalid(String value) {
        try {
            ImageReference.parse(value);
            return "";
        } catch (InvalidReferenceException e) {
            return e.reason();
        }
    }
}
