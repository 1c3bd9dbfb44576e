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
    LogLines lines = new LogLines((Logger) LoggerFactory.getLogger(owner));
    lines.start();
    lines.logger.addAppender(lines);
    return lines;
  }

  @Override
  protected void append(ILoggingEvent event) {
    lines.add(event.getLevel() + " " + event.getFormattedMessage());
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
