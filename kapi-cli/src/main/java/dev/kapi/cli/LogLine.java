package dev.kapi.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * One log line: {@code 12:01:02.345 WARN  d.k.p.ProxyServer - message}, then the stack trace if any. What
 * {@code %d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n} prints, written by hand because logback's pattern parser
 * and converters cost every command ~40 ms of start-up; the time formatter is built at the first line, which most
 * runs never write (the default level is warn).
 */
final class LogLine extends LayoutBase<ILoggingEvent> {

  static final int LOGGER_WIDTH = 20;

  private DateTimeFormatter time;

  @Override
  public String doLayout(ILoggingEvent event) {
    if (time == null) {
      time = formatter();
    }
    StringBuilder line = new StringBuilder(128);
    time.formatTo(Instant.ofEpochMilli(event.getTimeStamp()), line);
    String level = event.getLevel().toString();
    line.append(' ').append(level);
    for (int i = level.length(); i < 5; i++) {
      line.append(' ');
    }
    line.append(' ').append(abbreviate(event.getLoggerName(), LOGGER_WIDTH)).append(" - ")
        .append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      line.append(ThrowableProxyUtil.asString(thrown)).append(CoreConstants.LINE_SEPARATOR);
    }
    return line.toString();
  }

  /**
   * In the local zone; in UTC if its rules cannot be loaded. The first line may be written because the process
   * ran out of file descriptors (Netty's warning that accept failed), when the zone's rules file cannot be
   * opened: an error thrown from here would kill the thread that logs, an event loop.
   */
  private static DateTimeFormatter formatter() {
    DateTimeFormatter pattern = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    try {
      ZoneId zone = ZoneId.systemDefault();
      zone.getRules(); // loads them now, inside the try
      return pattern.withZone(zone);
    } catch (Throwable e) { // ExceptionInInitializerError, NoClassDefFoundError, DateTimeException
      return pattern.withZone(java.time.ZoneOffset.UTC);
    }
  }

  /**
   * logback's {@code %logger{width}}: package segments shortened to their first letter, leftmost first, until the
   * name fits; the class name itself is never shortened.
   */
  static String abbreviate(String name, int width) {
    if (name.length() <= width) {
      return name;
    }
    String[] parts = name.split("\\.", -1);
    int length = name.length();
    for (int i = 0; i < parts.length - 1 && length > width; i++) {
      length -= parts[i].length() - Math.min(1, parts[i].length());
      parts[i] = parts[i].isEmpty() ? "" : parts[i].substring(0, 1);
    }
    return String.join(".", parts);
  }
}
