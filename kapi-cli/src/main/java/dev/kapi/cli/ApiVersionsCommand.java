package dev.kapi.cli;

import dev.kapi.client.KubeApiException;
import dev.kapi.client.KubeClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kapi api-versions}: every served group/version, sorted, one per line, as kubectl prints them. */
@Command(name = "api-versions", description = "Print the supported API versions on the server, in the form \"group/version\".")
public final class ApiVersionsCommand implements Callable<Integer> {

  @Mixin
  HelpOption helpOption;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (KubeClient kube = ConnectionOptions.of(spec).client(spec.commandLine().getErr())) {
      kube.discovery().groupVersions().stream().distinct().sorted().forEach(out::println);
      return 0;
    } catch (KubeApiException e) {
      spec.commandLine().getErr().println(Output.serverError(e));
      return 1;
    }
  }
}
