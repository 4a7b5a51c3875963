package dev.kapi.client;

import java.util.Optional;

/** What {@code pods/log} returns: which container, whether to follow, how much history. */
public record LogOptions(Optional<String> container, boolean follow, Optional<Long> tailLines, Optional<Long> sinceSeconds,
    boolean timestamps, boolean previous) {

  public static LogOptions defaults() {
    return new LogOptions(Optional.empty(), false, Optional.empty(), Optional.empty(), false, false);
  }

  public LogOptions withContainer(String c) {
    return new LogOptions(Optional.of(c), follow, tailLines, sinceSeconds, timestamps, previous);
  }

  /** Keep the stream open and deliver new lines as they are written. */
  public LogOptions withFollow() {
    return new LogOptions(container, true, tailLines, sinceSeconds, timestamps, previous);
  }

  public LogOptions withTailLines(long n) {
    return new LogOptions(container, follow, Optional.of(n), sinceSeconds, timestamps, previous);
  }

  public LogOptions withSinceSeconds(long s) {
    return new LogOptions(container, follow, tailLines, Optional.of(s), timestamps, previous);
  }

  public LogOptions withTimestamps() {
    return new LogOptions(container, follow, tailLines, sinceSeconds, true, previous);
  }

  public LogOptions withPrevious() {
    return new LogOptions(container, follow, tailLines, sinceSeconds, timestamps, true);
  }

  void apply(KubeRequest.Builder b) {
    b.queryIfPresent("container", container);
    if (follow) {
      b.query("follow", "true");
    }
    b.queryIfPresent("tailLines", tailLines).queryIfPresent("sinceSeconds", sinceSeconds);
    if (timestamps) {
      b.query("timestamps", "true");
    }
    if (previous) {
      b.query("previous", "true");
    }
  }
}
