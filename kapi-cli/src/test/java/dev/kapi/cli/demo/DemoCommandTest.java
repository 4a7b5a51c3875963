package dev.kapi.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code kapi demo} end to end, as a user runs it: its own real kube-apiserver and etcd, the ambassador as a
 * separate process with a Pod's environment, and the seed's requests. Asserts what the person reading it sees.
 */
class DemoCommandTest {

  @Test
  void demoShowsTheSeedsScenarioThroughTheAmbassadorAndSurvivesARotation() throws Exception {
    List<String> cmd = new ArrayList<>(KapiProcess.kapiCommand());
    cmd.add(1, "-Dkapi.root=" + System.getProperty("kapi.repo.root", "../"));
    cmd.addAll(List.of("demo", "--no-color", "--port=0"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out;
    try {
      out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    } finally {
      p.destroyForcibly();
    }

    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("Starting to serve on 127.0.0.1:")
        .contains("\"kind\" : \"APIVersions\"")
        .contains("\"kind\" : \"APIResourceList\"").contains("\"groupVersion\" : \"batch/v1\"")
        .contains("\"name\" : \"cronjobs\"").contains("\"name\" : \"jobs\"")
        .contains("HTTP 403").contains("cannot list resource \\\"secrets\\\"")
        .contains("matches --reject-paths rule")
        .contains("the old token now gets HTTP 401 from the API server")
        .contains("the ambassador answers with the new token")
        .contains("$ kapi get --raw /apis/batch/v1");
    // steps in the seed's order: /api, then /apis/batch/v1, then the forbidden request
    assertThat(out.indexOf("APIVersions")).isLessThan(out.indexOf("APIResourceList"));
    assertThat(out.indexOf("APIResourceList")).isLessThan(out.indexOf("HTTP 403"));
    // everything the demo started is stopped when it exits
    assertThat(ProcessHandle.allProcesses().map(h -> h.info().commandLine().orElse(""))
        .filter(c -> c.contains("kapi-demo-") && (c.contains("kube-apiserver") || c.contains("etcd")))).isEmpty();
  }
}
