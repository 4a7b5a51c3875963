package dev.kapi.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * What identifies one version of a file behind symlinks: the kubelet's {@code ..data} swap gives the token a new
 * inode, an in-place rewrite a new mtime or size. One {@code stat} call, following links.
 */
record FileIdentity(Object fileKey, FileTime modified, long size) {

  static FileIdentity of(Path path) throws IOException {
    BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
    return new FileIdentity(a.fileKey(), a.lastModifiedTime(), a.size());
  }
}
