package dev.kapi.proxy.admin;

/** What the admin listener serves: the two health endpoints and the metrics. */
public record AdminRoutes(HealthEndpoint livez, HealthEndpoint readyz, MetricsEndpoint metrics) {
}
