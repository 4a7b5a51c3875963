package dev.kapi.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kapi.client.KubeApiException;
import dev.kapi.client.KubeClient;
import dev.kapi.client.KubeRequest;
import dev.kapi.client.KubeResponse;
import dev.kapi.client.ListOptions;
import dev.kapi.client.ResourceType;
import dev.kapi.client.Resources;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kapi get}: kubectl get for one resource type (kubectl's table, rendered by the server), or
 * {@code --raw PATH}, the seed's curl in one word.
 */
@Command(name = "get", sortOptions = false,
    description = {"Display one or many resources, or GET a raw URL path.",
        "  kapi get pods                 a table, as kubectl prints it",
        "  kapi get cm -A -o yaml        every ConfigMap in every namespace",
        "  kapi get deploy/web -o json   one object",
        "  kapi get --raw /apis/batch/v1 the body as the server sent it"})
public final class GetCommand implements Callable<Integer> {

  @Mixin
  HelpOption helpOption;

  static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

  @Spec
  CommandSpec spec;

  @Parameters(arity = "0..*", paramLabel = "RESOURCE [NAME...]",
      description = "A resource type (plural, singular, short name or kind, optionally .group) and names, or TYPE/NAME.")
  List<String> args = new ArrayList<>();

  @Option(names = "--raw", paramLabel = "PATH", description = "GET this path on the server and print the body as is.")
  String raw;

  @Option(names = {"-A", "--all-namespaces"}, description = "List across all namespaces.")
  boolean allNamespaces;

  @Option(names = {"-l", "--selector"}, description = "Label selector, e.g. app=web,tier!=db.")
  String selector;

  @Option(names = "--field-selector", description = "Field selector, e.g. metadata.name=x.")
  String fieldSelector;

  @Option(names = {"-o", "--output"}, description = "json, yaml, name or wide (default: a table).")
  String output;

  @Option(names = "--no-headers", description = "Print table rows without the header line.")
  boolean noHeaders;

  @Option(names = "--show-managed-fields", description = "Keep metadata.managedFields in json and yaml output.")
  boolean showManagedFields;

  @Option(names = "--chunk-size", defaultValue = "500", description = "List in pages of this many objects (0: one request).")
  int chunkSize;

  private final Output printer = new Output();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (raw != null && !args.isEmpty()) {
      throw new ExitCodeException(1, "arguments may not be passed when --raw is specified");
    }
    if (raw == null && args.isEmpty()) {
      throw new ExitCodeException(1, "you must specify the type of resource to get, e.g. 'kapi get pods'; "
          + "'kapi api-resources' lists them");
    }
    if (output != null && !List.of("json", "yaml", "name", "wide").contains(output)) {
      throw new ExitCodeException(1, "unable to match a printer suitable for the output format \"" + output
          + "\", allowed formats are: json,name,wide,yaml");
    }
    try (KubeClient kube = ConnectionOptions.of(spec).client(err)) {
      return raw != null ? raw(kube, out, err) : resources(kube, out, err);
    } catch (KubeApiException e) {
      out.flush();
      err.println(Output.serverError(e));
      return 1;
    }
  }

  private int raw(KubeClient kube, PrintWriter out, PrintWriter err) {
    try (KubeResponse r = kube.exchange(KubeRequest.get(RawTarget.of(raw)).accept("application/json, */*").build())) {
      if (!r.successful()) {
        throw kube.errorOf(r);
      }
      // streamed, so a watch (?watch=true) prints each event as it comes
      Reader body = new InputStreamReader(r.body(), StandardCharsets.UTF_8);
      char[] buf = new char[8192];
      for (int n; (n = body.read(buf)) >= 0;) {
        out.write(buf, 0, n);
        out.flush();
      }
      return 0;
    } catch (IOException e) {
      throw new ExitCodeException(1, "reading " + raw + ": " + e.getMessage());
    }
  }

  private int resources(KubeClient kube, PrintWriter out, PrintWriter err) {
    String typeName = args.get(0);
    List<String> names = new ArrayList<>(args.subList(1, args.size()));
    if (typeName.contains("/")) {
      typeName = args.get(0).substring(0, args.get(0).indexOf('/'));
      names.clear();
      for (String a : args) {
        int slash = a.indexOf('/');
        if (slash < 0 || !a.substring(0, slash).equals(typeName)) {
          throw new ExitCodeException(1, "there is no need to specify a resource type as a separate argument when passing "
              + "arguments in resource/name form (and only one type is supported): " + a);
        }
        names.add(a.substring(slash + 1));
      }
    }
    ResourceType type = kube.discovery().mapper().resolve(typeName);
    Resources r = kube.resources(type);
    if (allNamespaces) {
      if (!names.isEmpty()) {
        throw new ExitCodeException(1, "a resource cannot be retrieved by name across all namespaces");
      }
      r = r.inAllNamespaces();
    } else {
      Optional<String> namespace = ConnectionOptions.of(spec).namespace();
      if (namespace.isPresent()) {
        r = r.inNamespace(namespace.get());
      }
    }
    ListOptions options = ListOptions.all().withLimit(chunkSize);
    if (selector != null) {
      options = options.withLabelSelector(selector);
    }
    if (fieldSelector != null) {
      options = options.withFieldSelector(fieldSelector);
    }
    if (output == null || output.equals("wide")) {
      return table(kube, r, names, options, out, err);
    }
    List<JsonNode> objects = new ArrayList<>();
    List<KubeApiException> errors = new ArrayList<>();
    if (names.isEmpty()) {
      r.list(options).forEach(objects::add);
    } else {
      for (String n : names) {
        try {
          objects.add(r.get(n));
        } catch (KubeApiException e) {
          if (names.size() == 1) {
            throw e;
          }
          errors.add(e); // kubectl prints what it found, then each failure
        }
      }
    }
    if (output.equals("name")) {
      String prefix = type.kind().toLowerCase(java.util.Locale.ROOT) + (type.group().isEmpty() ? "" : "." + type.group()) + "/";
      objects.forEach(o -> out.println(prefix + o.at("/metadata/name").asText()));
    } else {
      JsonNode doc = names.size() == 1 ? objects.get(0) : Output.list(objects);
      printer.object(showManagedFields ? doc : Output.withoutManagedFields(doc), output, out);
    }
    out.flush(); // an empty list says so itself: kubectl's "No resources found" is for tables only
    return failures(errors, err);
  }

  /** The failures of a get by several names, after everything that was found: exit 1 if there were any. */
  private static int failures(List<KubeApiException> errors, PrintWriter err) {
    errors.forEach(e -> err.println(Output.serverError(e)));
    return errors.isEmpty() ? 0 : 1;
  }

  /** kubectl's default output: the server renders a Table (its own columns, ages, statuses); we align it. */
  private int table(KubeClient kube, Resources r, List<String> names, ListOptions options, PrintWriter out, PrintWriter err) {
    ResourceType type = r.type();
    boolean wide = "wide".equals(output);
    boolean withNamespace = allNamespaces && type.namespaced();
    List<String> headers = new ArrayList<>();
    List<Integer> shown = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    String ns = r.namespace().orElse(null);
    if (names.isEmpty()) {
      paths.add(type.collectionPath(ns));
    } else {
      names.forEach(n -> paths.add(type.objectPath(ns, n)));
    }
    List<KubeApiException> errors = new ArrayList<>();
    for (String path : paths) {
      Optional<String> next = Optional.empty();
      do {
        KubeRequest.Builder b = KubeRequest.get(path).accept(TABLE);
        if (names.isEmpty()) {
          options.labelSelector().ifPresent(s -> b.query("labelSelector", s));
          options.fieldSelector().ifPresent(s -> b.query("fieldSelector", s));
          if (options.limit() > 0) {
            b.query("limit", Integer.toString(options.limit()));
          }
          next.ifPresent(c -> b.query("continue", c));
        }
        JsonNode t;
        try {
          t = kube.send(b.build()).json();
        } catch (KubeApiException e) {
          if (names.size() <= 1) {
            throw e;
          }
          errors.add(e);
          break;
        }
        if (headers.isEmpty()) {
          if (withNamespace) {
            headers.add("NAMESPACE");
          }
          JsonNode cols = t.path("columnDefinitions");
          for (int i = 0; i < cols.size(); i++) {
            if (wide || cols.get(i).path("priority").asInt(0) == 0) {
              shown.add(i);
              headers.add(cols.get(i).path("name").asText().toUpperCase(java.util.Locale.ROOT));
            }
          }
        }
        for (JsonNode row : t.path("rows")) {
          List<String> cells = new ArrayList<>();
          if (withNamespace) {
            cells.add(row.at("/object/metadata/namespace").asText(""));
          }
          for (int i : shown) {
            JsonNode c = row.path("cells").path(i);
            cells.add(c.isNull() || c.isMissingNode() ? "" : c.asText()); // kubectl prints a null cell as nothing
          }
          rows.add(cells);
        }
        String token = t.at("/metadata/continue").asText("");
        next = token.isEmpty() ? Optional.empty() : Optional.of(token);
      } while (next.isPresent());
    }
    if (rows.isEmpty() && errors.isEmpty()) {
      noneFound(r, err);
      return 0;
    }
    if (!rows.isEmpty()) {
      Output.table(headers, rows, noHeaders, out);
    }
    return failures(errors, err);
  }

  private void noneFound(Resources r, PrintWriter err) {
    err.println(r.namespace().map(n -> "No resources found in " + n + " namespace.").orElse("No resources found"));
  }

}
