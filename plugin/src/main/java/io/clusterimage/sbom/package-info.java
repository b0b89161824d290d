/**
 * The SBOM: a CycloneDX 1.6 document of the cluster image, from what the build recorded.
 * <p>Entry point: {@link io.clusterimage.sbom.CycloneDxWriter}. May use: {@code core}, {@code reference},
 * {@code registry}. No Maven types.
 */
package io.clusterimage.sbom;
