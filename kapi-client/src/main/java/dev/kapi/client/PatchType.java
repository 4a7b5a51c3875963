package dev.kapi.client;

/** The PATCH body types the API server accepts, by media type. */
public enum PatchType {
  /** RFC 6902 operations: {@code [{"op":"replace","path":"/data/k","value":"v"}]}. */
  JSON("application/json-patch+json"),
  /** RFC 7386: the object's shape with only the changes; {@code null} deletes; lists are replaced whole. */
  MERGE("application/merge-patch+json"),
  /** Kubernetes' merge that knows list keys (containers by name); built-in types only, never custom resources. */
  STRATEGIC("application/strategic-merge-patch+json"),
  /** Server-side apply: the full intent of one field manager; YAML or JSON. */
  APPLY("application/apply-patch+yaml");

  private final String mediaType;

  PatchType(String mediaType) {
    this.mediaType = mediaType;
  }

  public String mediaType() {
    return mediaType;
  }
}
