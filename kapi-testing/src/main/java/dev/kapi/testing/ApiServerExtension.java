package dev.kapi.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.TestAbortedException;

/**
 * JUnit 5 extension giving tests a real {@link ApiServer}, started once per test JVM and shared.
 *
 * <p>With {@code CI=true} a server that cannot be provisioned or started fails the test; elsewhere, with no
 * binaries at all, the test is skipped with one line saying how to get them. Nothing else is ever skipped.
 * Every test that gets the server is recorded in {@code target/kapi-apiserver-tests.txt}, so CI can say how
 * many tests ran against the real thing.
 */
public final class ApiServerExtension implements ParameterResolver, BeforeEachCallback {

  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ApiServerExtension.class);

  /** Holds the shared server in the root store; JUnit closes it when the test plan ends. */
  private static final class Holder implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    final ApiServer server;
    final RuntimeException failure;

    Holder(ApiServer server, RuntimeException failure) {
      this.server = server;
      this.failure = failure;
    }

    @Override
    public void close() {
      if (server != null) {
        server.close();
      }
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext ctx) {
    return p.getParameter().getType() == ApiServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext ctx) throws ParameterResolutionException {
    return server(ctx);
  }

  @Override
  public void beforeEach(ExtensionContext ctx) {
    // Starting here gives one clear failure point per test and records that the test used the real server.
    server(ctx);
    record(ctx);
  }

  /** The shared server for this test JVM; starts it on first use. */
  public static ApiServer server(ExtensionContext ctx) {
    Holder h = ctx.getRoot().getStore(NS).getOrComputeIfAbsent(Holder.class, k -> startOnce(), Holder.class);
    if (h.failure != null) {
      if (h.failure instanceof TestAbortedException) {
        throw new TestAbortedException(h.failure.getMessage());
      }
      throw new IllegalStateException("the real API server could not start: " + h.failure.getMessage(), h.failure);
    }
    return h.server;
  }

  private static Holder startOnce() {
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    var binaries = EnvtestBinaries.find(System.getenv());
    if (binaries.isEmpty()) {
      if (ci) {
        return new Holder(null, new IllegalStateException("CI=true and " + EnvtestBinaries.howToGet()));
      }
      System.err.println("kapi: skipping real-API-server tests: " + EnvtestBinaries.howToGet());
      return new Holder(null, new TestAbortedException("skipped: " + EnvtestBinaries.howToGet()));
    }
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path dir = Path.of("target", "kapi-apiserver", stamp + "-" + ProcessHandle.current().pid()).toAbsolutePath();
    try {
      return new Holder(ApiServer.start(binaries.get(), dir), null);
    } catch (RuntimeException e) {
      return new Holder(null, e);
    }
  }

  private static void record(ExtensionContext ctx) {
    String id = ctx.getRequiredTestClass().getName() + "#" + ctx.getDisplayName();
    try {
      Path f = Path.of("target", "kapi-apiserver-tests.txt");
      Files.createDirectories(f.getParent());
      Files.writeString(f, id + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      System.err.println("kapi: cannot record real-server test " + id + ": " + e.getMessage());
    }
  }
}
