package dev.kapi.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapi.client.KubeApiException;
import dev.kapi.client.KubeClient;
import dev.kapi.client.KubeRequest;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kapi whoami}: asks the server who the credentials are (SelfSubjectReview), printed as kubectl auth whoami. */
@Command(name = "whoami", description = "Show the user, groups and extra attributes the server sees for these credentials.")
public final class WhoAmICommand implements Callable<Integer> {

  @Mixin
  HelpOption helpOption;

  static final String BODY = "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}";

  @Spec
  CommandSpec spec;

  @Option(names = {"-o", "--output"}, description = "json or yaml (default: a table).")
  String output;

  @Override
  public Integer call() {
    if (output != null && !output.equals("json") && !output.equals("yaml")) {
      throw new ExitCodeException(1, "unable to match a printer suitable for the output format \"" + output
          + "\", allowed formats are: json,yaml");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (KubeClient kube = ConnectionOptions.of(spec).client(err)) {
      JsonNode review = kube.send(KubeRequest.post("/apis/authentication.k8s.io/v1/selfsubjectreviews")
          .body(BODY, "application/json").build()).json();
      if (output != null) {
        new Output().object(review, output, out);
        return 0;
      }
      JsonNode user = review.at("/status/userInfo");
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("Username", user.path("username").asText()));
      if (user.hasNonNull("uid")) {
        rows.add(List.of("UID", user.path("uid").asText()));
      }
      if (user.has("groups")) {
        rows.add(List.of("Groups", goList(user.path("groups"))));
      }
      TreeMap<String, JsonNode> extra = new TreeMap<>();
      user.path("extra").fields().forEachRemaining(e -> extra.put(e.getKey(), e.getValue()));
      extra.forEach((k, v) -> rows.add(List.of("Extra: " + k, goList(v))));
      Output.table(List.of("ATTRIBUTE", "VALUE"), rows, false, out);
      return 0;
    } catch (KubeApiException e) {
      err.println(Output.serverError(e));
      return 1;
    }
  }

  /** Go's {@code %v} of a string slice: {@code [a b c]}. */
  private static String goList(JsonNode array) {
    List<String> l = new ArrayList<>();
    array.forEach(n -> l.add(n.asText()));
    return "[" + String.join(" ", l) + "]";
  }
}
