/**
 * The scan stage: every image the application uses — manifests, charts rendered in-process with Helm
 * (each render kept by its inputs), images/shim, tar.txt, the POM's lists — with where it was found.
 * <p>Entry point: {@link io.clusterimage.inventory.ImageScanner}. May use: {@code core}, {@code layout},
 * {@code reference}. No Maven types.
 */
package io.clusterimage.inventory;
