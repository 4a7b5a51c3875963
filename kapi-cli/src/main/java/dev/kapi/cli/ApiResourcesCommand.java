package dev.kapi.cli;

import dev.kapi.client.KubeApiException;
import dev.kapi.client.KubeClient;
import dev.kapi.client.ResourceType;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kapi api-resources}: the same rows and columns as {@code kubectl api-resources}. */
@Command(name = "api-resources", sortOptions = false,
    description = "Print the supported API resources on the server (preferred version of each group).")
public final class ApiResourcesCommand implements Callable<Integer> {

  @Mixin
  HelpOption helpOption;

  @Spec
  CommandSpec spec;

  @Option(names = "--namespaced", arity = "0..1", fallbackValue = "true",
      description = "If false, non-namespaced resources will be returned; if true, only namespaced ones.")
  Boolean namespaced;

  @Option(names = "--api-group", description = "Limit to resources in the specified API group (\"\" for core).")
  String apiGroup;

  @Option(names = {"-o", "--output"}, description = "wide (adds VERBS and CATEGORIES) or name.")
  String output;

  @Option(names = "--no-headers", description = "When using the default or wide output, don't print headers.")
  boolean noHeaders;

  @Option(names = "--sort-by", description = "name or kind (default: by API group, as kubectl).")
  String sortBy;

  @Override
  public Integer call() {
    // checked before anything goes to the server, with kubectl's words
    if (output != null && !output.equals("wide") && !output.equals("name")) {
      throw new ExitCodeException(1, "--output " + output + " is not available");
    }
    if (sortBy != null && !sortBy.equals("name") && !sortBy.equals("kind")) {
      throw new ExitCodeException(1, "--sort-by accepts only name or kind");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (KubeClient kube = ConnectionOptions.of(spec).client(err)) {
      List<ResourceType> rows = new ArrayList<>();
      for (ResourceType r : kube.discovery().preferredResources()) {
        if (r.verbs().isEmpty() || (namespaced != null && r.namespaced() != namespaced)
            || (apiGroup != null && !r.group().equals(apiGroup))) {
          continue;
        }
        rows.add(r);
      }
      Comparator<ResourceType> order = "name".equals(sortBy) ? Comparator.comparing(ResourceType::resource)
          : "kind".equals(sortBy) ? Comparator.comparing(ResourceType::kind) : Comparator.comparing(ResourceType::group);
      rows.sort(order); // stable: discovery order within a group, as kubectl
      if ("name".equals(output)) {
        rows.forEach(r -> out.println(r.qualifiedName()));
        return 0;
      }
      boolean wide = "wide".equals(output);
      List<String> headers = new ArrayList<>(List.of("NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"));
      if (wide) {
        headers.addAll(List.of("VERBS", "CATEGORIES"));
      }
      List<List<String>> cells = new ArrayList<>();
      for (ResourceType r : rows) {
        List<String> c = new ArrayList<>(List.of(r.resource(), String.join(",", r.shortNames()), r.apiVersion(),
            String.valueOf(r.namespaced()), r.kind()));
        if (wide) {
          c.add(String.join(",", r.verbs()));
          c.add(String.join(",", r.categories()));
        }
        cells.add(c);
      }
      Output.table(headers, cells, noHeaders, out);
      return 0;
    } catch (KubeApiException e) {
      err.println(Output.serverError(e));
      return 1;
    }
  }
}
