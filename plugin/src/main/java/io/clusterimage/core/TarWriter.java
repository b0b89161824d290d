package io.clusterimage.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a tar stream (POSIX ustar, with PAX headers for long or non-ASCII names) entry by entry,
 * streaming file content — nothing is held in memory. The caller decides order, owners, modes and
 * times, which is what makes layers reproducible.
 */
public final class TarWriter implements AutoCloseable {

    private static final int BLOCK = 512;
    /** The size of the chunks file content is copied in. */
    public static final int COPY_BUFFER = 256 * 1024;
    private final OutputStream out;
    private long written;

    public TarWriter(OutputStream out) {
        this.out = out;
    }

    public void directory(String name, int mode, int uid, int gid, long mtimeSeconds) throws IOException {
        header(name.endsWith("/") ? name : name + "/", '5', mode, uid, gid, mtimeSeconds, 0, "");
    }

    public void symlink(String name, String target, int uid, int gid, long mtimeSeconds) throws IOException {
        header(name, '2', 0777, uid, gid, mtimeSeconds, 0, target);
    }

    public void file(String name, int mode, int uid, int gid, long mtimeSeconds, long size, InputStream content) throws IOException {
        header(name, '0', mode, uid, gid, mtimeSeconds, size, "");
        byte[] buffer = new byte[COPY_BUFFER];
        long left = size;
        while (left > 0) {
            int read = content.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                throw new IOException(name + " changed while it was being written (shorter than " + size + " bytes)");
            }
            write(buffer, 0, read);
            left -= read;
        }
        pad();
    }

    private void header(String name, char type, int mode, int uid, int gid, long mtime, long size, String linkName) throws IOException {
        boolean needsPax = !fitsUstar(name, 100) || !fitsUstar(linkName, 100) || size > 077777777777L;
        if (needsPax) {
            StringBuilder pax = new StringBuilder();
            pax.append(paxRecord("path", name));
            if (!linkName.isEmpty()) {
                pax.append(paxRecord("linkpath", linkName));
            }
            if (size > 077777777777L) {
                pax.append(paxRecord("size", Long.toString(size)));
            }
            byte[] paxBytes = pax.toString().getBytes(StandardCharsets.UTF_8);
            writeHeader(asciiTail("PaxHeaders/" + name, 100), 'x', 0644, 0, 0, mtime, paxBytes.length, "");
            write(paxBytes, 0, paxBytes.length);
            pad();
        }
        writeHeader(needsPax ? asciiTail(name, 100) : name, type, mode, uid, gid, mtime, Math.min(size, 077777777777L),
                needsPax ? asciiTail(linkName, 100) : linkName);
    }

    private static boolean fitsUstar(String value, int max) {
        return value.length() <= max && StandardCharsets.US_ASCII.newEncoder().canEncode(value);
    }

    private static String asciiTail(String value, int max) {
        String ascii = value.replaceAll("[^\\x20-\\x7e]", "_");
        return ascii.length() <= max ? ascii : ascii.substring(ascii.length() - max);
    }

    private static String paxRecord(String key, String value) {
        String body = " " + key + "=" + value + "\n";
        int length = body.getBytes(StandardCharsets.UTF_8).length;
        int total = length + Integer.toString(length).length();
        if (Integer.toString(total).length() != Integer.toString(length).length()) {
            total++;
        }
        return total + body;
    }

    private void writeHeader(String name, char type, int mode, int uid, int gid, long mtime, long size, String linkName)
            throws IOException {
        write(headerBlock(name, type, mode, uid, gid, mtime, size, linkName), 0, BLOCK);
    }

    /**
     * The 512-byte header of a regular file whose name fits ustar (ASCII, at most 100 characters), for
     * writers that fill the header in after the content (its size known only then). A size of 8 GiB or
     * more, which the octal field cannot hold, is written in base-256 (a GNU extension that Go's
     * archive/tar, GNU tar and libarchive read), so the header is always one block.
     */
    public static byte[] fileHeader(String name, int mode, int uid, int gid, long mtimeSeconds, long size) {
        if (!fitsUstar(name, 100)) {
            throw new IllegalArgumentException("'" + name + "' does not fit a ustar header");
        }
        return headerBlock(name, '0', mode, uid, gid, mtimeSeconds, size, "");
    }

    /** Bytes of padding that follow {@code size} bytes of content. */
    public static int padding(long size) {
        return (int) ((BLOCK - size % BLOCK) % BLOCK);
    }

    private static byte[] headerBlock(String name, char type, int mode, int uid, int gid, long mtime, long size, String linkName) {
        byte[] header = new byte[BLOCK];
        put(header, 0, 100, name.getBytes(StandardCharsets.UTF_8));
        octal(header, 100, 8, mode);
        octal(header, 108, 8, uid);
        octal(header, 116, 8, gid);
        if (size > 077777777777L) {
            header[124] = (byte) 0x80; // base-256: the marker bit, then the value big-endian in the other 11 bytes
            for (int i = 0; i < 8; i++) {
                header[135 - i] = (byte) (size >>> (8 * i));
            }
        } else {
            octal(header, 124, 12, size);
        }
        octal(header, 136, 12, mtime);
        header[156] = (byte) type;
        put(header, 157, 100, linkName.getBytes(StandardCharsets.UTF_8));
        put(header, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(header, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
        octal(header, 329, 8, 0);
        octal(header, 337, 8, 0);
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        String checksum = String.format("%06o", sum);
        put(header, 148, 6, checksum.getBytes(StandardCharsets.US_ASCII));
        header[154] = 0;
        header[155] = ' ';
        return header;
    }

    private static void put(byte[] header, int offset, int length, byte[] value) {
        System.arraycopy(value, 0, header, offset, Math.min(length, value.length));
    }

    private static void octal(byte[] header, int offset, int length, long value) {
        String text = String.format("%0" + (length - 1) + "o", value);
        put(header, offset, length - 1, text.getBytes(StandardCharsets.US_ASCII));
        header[offset + length - 1] = 0;
    }

    private void write(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
        written += length;
    }

    private void pad() throws IOException {
        int padding = padding(written);
        if (padding > 0) {
            write(new byte[padding], 0, padding);
        }
    }

    /** Writes the two zero blocks that end an archive (does not close the underlying stream). */
    public void finish() throws IOException {
        write(new byte[BLOCK * 2], 0, BLOCK * 2);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        finish();
    }
}
