package dev.kapi.client;

import java.util.Optional;

/**
 * Which objects a list or watch covers and how: selectors, page size, resourceVersion, and for a watch the
 * server-side timeout of each connection. Immutable; each {@code with...} returns a copy.
 */
public final class ListOptions {

  /** The page size used when none is given: big enough to be quick, small enough to be gentle on etcd. */
  public static final int DEFAULT_PAGE_SIZE = 500;

  private static final ListOptions ALL = new ListOptions(null, null, DEFAULT_PAGE_SIZE, null, null, null, null);

  private final String labelSelector;
  private final String fieldSelector;
  private final int limit;
  private final String continueToken;
  private final String resourceVersion;
  private final String resourceVersionMatch;
  private final Integer timeoutSeconds;

  private ListOptions(String labelSelector, String fieldSelector, int limit, String continueToken, String resourceVersion,
      String resourceVersionMatch, Integer timeoutSeconds) {
    this.labelSelector = labelSelector;
    this.fieldSelector = fieldSelector;
    this.limit = limit;
    this.continueToken = continueToken;
    this.resourceVersion = resourceVersion;
    this.resourceVersionMatch = resourceVersionMatch;
    this.timeoutSeconds = timeoutSeconds;
  }

  /** Everything, in pages of {@value #DEFAULT_PAGE_SIZE}. */
  public static ListOptions all() {
    return ALL;
  }

  public static ListOptions labelSelector(String selector) {
    return ALL.withLabelSelector(selector);
  }

  public ListOptions withLabelSelector(String s) {
    return new ListOptions(s, fieldSelector, limit, continueToken, resourceVersion, resourceVersionMatch, timeoutSeconds);
  }

  public ListOptions withFieldSelector(String s) {
    return new ListOptions(labelSelector, s, limit, continueToken, resourceVersion, resourceVersionMatch, timeoutSeconds);
  }

  /** Page size ({@code limit}); 0 asks for everything in one response. */
  public ListOptions withLimit(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0: " + limit);
    }
    return new ListOptions(labelSelector, fieldSelector, limit, continueToken, resourceVersion, resourceVersionMatch, timeoutSeconds);
  }

  /**
   * Continue a paged list from this token (from a previous {@link ListPage}). The token carries the first page's
   * snapshot, so {@code resourceVersion} and {@code resourceVersionMatch} are cleared: the API server refuses either
   * beside {@code continue}, as client-go's pager knows.
   */
  public ListOptions withContinue(String token) {
    return new ListOptions(labelSelector, fieldSelector, limit, token, null, null, timeoutSeconds);
  }

  /** For a list: the version semantics of {@code resourceVersion} ("0" = any cached); for a watch: where to start. */
  public ListOptions withResourceVersion(String rv) {
    return new ListOptions(labelSelector, fieldSelector, limit, continueToken, rv, resourceVersionMatch, timeoutSeconds);
  }

  public ListOptions withResourceVersionMatch(String match) {
    return new ListOptions(labelSelector, fieldSelector, limit, continueToken, resourceVersion, match, timeoutSeconds);
  }

  /** For a watch: the server ends each connection after this long (the client then resumes). */
  public ListOptions withTimeoutSeconds(int seconds) {
    return new ListOptions(labelSelector, fieldSelector, limit, continueToken, resourceVersion, resourceVersionMatch, seconds);
  }

  public Optional<String> labelSelector() {
    return Optional.ofNullable(labelSelector);
  }

  public Optional<String> fieldSelector() {
    return Optional.ofNullable(fieldSelector);
  }

  public int limit() {
    return limit;
  }

  public Optional<String> continueToken() {
    return Optional.ofNullable(continueToken);
  }

  public Optional<String> resourceVersion() {
    return Optional.ofNullable(resourceVersion);
  }

  public Optional<String> resourceVersionMatch() {
    return Optional.ofNullable(resourceVersionMatch);
  }

  public Optional<Integer> timeoutSeconds() {
    return Optional.ofNullable(timeoutSeconds);
  }

  void applySelectors(KubeRequest.Builder b) {
    b.queryIfPresent("labelSelector", labelSelector()).queryIfPresent("fieldSelector", fieldSelector());
  }

  @Override
  public String toString() {
    return "ListOptions{labelSelector=" + labelSelector + ", fieldSelector=" + fieldSelector + ", limit=" + limit
        + ", resourceVersion=" + resourceVersion + ", timeoutSeconds=" + timeoutSeconds + "}";
  }
}
