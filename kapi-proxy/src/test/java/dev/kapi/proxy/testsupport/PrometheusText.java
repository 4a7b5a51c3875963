package dev.kapi.proxy.testsupport;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Parses Prometheus text exposition with an independent, real parser: the reference Python client's
 * ({@code prometheus_client.parser}, installed by {@code .ci/provision.d/20-python-peers.sh}). A malformed
 * exposition fails the parse and so the test.
 */
public final class PrometheusText {

  /** One sample: {@code family} is the metric family name ({@code _total} stripped for counters). */
  public record Sample(String family, String type, String name, Map<String, String> labels, double value) {
  }

  private final List<Sample> samples;

  private PrometheusText(List<Sample> samples) {
    this.samples = samples;
  }

  public static PrometheusText parse(String exposition) {
    try {
      Path script = Files.createTempFile("prometheus_parse", ".py");
      try (InputStream in = PrometheusText.class.getResourceAsStream("/prometheus_parse.py")) {
        Files.write(script, in.readAllBytes());
      }
      Process p = new ProcessBuilder("python3", script.toString()).redirectErrorStream(false).start();
      p.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError("prometheus_client could not parse the exposition: " + err + "\n---\n" + exposition);
      }
      Files.deleteIfExists(script);
      return new PrometheusText(new ObjectMapper().readValue(out, new TypeReference<List<Sample>>() { }));
    } catch (IOException e) {
      throw new AssertionError("cannot run python3 with prometheus_client (see .ci/provision.d): " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public List<Sample> samples() {
    return samples;
  }

  /** The sample named {@code name} whose labels include all of {@code labels}; fails unless exactly one matches. */
  public double value(String name, Map<String, String> labels) {
    List<Sample> m = matching(name, labels);
    if (m.size() != 1) {
      throw new AssertionError("expected one sample " + name + labels + ", found " + m);
    }
    return m.get(0).value();
  }

  /** Sum over samples named {@code name} whose labels include {@code labels} (0 when none). */
  public double sum(String name, Map<String, String> labels) {
    return matching(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  public List<Sample> matching(String name, Map<String, String> labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
        .toList();
  }

  public boolean hasFamily(String family) {
    return samples.stream().anyMatch(s -> s.family().equals(family));
  }

  public String typeOf(String family) {
    return samples.stream().filter(s -> s.family().equals(family)).map(Sample::type).findFirst().orElse(null);
  }
}
