package io.chatrelay.wnet.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The lines one logger writes while this is open (formatted messages), for tests of what operators read. */
public final class LogLines extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final Logger logger;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  private LogLines(Logger logger) {
    this.logger = logger;
  }

  public static LogLines of(Class<?> owner) {
    return of(owner.getName());
  }

  /** Every logger's lines (the root logger's appenders see them all). */
  public static LogLines all() {
    return of(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  private static LogLines of(String loggerName) {
    LogLines lines = new LogLines((Logger) LoggerFactory.getLogger(loggerName));
    lines.start();
    lines.logger.addAppender(lines);
    return lines;
  }

  /** The lines at {@code level} ("ERROR", "WARN", ...). */
  public List<String> at(String level) {
    return lines.stream().filter(l -> l.startsWith(level + " ")).toList();
  }

  @Override
  protected void append(ILoggingEvent event) {
    String thrown = event.getThrowableProxy() == null ? "" : " " + event.getThrowableProxy().getClassName();
    lines.add(event.getLevel() + " " + event.getLoggerName() + ": " + event.getFormattedMessage() + thrown);
  }

  /** The lines containing {@code text}. */
  public List<String> matching(String text) {
    return lines.stream().filter(l -> l.contains(text)).toList();
  }

  @Override
  public void close() {
    logger.detachAppender(this);
    stop();
  }
}
