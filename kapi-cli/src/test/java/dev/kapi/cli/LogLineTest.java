package dev.kapi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

class LogLineTest {

  @Test
  void printsTimeLevelShortLoggerAndMessageAsTheOldPatternDid() {
    LoggerContext ctx = new LoggerContext();
    Logger logger = ctx.getLogger("dev.kapi.proxy.internal.ProxyExchange");
    LoggingEvent e = new LoggingEvent(Logger.class.getName(), logger, Level.WARN, "upstream {} closed", null,
        new Object[] {"api"});
    String line = new LogLine().doLayout(e);
    assertThat(line).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  d\\.k\\.p\\.i\\.ProxyExchange - upstream api closed\\R");
  }

  @Test
  void appendsTheStackTraceOfAThrowable() {
    LoggerContext ctx = new LoggerContext();
    Logger logger = ctx.getLogger("x");
    LoggingEvent e = new LoggingEvent(Logger.class.getName(), logger, Level.ERROR, "failed", new IllegalStateException("boom"), null);
    assertThat(new LogLine().doLayout(e)).contains(" ERROR x - failed", "java.lang.IllegalStateException: boom", "\tat ");
  }

  @Test
  void abbreviatesPackagesLeftmostFirstLikeLogback() {
    assertThat(LogLine.abbreviate("dev.kapi.proxy.ProxyServer", 20)).isEqualTo("d.k.p.ProxyServer");
    assertThat(LogLine.abbreviate("io.netty.util.internal.PlatformDependent", 20)).isEqualTo("i.n.u.i.PlatformDependent");
    assertThat(LogLine.abbreviate("dev.kapi.ProxyServer", 20)).isEqualTo("dev.kapi.ProxyServer");
    assertThat(LogLine.abbreviate("dev.kapi.cli.ProxyCmd", 20)).isEqualTo("d.kapi.cli.ProxyCmd");
    assertThat(LogLine.abbreviate("short.Name", 20)).isEqualTo("short.Name");
    assertThat(LogLine.abbreviate("NoPackageButAVeryLongClassName", 20)).isEqualTo("NoPackageButAVeryLongClassName");
  }
}
