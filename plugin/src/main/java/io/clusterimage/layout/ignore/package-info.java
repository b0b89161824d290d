/**
 * .sealignore/.dockerignore/.containerignore rules and --exclude patterns, as BuildKit and Go read them
 * (Go's filepath.Match and regexp ported; path.Clean is core's GoPath).
 * <p>Entry point: {@link io.clusterimage.layout.ignore.IgnoreFile}. May use: {@code core} (GoPath).
 */
package io.clusterimage.layout.ignore;
