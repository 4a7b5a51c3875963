package dev.kapi.proxy.admin;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MetricNameFilter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * {@code /metrics} in the Prometheus text format (0.0.4). {@code ?name[]=x&name[]=y} limits the output to
 * those metric names, as the Prometheus Java client's own HTTP exporter does.
 */
public final class MetricsEndpoint {

  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  private final PrometheusRegistry registry;
  private final Runnable beforeScrape;
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  public MetricsEndpoint(PrometheusRegistry registry) {
    this(registry, () -> { });
  }

  /** {@code beforeScrape} runs ahead of every scrape: collectors too costly to register before anyone asks. */
  public MetricsEndpoint(PrometheusRegistry registry, Runnable beforeScrape) {
    this.registry = registry;
    this.beforeScrape = beforeScrape;
  }

  public byte[] scrape(List<String> names) {
    beforeScrape.run();
    var snapshots = names.isEmpty()
        ? registry.scrape()
        : registry.scrape(MetricNameFilter.builder().nameMustBeEqualTo(names).build());
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      writer.write(out, snapshots);
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    return out.toByteArray();
  }
}
