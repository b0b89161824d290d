/**
 * The save and push stages and the registry client they share: distribution's HTTP API (auth, retries,
 * deadlines, mirrors, certs.d, registries.conf), the verified blob cache, registry trees as
 * docker-registry serves them, cosign signatures, OCI archives as sources. The client is three rooms:
 * {@link io.clusterimage.registry.RegistryClient} reads (manifests, tags, referrers, blobs), {@code BlobUploads}
 * pushes (mounts, chunked uploads, manifests), {@code RegistryTransport} makes the requests (origin-bound
 * credentials, TLS, retries, deadlines).
 * <p>Entry points: {@link io.clusterimage.registry.ImageSaver}, {@link io.clusterimage.registry.ImagePusher}.
 * May use: {@code core}, {@code reference}. No Maven types.
 */
package io.clusterimage.registry;
