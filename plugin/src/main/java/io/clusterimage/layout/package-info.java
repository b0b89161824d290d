/**
 * The validate stage: the layout read and checked — Kubefile, COPY sources, charts/, manifests/,
 * images/, links out of the context — with file:line findings and validation.json.
 * <p>Entry point: {@link io.clusterimage.layout.LayoutReader}. May use: {@code core}, {@code kubefile},
 * {@code reference}. No Maven types.
 */
package io.clusterimage.layout;
