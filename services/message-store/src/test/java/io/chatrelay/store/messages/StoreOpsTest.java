package io.chatrelay.store.messages;

import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.Role;
import io.chatrelay.shared.ops.ChatrelayMeters;
import io.chatrelay.shared.ops.NodeOps;
import io.chatrelay.shared.testing.MutableClock;
import io.chatrelay.shared.testing.TestConfigs;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** What the store reports to operators: its readiness check, operation latencies and rate-limit refusals. */
@ExtendWith(VertxExtension.class)
class StoreOpsTest {

  @Test
  void readinessLatencyAndRefusalsAreReported(Vertx vertx, VertxTestContext test) {
    MutableClock clock = new MutableClock();
    StoreFixture.start(vertx, TestConfigs.local().with("tchatator.max-messages-per-minute", 2), clock).compose(store -> {
      ChatrelayMeters meters = NodeOps.of(vertx).meters();
      return NodeOps.of(vertx).readiness().healthChecks().checkStatus()
        .compose(status -> {
          test.verify(() -> {
            assertThat(status.getUp()).as(status.toJson().encode()).isTrue();
            assertThat(status.toJson().encode()).contains("message-store.database");
          });
          return store.account("ops-member", Role.MEMBER);
        })
        .compose(member -> store.account("ops-pro", Role.PROFESSIONAL).compose(pro -> store.sendMany(member, pro, 2, "m")
          .compose(v -> store.send(member, pro, "one too many"))
          .transform(ar -> {
            test.verify(() -> {
              assertThat(ar.failed()).isTrue();
              assertThat(BusFailure.from(ar.cause()).code()).isEqualTo(BusFailure.RATE_LIMITED);
              assertThat(meters.rateLimitRefusals(ChatrelayMeters.PROTOCOL_TCHATATOR, "max-messages-per-minute").count())
                .isEqualTo(1.0);
              assertThat(meters.dbLatency("send").count()).isEqualTo(3);
            });
            return store.close();
          })));
    }).onComplete(test.succeedingThenComplete());
  }
}
