package dev.kapi.config.bench;

import dev.kapi.config.Credentials;
import dev.kapi.config.TokenFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-request cost of {@link TokenFile#authorization()} (one stat through the kubelet's {@code ..data} symlinks) against
 * a static token, in ns per call. Not a test and not a timed assertion: run by hand, numbers go into the README.
 *
 * <pre>
 * ./mvnw -B -q -o test-compile -pl kapi-config -Dkapi.envtest.skip=true
 * ./mvnw -B -q -o dependency:build-classpath -pl kapi-config -Dmdep.outputFile=/tmp/cp.txt
 * java -cp kapi-config/target/classes:kapi-config/target/test-classes:$(cat /tmp/cp.txt) dev.kapi.config.bench.TokenCheckCost
 * </pre>
 */
public final class TokenCheckCost {

  private static final int CALLS = 1_000_000;
  private static volatile Object sink;

  private TokenCheckCost() {
  }

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("kapi-token-cost");
    Path gen = Files.createDirectory(dir.resolve("..2026_01_01_00_00_00.1"));
    Files.writeString(gen.resolve("token"), "x".repeat(900)); // a projected token is ~900 bytes
    Files.createSymbolicLink(dir.resolve("..data"), gen.getFileName());
    Files.createSymbolicLink(dir.resolve("token"), Path.of("..data", "token"));

    Credentials file = new TokenFile(dir.resolve("token"));
    Credentials fixed = Credentials.staticToken("x".repeat(900));
    System.out.printf("java %s, %s, %d cores, %s%n", System.getProperty("java.version"), System.getProperty("os.name"),
        Runtime.getRuntime().availableProcessors(), dir);
    for (int round = 1; round <= 5; round++) {
      System.out.printf("round %d: TokenFile %6.0f ns/call   static token %5.1f ns/call   TokenFile, 2 threads %6.0f ns/call/thread%n",
          round, perCall(file), perCall(fixed), perCallThreads(file, 2));
    }

    // one rotation, to show the first call after it pays for the re-read once
    Path next = Files.createDirectory(dir.resolve("..2026_01_01_01_00_00.2"));
    Files.writeString(next.resolve("token"), "y".repeat(900));
    Path tmp = dir.resolve("..data_tmp");
    Files.createSymbolicLink(tmp, next.getFileName());
    Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    long t0 = System.nanoTime();
    String after = file.authorization().orElseThrow();
    System.out.printf("first call after a rotation: %d ns (re-read), token changed: %s%n", System.nanoTime() - t0,
        after.endsWith("y"));
  }

  private static double perCall(Credentials c) {
    for (int i = 0; i < CALLS / 10; i++) {
      sink = c.authorization();
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < CALLS; i++) {
      sink = c.authorization();
    }
    return (System.nanoTime() - t0) / (double) CALLS;
  }

  private static double perCallThreads(Credentials c, int threads) throws InterruptedException {
    CountDownLatch start = new CountDownLatch(1);
    AtomicLong total = new AtomicLong();
    Thread[] ts = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      ts[t] = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < CALLS; i++) {
          sink = c.authorization();
        }
        total.addAndGet(System.nanoTime() - t0);
      });
      ts[t].start();
    }
    start.countDown();
    for (Thread t : ts) {
      t.join();
    }
    return total.get() / (double) threads / CALLS;
  }
}
