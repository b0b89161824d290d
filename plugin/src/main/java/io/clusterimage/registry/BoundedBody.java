package io.clusterimage.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * A response body read up to a size and within the deadline of its request: what every download of
 * the registry client reads through, so that no server can make it write or hold more than it
 * expects, or read for longer than the deadline.
 *
 * <p>At most {@code limit + 1} bytes are ever read: the one byte past the limit is how a server that
 * sends more than it declared is told from one that sends exactly that much, and then reading stops
 * with {@link TooLarge} instead of draining what may never end.
 *
 * <p>An interrupted thread stops reading at the next read that returns (a socket read itself cannot
 * be interrupted): a build that is shutting down its download pool does not wait for whole blobs.
 */
final class BoundedBody extends FilterInputStream {

    private final long limit;
    private final RequestDeadline deadline;
    private long count;

    BoundedBody(InputStream in, long limit, RequestDeadline deadline) {
        super(in);
        if (limit < 0) {
            throw new IllegalArgumentException("negative limit " + limit);
        }
        this.limit = limit;
        this.deadline = deadline;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        checkInterrupt();
        deadline.check();
        int read;
        try {
            read = in.read(buffer, offset, (int) Math.min(length, limit + 1 - count));
        } catch (IOException e) {
            throw deadline.explain(e); // the watchdog closed the connection under this read: say why, not "socket closed"
        }
        if (read > 0) {
            count += read;
            if (count > limit) {
                throw new TooLarge(limit);
            }
        }
        checkInterrupt();
        deadline.check();
        return read;
    }

    /** Not once the deadline has passed: the watchdog closes the connection, and a second close can hang (see {@link RequestDeadline#release}). */
    @Override
    public void close() throws IOException {
        if (!deadline.expired()) {
            super.close();
        }
    }

    private static void checkInterrupt() throws InterruptedIOException {
        if (Thread.currentThread().isInterrupted()) { // the flag stays set: whoever interrupted still sees it
            throw new InterruptedIOException("interrupted while reading from the registry");
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int read = read(one, 0, 1);
        return read <= 0 ? -1 : one[0] & 0xff;
    }

    /** Skipped bytes count like read ones (FilterInputStream would skip past the limit unseen). */
    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[(int) Math.min(8192, Math.max(0, n))];
        long skipped = 0;
        while (skipped < n) {
            int read = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (read <= 0) {
                break;
            }
            skipped += read;
        }
        return skipped;
    }

    /** Bytes read so far. */
    long count() {
        return count;
    }

    /** The server sent more than {@link #limit()} bytes; nothing past the first extra byte was read. */
    static final class TooLarge extends IOException {
        private final long limit;

        TooLarge(long limit) {
            super("more than " + limit + " bytes");
            this.limit = limit;
        }

        long limit() {
            return limit;
        }
    }
}
