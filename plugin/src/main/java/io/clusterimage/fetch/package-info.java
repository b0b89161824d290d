/**
 * The fetch stage: charts and files the POM declares, resolved (through cluster-image.lock), downloaded
 * into the verified cache and placed into each platform's generated context.
 * <p>Entry point: {@link io.clusterimage.fetch.DeclaredSources}. May use: {@code core}, {@code registry}.
 * No Maven types (Maven's repository system comes in as an {@link io.clusterimage.fetch.ArtifactResolver}).
 */
package io.clusterimage.fetch;
