package dev.kapi.proxy.admin;

import java.util.concurrent.CompletableFuture;

/** Asks the API server one cheap question; completes with the HTTP status, or exceptionally when unreachable. */
@FunctionalInterface
public interface UpstreamProbe {

  CompletableFuture<Integer> probe();
}
