package dev.kapi.cli;

import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Flags defined in code with picocli's model API instead of its annotations, each bound to a field. The proxy and
 * the connection flags are defined this way because picocli reads annotations through JDK-generated proxy classes,
 * one per annotation type, which a Java 17 class-data archive cannot hold: building {@code kapi proxy}'s model from
 * annotations took ~75 ms more of every start, on the path to the first response (docs/benchmarks.md, "Flags in
 * code"). Each flag names its {@code paramLabel} as picocli derives it from a field name, so help is unchanged.
 */
final class Flags {

  private Flags() {
  }

  /**
   * An option of the given type whose value lives in a field, read and written through {@code get} and {@code set};
   * the field's value now is the one picocli restores before each parse, as with an annotated field.
   */
  static <T> OptionSpec.Builder option(Class<T> type, Supplier<T> get, Consumer<T> set, String... names) {
    FieldBinding<T> binding = new FieldBinding<>(get, set);
    return OptionSpec.builder(names).type(type).getter(binding).setter(binding).initialValue(get.get());
  }

  /** {@code -h, --help}, as picocli's standard help options have it. */
  static OptionSpec usageHelp() {
    return OptionSpec.builder("-h", "--help").type(boolean.class).usageHelp(true).description("Show this help message and exit.").build();
  }

  /** {@code -V, --version}, as picocli's standard help options have it. */
  static OptionSpec versionHelp() {
    return OptionSpec.builder("-V", "--version").type(boolean.class).versionHelp(true).description("Print version information and exit.")
        .build();
  }

  /** picocli's getter and setter are generic methods, which a lambda cannot implement. */
  private static final class FieldBinding<T> implements IGetter, ISetter {
    private final Supplier<T> get;
    private final Consumer<T> set;

    FieldBinding(Supplier<T> get, Consumer<T> set) {
      this.get = get;
      this.set = set;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> V get() {
      return (V) get.get();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> V set(V value) {
      V previous = get();
      set.accept((T) value);
      return previous;
    }
  }
}
