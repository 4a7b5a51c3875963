package dev.kapi.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LogbackServiceProvider;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.CoreConstants;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Logback behind SLF4J, set up by {@link LogSetup} directly. logback's own provider first runs its configurator
 * discovery: version checks that read resources out of the jars and a {@code ServiceLoader} search that opens every
 * jar on the class path, ~40 ms of every command's start-up before the configurator it finds is this same LogSetup.
 * With {@code -Dlogback.configurationFile=…} logback's provider does the whole job, as usual.
 */
public final class LoggingProvider implements SLF4JServiceProvider {

  private ILoggerFactory loggers;
  private IMarkerFactory markers;
  private MDCAdapter mdc;

  @Override
  public void initialize() {
    if (System.getProperty("logback.configurationFile") != null) {
      LogbackServiceProvider logback = new LogbackServiceProvider();
      logback.initialize();
      loggers = logback.getLoggerFactory();
      markers = logback.getMarkerFactory();
      mdc = logback.getMDCAdapter();
      return;
    }
    LoggerContext context = new LoggerContext();
    context.setName(CoreConstants.DEFAULT_CONTEXT_NAME);
    LogbackMDCAdapter adapter = new LogbackMDCAdapter();
    context.setMDCAdapter(adapter);
    LogSetup setup = new LogSetup();
    setup.setContext(context);
    setup.configure(context);
    context.start();
    loggers = context;
    markers = new BasicMarkerFactory();
    mdc = adapter;
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return loggers;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }
}
