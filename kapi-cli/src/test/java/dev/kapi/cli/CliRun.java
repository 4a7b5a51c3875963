package dev.kapi.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;

/** Runs {@code kapi ARGS} in-process with a given environment and home, capturing stdout, stderr and the exit code. */
record CliRun(int exit, String out, String err) {

  static CliRun run(Map<String, String> env, Path home, String... args) {
    CommandLine.IFactory factory = new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        if (cls == ConnectionOptions.class) {
          return cls.cast(new ConnectionOptions(env, home));
        }
        return CommandLine.defaultFactory().create(cls);
      }
    };
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = KapiCommand.commandLine(factory);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new CliRun(exit, out.toString(), err.toString());
  }
}
