package dev.kapi.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * What a container sees of its service account: {@code token}, {@code ca.crt} and {@code namespace} in one
 * directory, laid out as the kubelet's projected volume does it. Each name is a symlink through {@code ..data}
 * to a timestamped directory; an update writes a new timestamped directory and swaps {@code ..data} with one
 * atomic rename, so a reader never sees a half-written set. Plus the environment a Pod gets.
 */
public final class PodView {

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("'..'yyyy_MM_dd_HH_mm_ss.SSSSSSSSS");
  private static final String DATA = "..data";

  private final Path directory;
  private final String host;
  private final int port;
  private final AtomicInteger generation = new AtomicInteger();
  private volatile Map<String, String> files;

  PodView(Path directory, String host, int port, String token, String caPem, String namespace) {
    this.directory = directory;
    this.host = host;
    this.port = port;
    Map<String, String> initial = new LinkedHashMap<>();
    initial.put("token", token);
    initial.put("ca.crt", caPem);
    initial.put("namespace", namespace);
    publish(initial);
  }

  /** A service-account directory for a test of one piece, with no API server behind it. */
  public static PodView files(Path directory, String token, String caPem, String namespace) {
    return new PodView(directory, "127.0.0.1", 443, token, caPem, namespace);
  }

  /** The directory to mount at /var/run/secrets/kubernetes.io/serviceaccount (or pass as KAPI_SERVICEACCOUNT_DIR). */
  public Path directory() {
    return directory;
  }

  public Path tokenFile() {
    return directory.resolve("token");
  }

  public Path caFile() {
    return directory.resolve("ca.crt");
  }

  public String token() {
    return files.get("token");
  }

  public String namespace() {
    return files.get("namespace");
  }

  /** The environment the kubelet gives a container for the {@code kubernetes} Service. */
  public Map<String, String> env() {
    return Map.of(
        "KUBERNETES_SERVICE_HOST", host,
        "KUBERNETES_SERVICE_PORT", Integer.toString(port),
        "KUBERNETES_SERVICE_PORT_HTTPS", Integer.toString(port));
  }

  /** The environment plus {@code KAPI_SERVICEACCOUNT_DIR} pointing at this directory. */
  public Map<String, String> envWithDirectory() {
    Map<String, String> env = new LinkedHashMap<>(env());
    env.put("KAPI_SERVICEACCOUNT_DIR", directory.toString());
    return env;
  }

  /** Rotates the token as the kubelet does: new timestamped directory, atomic swap of {@code ..data}. */
  public void rotateToken(String newToken) {
    Map<String, String> next = new LinkedHashMap<>(files);
    next.put("token", newToken);
    publish(next);
  }

  /** Replaces the CA bundle the same way (CA rotation). */
  public void rotateCa(String caPem) {
    Map<String, String> next = new LinkedHashMap<>(files);
    next.put("ca.crt", caPem);
    publish(next);
  }

  private synchronized void publish(Map<String, String> content) {
    try {
      Files.createDirectories(directory);
      String stamp = LocalDateTime.now().format(STAMP) + "." + generation.incrementAndGet();
      Path target = directory.resolve(stamp);
      Files.createDirectory(target);
      for (Map.Entry<String, String> f : content.entrySet()) {
        Files.writeString(target.resolve(f.getKey()), f.getValue());
      }
      Path tmpLink = directory.resolve("..data_tmp");
      Files.deleteIfExists(tmpLink);
      Files.createSymbolicLink(tmpLink, Path.of(stamp));
      Path old = Files.isSymbolicLink(directory.resolve(DATA)) ? Files.readSymbolicLink(directory.resolve(DATA)) : null;
      Files.move(tmpLink, directory.resolve(DATA), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      for (String name : content.keySet()) {
        Path link = directory.resolve(name);
        if (!Files.isSymbolicLink(link)) {
          Files.createSymbolicLink(link, Path.of(DATA, name));
        }
      }
      if (old != null && !old.toString().equals(stamp)) {
        deleteTree(directory.resolve(old));
      }
      this.files = Map.copyOf(content);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write pod view in " + directory, e);
    }
  }

  /** Deletes a directory and everything under it, deepest first. */
  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
