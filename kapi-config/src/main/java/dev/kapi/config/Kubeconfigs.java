package dev.kapi.config;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The {@code KUBECONFIG} list, split as client-go's {@code filepath.SplitList} and deduplicated. */
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
}
