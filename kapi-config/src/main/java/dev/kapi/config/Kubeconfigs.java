package dev.kapi.config;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Kubeconfig files: loading, kubectl's merge rules, and turning the chosen context into a ClusterConfig. */
final class Kubeconfigs {

  private Kubeconfigs() {
  }

  static List<Path> splitPath(String list) {
    List<Path> out = new ArrayList<>();
    for (String p : list.split(File.pathSeparator)) {
      if (!p.isBlank() && !out.contains(Path.of(p))) {
        out.add(Path.of(p));
      }
    }
    return out;
  }

  static ClusterConfig load(List<Path> files, boolean mustExist, ConfigFlags flags, Map<String, String> env) {
    throw new ConfigException(files.toString(), null, "kubeconfig support arrives with issue 3");
  }
}
