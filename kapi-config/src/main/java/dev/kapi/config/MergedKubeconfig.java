package dev.kapi.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Several kubeconfig files seen as one, by kubectl's rules ({@code clientcmd/loader.go}): the first file to define
 * a cluster, context or user name wins and entries are never merged field by field; the first non-empty
 * {@code current-context} wins. Files from {@code KUBECONFIG} that do not exist are skipped; an explicit
 * {@code --kubeconfig} must exist.
 *
 * @param files      the files named, in order (including skipped ones, for messages)
 * @param loaded     the files that existed and were read
 * @param currentContextFile the file whose {@code current-context} won
 */
record MergedKubeconfig(List<Path> files, List<Path> loaded, Optional<String> currentContext,
    Optional<Path> currentContextFile, Map<String, KubeconfigCluster> clusters, Map<String, KubeconfigContext> contexts,
    Map<String, KubeconfigUser> users) {

  static MergedKubeconfig load(List<Path> files, boolean mustExist) {
    List<KubeconfigFile> read = new ArrayList<>();
    for (Path f : files) {
      if (!mustExist && !Files.exists(f)) {
        continue; // kubectl skips KUBECONFIG entries that do not exist
      }
      read.add(KubeconfigFile.read(f));
    }
    return merge(files, read);
  }

  static MergedKubeconfig merge(List<Path> files, List<KubeconfigFile> read) {
    Map<String, KubeconfigCluster> clusters = new LinkedHashMap<>();
    Map<String, KubeconfigContext> contexts = new LinkedHashMap<>();
    Map<String, KubeconfigUser> users = new LinkedHashMap<>();
    Optional<String> current = Optional.empty();
    Optional<Path> currentFile = Optional.empty();
    for (KubeconfigFile f : read) {
      f.clusters().forEach(clusters::putIfAbsent);
      f.contexts().forEach(contexts::putIfAbsent);
      f.users().forEach(users::putIfAbsent);
      if (current.isEmpty() && f.currentContext().isPresent()) {
        current = f.currentContext();
        currentFile = Optional.of(f.path());
      }
    }
    return new MergedKubeconfig(List.copyOf(files), read.stream().map(KubeconfigFile::path).toList(), current,
        currentFile, Collections.unmodifiableMap(clusters), Collections.unmodifiableMap(contexts),
        Collections.unmodifiableMap(users));
  }

  /** The file list as people write it (KUBECONFIG style), for messages. */
  String label() {
    return files.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator));
  }

  static String names(Map<String, ?> entries) {
    return entries.isEmpty() ? "none defined" : "defined: " + String.join(", ", entries.keySet());
  }
}
