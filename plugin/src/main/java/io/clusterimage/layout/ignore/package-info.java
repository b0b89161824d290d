/**
 * .sealignore/.dockerignore/.containerignore rules and --exclude patterns, as BuildKit and Go read them
 * (Go's path.Clean, filepath.Match and regexp ported).
 * <p>Entry point: {@link io.clusterimage.layout.ignore.IgnoreFile}. Imports nothing of the plugin.
 */
package io.clusterimage.layout.ignore;
