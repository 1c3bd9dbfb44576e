package io.chatrelay.tchatator;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

import java.util.List;

/** What the process logged during one test (register with {@code @RegisterExtension}): to check levels and lines. */
final class CapturedLog implements BeforeEachCallback, AfterEachCallback {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  @Override
  public void beforeEach(ExtensionContext context) {
    appender.list.clear();
    appender.start();
    root().addAppender(appender);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    root().detachAppender(appender);
  }

  List<ILoggingEvent> events() {
    return List.copyOf(appender.list);
  }

  boolean hasLine(Level level, String contains) {
    return events().stream().anyMatch(e -> e.getLevel() == level && e.getFormattedMessage().contains(contains));
  }

  boolean hasErrors() {
    return events().stream().anyMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR));
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
