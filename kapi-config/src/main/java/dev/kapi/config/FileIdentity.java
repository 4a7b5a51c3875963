package dev.kapi.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * What identifies one version of a file behind symlinks: the kubelet's {@code ..data} swap gives the token a new
 * inode, an in-place rewrite a new mtime or size. One {@code stat} call, following links.
 */
record FileIdentity(Object fileKey, FileTime modified, long size) {

  static FileIdentity of(Path path) throws IOException {
    BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
    return new FileIdentity(a.fileKey(), a.lastModifiedTime(), a.size());
  }

  // Written out rather than left to the record: the generated equals is bootstrapped through method handles on its
  // first call, which is the first TLS handshake and the first request (the CA and token checks compare identities
  // per use); spinning those handles took ~25 ms of the proxy's first response on a 2-core machine.
  @Override
  public boolean equals(Object o) {
    return o instanceof FileIdentity f && size == f.size && Objects.equals(fileKey, f.fileKey)
        && Objects.equals(modified, f.modified);
  }

  @Override
  public int hashCode() {
    return Objects.hash(fileKey, modified, size);
  }
}
