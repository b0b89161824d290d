package io.clusterimage.registry;

import java.util.List;

/**
 * How to push.
 *
 * @param maxConcurrentUploads blobs uploaded (or mounted) at once
 * @param chunkSize            a blob up to this size goes in one request; a larger one in chunks of this size
 * @param mountFrom            further repositories of the target registry to mount blobs from (the base image's
 *                             repository, named in the manifest, is always tried first); a name with another
 *                             registry host is ignored, since mounts only work within one registry
 */
public record PushOptions(int maxConcurrentUploads, long chunkSize, List<String> mountFrom) {

    /**
     * Many registries sit behind something that limits a request body — nginx's
     * {@code client_max_body_size} (1 MiB unless raised), Cloudflare's 100 MB, load balancers — so
     * a layer of a few hundred MiB in one PUT can fail where 32 MiB requests go through; 32 MiB
     * chunks still keep the number of round trips small, and a failed chunk costs at most 32 MiB
     * again. Smaller blobs (configs, most layers) still go in one request: fewer round trips.
     */
    public static final long DEFAULT_CHUNK_SIZE = 32L * 1024 * 1024;
    public static final int DEFAULT_MAX_CONCURRENT_UPLOADS = 4;

    public PushOptions {
        if (maxConcurrentUploads < 1) {
            throw new IllegalArgumentException("maxConcurrentUploads must be at least 1, not " + maxConcurrentUploads);
        }
        if (chunkSize < 1) {
            throw new IllegalArgumentException("the upload chunk size must be positive, not " + chunkSize);
        }
        mountFrom = List.copyOf(mountFrom);
    }

    public static PushOptions defaults() {
        return new PushOptions(DEFAULT_MAX_CONCURRENT_UPLOADS, DEFAULT_CHUNK_SIZE, List.of());
    }

    public PushOptions withChunkSize(long bytes) {
        return new PushOptions(maxConcurrentUploads, bytes, mountFrom);
    }

    public PushOptions withMaxConcurrentUploads(int uploads) {
        return new PushOptions(uploads, chunkSize, mountFrom);
    }

    public PushOptions withMountFrom(List<String> repositories) {
        return new PushOptions(maxConcurrentUploads, chunkSize, repositories);
    }
}
