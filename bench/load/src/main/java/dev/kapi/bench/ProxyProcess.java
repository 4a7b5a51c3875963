package dev.kapi.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code kapi proxy} as its own process, started the way the launcher starts it, with the Pod's environment
 * (in-cluster config from the pod view, no flags but the port), so its RSS and heap are its own.
 */
final class ProxyProcess implements AutoCloseable {

  private static final Pattern SERVING = Pattern.compile("Starting to serve on (\\S+):(\\d+)");
  private static final Pattern HEAP_USED = Pattern.compile("total (\\d+)K, used (\\d+)K");

  final Process process;
  final int port;
  final List<String> jvmFlags;

  private ProxyProcess(Process process, int port, List<String> jvmFlags) {
    this.process = process;
    this.port = port;
    this.jvmFlags = jvmFlags;
  }

  static ProxyProcess start(Path cliJar, Map<String, String> podEnv, List<String> proxyFlags)
      throws IOException, InterruptedException {
    List<String> jvm = new ArrayList<>(List.of("-XX:+UseSerialGC", "-Xmx256m", "-XX:+ExitOnOutOfMemoryError"));
    String extra = System.getenv("KAPI_BENCH_PROXY_OPTS");
    if (extra != null && !extra.isBlank()) {
      jvm.addAll(List.of(extra.trim().split("\\s+")));
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvm);
    cmd.addAll(List.of("-jar", cliJar.toString(), "proxy", "--port=0"));
    if (supports(cliJar, "--admin-address")) {
      cmd.add("--admin-address=off"); // the bench reads /proc and jcmd, and must not collide with a proxy on :9091
    }
    cmd.addAll(proxyFlags);
    String flags = System.getenv("KAPI_BENCH_PROXY_ARGS"); // e.g. --upstream-http2=off, to compare
    if (flags != null && !flags.isBlank()) {
      cmd.addAll(List.of(flags.trim().split("\\s+")));
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().putAll(podEnv);
    Process p = pb.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      Matcher m = SERVING.matcher(line);
      if (m.find()) {
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "proxy-stdout");
        drain.setDaemon(true);
        drain.start();
        return new ProxyProcess(p, Integer.parseInt(m.group(2)), jvm);
      }
    }
    throw new IOException("kapi proxy exited before serving (exit " + exitCode(p) + ")");
  }

  /** Whether {@code kapi proxy --help} lists a flag (so the driver runs against older builds too). */
  static boolean supports(Path cliJar, String flag) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        cliJar.toString(), "proxy", "--help").redirectErrorStream(true).start();
    String help = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return help.contains(flag);
  }

  private static String exitCode(Process p) {
    try {
      return p.waitFor(5, TimeUnit.SECONDS) ? Integer.toString(p.exitValue()) : "still running";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  long pid() {
    return process.pid();
  }

  /** Resident set size from /proc, in KiB. */
  long rssKiB() throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
      if (l.startsWith("VmRSS:")) {
        return Long.parseLong(l.replaceAll("\\D+", ""));
      }
    }
    throw new IOException("no VmRSS for " + pid());
  }

  long openFiles() throws IOException {
    try (var s = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
      return s.count();
    }
  }

  /** Heap in use right after a full GC (jcmd GC.run, then GC.heap_info), in KiB: the live set. */
  long liveHeapKiB() throws IOException, InterruptedException {
    jcmd("GC.run");
    Matcher m = HEAP_USED.matcher(jcmd("GC.heap_info"));
    long used = 0;
    while (m.find()) {
      used += Long.parseLong(m.group(2)); // serial GC prints the young and the tenured generation
    }
    return used;
  }

  private String jcmd(String command) throws IOException, InterruptedException {
    Process j = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(pid()), command).redirectErrorStream(true).start();
    String out = new String(j.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!j.waitFor(60, TimeUnit.SECONDS) || j.exitValue() != 0) {
      throw new IOException("jcmd " + command + " failed: " + out);
    }
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
