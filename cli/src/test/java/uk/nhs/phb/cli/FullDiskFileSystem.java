package uk.nhs.phb.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * A test seam for a full disk: the local file system under the scheme {@code full://}, where every file can be
 * created but writing to it fails as a full disk does ("No space left on device") once a few bytes are in.
 * Registered with {@code fs.full.impl}.
 */
public class FullDiskFileSystem extends RawLocalFileSystem {
    static final String SCHEME = "full";

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public void initialize(URI uri, Configuration conf) throws IOException {
        super.initialize(uri, conf);
        setConf(conf);
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize, short replication,
                                     long blockSize, Progressable progress) throws IOException {
        return full(super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress));
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
                                     Progressable progress) throws IOException {
        return full(super.create(f, overwrite, bufferSize, replication, blockSize, progress));
    }

    private static FSDataOutputStream full(FSDataOutputStream real) throws IOException {
        OutputStream failing = new OutputStream() {
            private int written;

            @Override
            public void write(int b) throws IOException {
                if (++written > 16) {
                    throw new IOException("No space left on device");
                }
                real.write(b);
            }

            @Override
            public void close() throws IOException {
                real.close();
            }
        };
        return new FSDataOutputStream(failing, null);
    }
}
