package dev.kapi.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;

/** How the demo talks to a person: numbered headings, short explanations, commands, pretty JSON. */
final class DemoConsole {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final PrintStream out;
  private final boolean color;
  private int step;

  DemoConsole(PrintStream out, boolean color) {
    this.out = out;
    this.color = color;
  }

  void heading(String title) {
    step++;
    out.println();
    out.println(bold("== " + step + ". " + title));
  }

  void say(String text) {
    for (String line : text.split("\n")) {
      out.println("   " + line);
    }
  }

  void command(String cmd) {
    out.println(dim("   $ ") + bold(cmd));
  }

  void status(String text) {
    out.println(dim("   … " + text));
  }

  void ok(String text) {
    out.println("   " + (color ? "\u001b[32m✔\u001b[0m " : "OK ") + text);
  }

  /** A response: status line, then the body as indented, pretty-printed JSON (or as is, when not JSON). */
  void response(int code, String body, int maxLines) {
    out.println(dim("   HTTP " + code));
    String pretty;
    try {
      pretty = JSON.writeValueAsString(JSON.readTree(body));
    } catch (Exception notJson) {
      pretty = body.strip();
    }
    String[] lines = pretty.split("\n");
    int n = Math.min(lines.length, maxLines);
    for (int i = 0; i < n; i++) {
      out.println("   " + lines[i]);
    }
    if (lines.length > n) {
      out.println(dim("   … (" + (lines.length - n) + " more lines)"));
    }
  }

  private String bold(String s) {
    return color ? "\u001b[1m" + s + "\u001b[0m" : s;
  }

  private String dim(String s) {
    return color ? "\u001b[2m" + s + "\u001b[0m" : s;
  }
}
