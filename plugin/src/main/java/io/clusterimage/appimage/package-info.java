/**
 * The application's own image, built in-process with Jib Core from a module of the build
 * ({@code <appImages>}), once per platform, on a base image fetched through the plugin's registry path.
 * <p>Entry point: {@link io.clusterimage.appimage.AppImages}. May use: {@code core}, {@code reference},
 * {@code registry}. No Maven types.
 */
package io.clusterimage.appimage;
