package dev.kapi.proxy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * The {@code --unix-socket} path: claimed before the bind, released on exit, and never anyone else's file.
 * kubectl removes any socket there, live or not, and on exit removes whatever is at the path; so a second proxy
 * started on the same path cuts the first one off, and a mistyped path to a regular file is only refused by luck.
 */
final class UnixSocketFile {

  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;

  private final Path path;
  private Object ours; // the file key (device and inode) of the socket this process bound, once bound

  UnixSocketFile(Path path) {
    this.path = path.toAbsolutePath();
  }

  Path path() {
    return path;
  }

  /**
   * Makes room for the socket: nothing there, or a stale socket (nobody accepts on it), which is removed. A live
   * socket or a file that is not a socket is left alone and refused.
   */
  void claim() throws IOException {
    int mode;
    try {
      mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return;
    }
    if ((mode & S_IFMT) != S_IFSOCK) {
      throw new IOException("something that is not a socket is already there (" + kind(path) + "); remove it or choose"
          + " another path");
    }
    if (accepting(path)) {
      throw new IOException("another process is already serving on it");
    }
    Files.deleteIfExists(path); // stale: left by a process that did not exit cleanly
  }

  /** Records the socket just bound and moved into place, so that only it is ever removed. */
  void bound() throws IOException {
    ours = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
  }

  /** Removes the socket if it is still the one this process bound (another may have taken the path since). */
  void release() throws IOException {
    if (ours == null) {
      return;
    }
    try {
      Object there = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
      if (Objects.equals(there, ours)) {
        Files.deleteIfExists(path);
      }
    } catch (NoSuchFileException e) {
      // already gone
    }
  }

  private static boolean accepting(Path socket) {
    try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      return c.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      return false; // ECONNREFUSED: nobody listens
    }
  }

  private static String kind(Path p) throws IOException {
    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    return a.isDirectory() ? "a directory" : a.isSymbolicLink() ? "a symbolic link" : a.isRegularFile() ? "a regular file"
        : "a special file";
  }
}
