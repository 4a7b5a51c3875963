package dev.kapi.cli;

import java.lang.reflect.Field;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Flags defined in code with picocli's model API instead of its annotations, each bound to a field by name. The
 * proxy's flags and the connection flags are defined this way because picocli reads annotations through
 * JDK-generated proxy classes, one per annotation type, which a Java 17 class-data archive cannot hold: building
 * {@code kapi proxy}'s model from annotations cost ~65 ms more CPU at every start, on the way to the first response
 * (docs/benchmarks.md, "Flags in code"). Fields are bound reflectively, as picocli binds annotated ones: a lambda
 * per getter and setter instead made ~100 call sites to link at start-up, ~30 ms more.
 */
final class Flags {

  private Flags() {
  }

  /**
   * An option bound to the named field of {@code owner}: its type is the field's, its value before any parse the
   * field's value now (picocli restores it before each parse), and its parameter label, as with an annotated field,
   * the field's name in angle brackets.
   */
  static OptionSpec.Builder option(Object owner, String field, String... names) {
    Field f;
    try {
      f = owner.getClass().getDeclaredField(field);
    } catch (NoSuchFieldException e) {
      throw new IllegalArgumentException(owner.getClass().getSimpleName() + " has no field " + field, e);
    }
    FieldBinding binding = new FieldBinding(owner, f);
    return OptionSpec.builder(names).type(f.getType()).paramLabel("<" + field + ">").getter(binding).setter(binding)
        .initialValue(binding.get());
  }

  /** {@code -h, --help}, as picocli's standard help options have it. */
  static OptionSpec usageHelp() {
    return OptionSpec.builder("-h", "--help").type(boolean.class).usageHelp(true)
        .description("Show this help message and exit.").build();
  }

  /** {@code -V, --version}, as picocli's standard help options have it. */
  static OptionSpec versionHelp() {
    return OptionSpec.builder("-V", "--version").type(boolean.class).versionHelp(true)
        .description("Print version information and exit.").build();
  }

  private static final class FieldBinding implements IGetter, ISetter {
    private final Object owner;
    private final Field field;

    FieldBinding(Object owner, Field field) {
      this.owner = owner;
      this.field = field;
      field.setAccessible(true);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get() {
      try {
        return (T) field.get(owner);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public <T> T set(T value) {
      T previous = get();
      try {
        field.set(owner, value);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
      return previous;
    }
  }
}
