package dev.kapi.config;

import java.nio.file.Path;
import java.util.Optional;

/** A kubeconfig {@code contexts[]} entry: which cluster, which user, which namespace. */
record KubeconfigContext(String name, Path origin, Optional<String> cluster, Optional<String> user,
    Optional<String> namespace) {

  static KubeconfigContext parse(String name, KubeconfigNode c) {
    c.requireObject();
    return new KubeconfigContext(name, c.file(), c.string("cluster"), c.string("user"), c.string("namespace"));
  }

  String field(String key) {
    return "contexts[" + name + "]." + key;
  }
}
