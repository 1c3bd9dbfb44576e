package io.chatrelay.shared.ops;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.chatrelay.shared.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

class RefusalLogTest {
  @Test
  void logsEachAddressAtMostOncePerPeriodWithTheCountOfTheRest() {
    Logger logger = (Logger) LoggerFactory.getLogger("refusal-log-test");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    MutableClock clock = new MutableClock();
    RefusalLog log = new RefusalLog(logger, "wnet", clock, 60_000);

    for (int i = 0; i < 500; i++) log.refused("10.0.0.1", "per-address-limit");
    log.refused("10.0.0.2", "max-connections");
    assertThat(lines.list).hasSize(2);

    clock.advance(java.time.Duration.ofMinutes(1));
    log.refused("10.0.0.1", "per-address-limit");
    assertThat(lines.list).hasSize(3);
    assertThat(lines.list.get(2).getFormattedMessage())
      .isEqualTo("wnet connection from 10.0.0.1 refused (per-address-limit); 499 more refused in the previous period");
  }
}
