/**
 * Image references as Docker parses them ({@code [registry/]repository[:tag][@digest]}), canonical form
 * included.
 * <p>Entry point: {@link io.clusterimage.reference.ImageReference}. Imports nothing of the plugin.
 */
package io.clusterimage.reference;
