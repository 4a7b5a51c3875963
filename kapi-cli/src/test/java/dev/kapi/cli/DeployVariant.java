package dev.kapi.cli;

import java.util.List;

/** The Pods deploy/ ships: the seed's Pod (deploy/base) and its overlays, each a base plus components. */
enum DeployVariant {
  BASE("deploy"),
  NATIVE_SIDECAR("deploy/overlays/native-sidecar", "native-sidecar"),
  HARDENED("deploy/overlays/hardened", "hardened"),
  HARDENED_NATIVE_SIDECAR("deploy/overlays/hardened-native-sidecar", "hardened", "native-sidecar");

  /** The namespace the shipped kustomizations (deploy/, deploy/overlays/*) put everything in. */
  static final String SHIPPED_NAMESPACE = "kapi-demo";

  private final String directory;
  private final List<String> components;

  DeployVariant(String directory, String... components) {
    this.directory = directory;
    this.components = List.of(components);
  }

  /** The kustomization as shipped, relative to the repository root. */
  String directory() {
    return directory;
  }

  /** The deploy/components/* it adds to deploy/base, in order. */
  List<String> components() {
    return components;
  }

  boolean hardened() {
    return components.contains("hardened");
  }

  boolean nativeSidecar() {
    return components.contains("native-sidecar");
  }
}
