/**
 * What every stage shares and that knows nothing of cluster images: findings, platforms, fingerprints,
 * the build context's boundary ({@link io.clusterimage.core.ContextRoot}), Go's globs, tar reading and
 * writing, parallel compression, atomic files, the output lock, the user cache's location.
 * <p>No entry point; imports nothing of the plugin.
 */
package io.clusterimage.core;
