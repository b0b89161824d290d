/**
 * The Kubefile (Dockerfile syntax, BuildKit semantics): parsed with line numbers, then resolved for a
 * platform and build args into stages.
 * <p>Entry points: {@link io.clusterimage.kubefile.KubefileParser}, {@link io.clusterimage.kubefile.KubefileResolver}.
 * May use: {@code core}. No Maven types.
 */
package io.clusterimage.kubefile;
