package io.chatrelay.launcher;

import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.ops.ChatrelayMeters;
import io.chatrelay.shared.testing.TestCluster;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.shared.testing.TestPorts;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.chatrelay.launcher.AdminServer.LIVE_PATH;
import static io.chatrelay.launcher.AdminServer.METRICS_PATH;
import static io.chatrelay.launcher.AdminServer.READY_PATH;
import static io.chatrelay.shared.ops.ChatrelayMeters.PROTOCOL_TCHATATOR;
import static io.chatrelay.shared.ops.ChatrelayMeters.PROTOCOL_WNET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The admin server over real HTTP on 127.0.0.1, around a real {@link ChatrelayServer}'s start and stop. */
@ExtendWith(VertxExtension.class)
class AdminServerTest {
  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private final List<ChatrelayServer> running = new ArrayList<>();
  private final List<TestCluster> clusters = new ArrayList<>();

  @AfterEach
  void stopServers() throws Exception {
    for (ChatrelayServer server : running) server.stop().otherwiseEmpty().await(30, TimeUnit.SECONDS);
    for (TestCluster cluster : clusters) cluster.close().await(30, TimeUnit.SECONDS);
  }

  private static ChatrelayConfig settings() {
    return TestConfigs.local()
      .with("admin.host", "127.0.0.1")
      .with("admin.port", TestPorts.free())
      .with("shutdown.drain-seconds", 0);
  }

  private ChatrelayServer start(ChatrelayConfig cfg, ServiceFactory... services) throws Exception {
    ChatrelayServer server = ChatrelayServer.start(cfg, List.of(services), () -> cfg, null).await(60, TimeUnit.SECONDS);
    running.add(server);
    return server;
  }

  @Test
  void liveAnswersWhileAServiceStartsAndReadyWaitsForIt(Vertx vertx) throws Exception {
    ChatrelayConfig cfg = settings();
    Promise<Void> release = Promise.promise();
    Future<ChatrelayServer> starting = ChatrelayServer.start(cfg,
      List.of(TestService.starting("slow", ctx -> release.future())), () -> cfg, null);
    AdminProbe probe = new AdminProbe(vertx, cfg.getInt("admin.port"));

    AdminProbe.Reply live = probe.awaitReply(LIVE_PATH, r -> r.status() == 200, PATIENCE);
    assertThat(live.check("event-loop")).isEqualTo("UP");
    AdminProbe.Reply ready = probe.getNow(READY_PATH);
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.check(ChatrelayServer.SERVICES_CHECK)).isEqualTo("DOWN");
    assertThat(ready.body()).contains("starting");

    release.complete();
    running.add(starting.await(30, TimeUnit.SECONDS));
    AdminProbe.Reply after = probe.getNow(READY_PATH);
    assertThat(after.status()).isEqualTo(200);
    assertThat(after.check(ChatrelayServer.SERVICES_CHECK)).isEqualTo("UP");
  }

  @Test
  void readyFollowsTheDatabaseAService(Vertx vertx) throws Exception {
    ChatrelayConfig pg = TestConfigs.postgres(TestConfigs.local());
    CuttableProxy proxy = new CuttableProxy(vertx, TestPorts.free(),
      pg.getString("database.postgres.host"), pg.getInt("database.postgres.port"));
    proxy.open().await(10, TimeUnit.SECONDS);
    ServiceFactory storeLike = TestService.starting("store-like", ctx -> {
      var pool = PgBuilder.pool()
        .connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(proxy.port())
          .setDatabase(pg.getString("database.postgres.database")).setUser(pg.getString("database.postgres.user"))
          .setPassword(pg.getString("database.postgres.password")))
        .with(new PoolOptions().setMaxSize(2))
        .using(ctx.vertx())
        .build();
      ctx.readiness().register("message-store.database", () -> pool.query("SELECT 1").execute().mapEmpty());
      return pool.query("SELECT 1").execute();
    });
    ChatrelayConfig cfg = settings();
    start(cfg, storeLike);
    AdminProbe probe = new AdminProbe(vertx, cfg.getInt("admin.port"));

    AdminProbe.Reply reachable = probe.getNow(READY_PATH);
    assertThat(reachable.status()).isEqualTo(200);
    assertThat(reachable.check("message-store.database")).isEqualTo("UP");

    proxy.cut().await(10, TimeUnit.SECONDS);
    AdminProbe.Reply unreachable = probe.awaitReply(READY_PATH, r -> r.status() != 200, PATIENCE);
    assertThat(unreachable.status()).isEqualTo(503);
    assertThat(unreachable.check("message-store.database")).isEqualTo("DOWN");
    assertThat(unreachable.check(ChatrelayServer.SERVICES_CHECK)).isEqualTo("UP");
    assertThat(probe.getNow(LIVE_PATH).status()).as("a database outage must not restart the process").isEqualTo(200);

    proxy.open().await(10, TimeUnit.SECONDS);
    AdminProbe.Reply back = probe.awaitReply(READY_PATH, r -> r.status() == 200, PATIENCE);
    assertThat(back.check("message-store.database")).isEqualTo("UP");
  }

  @Test
  void metricsShowVertxJvmAndChatrelayMeters(Vertx vertx) throws Exception {
    ServiceFactory feeding = TestService.starting("feeding", ctx -> {
      ChatrelayMeters meters = ctx.meters();
      meters.messagesRelayed(PROTOCOL_WNET).increment(3);
      meters.connections(PROTOCOL_TCHATATOR).addAndGet(2);
      meters.botNames().set(7);
      meters.dbLatency("send-message").record(Duration.ofMillis(40));
      meters.rateLimitRefusals(PROTOCOL_TCHATATOR, "max-messages-per-minute").increment();
      return ctx.vertx().eventBus().consumer("test.metrics", msg -> msg.reply("ok")).completion();
    });
    ChatrelayConfig cfg = settings();
    start(cfg, feeding);
    AdminProbe probe = new AdminProbe(vertx, cfg.getInt("admin.port"));

    AdminProbe.Reply reply = probe.getNow(METRICS_PATH);
    assertThat(reply.status()).isEqualTo(200);
    String text = reply.body();
    assertThat(PrometheusText.sample(text, ChatrelayMeters.PROMETHEUS_MESSAGES_RELAYED, Map.of("protocol", "wnet")))
      .hasValue(3.0);
    assertThat(PrometheusText.sample(text, ChatrelayMeters.PROMETHEUS_MESSAGES_RELAYED, Map.of("protocol", "tchatator")))
      .hasValue(0.0);
    assertThat(PrometheusText.sample(text, ChatrelayMeters.PROMETHEUS_CONNECTIONS, Map.of("protocol", "tchatator")))
      .hasValue(2.0);
    assertThat(PrometheusText.sample(text, ChatrelayMeters.PROMETHEUS_CONNECTIONS, Map.of("protocol", "wnet")))
      .hasValue(0.0);
    assertThat(PrometheusText.sample(text, ChatrelayMeters.PROMETHEUS_BOT_NAMES)).hasValue(7.0);
    assertThat(PrometheusText.sample(text, ChatrelayMeters.PROMETHEUS_DB_LATENCY + "_count",
      Map.of("operation", "send-message"))).hasValue(1.0);
    assertThat(PrometheusText.sample(text, ChatrelayMeters.PROMETHEUS_DB_LATENCY + "_sum",
      Map.of("operation", "send-message"))).hasValue(0.04);
    assertThat(PrometheusText.sample(text, ChatrelayMeters.PROMETHEUS_DB_LATENCY + "_bucket",
      Map.of("operation", "send-message", "le", "+Inf"))).hasValue(1.0);
    assertThat(PrometheusText.sample(text, ChatrelayMeters.PROMETHEUS_RATE_LIMIT_REFUSALS,
      Map.of("protocol", "tchatator", "limit", "max-messages-per-minute"))).hasValue(1.0);
    // Vert.x's own: the event bus consumer above, and the HTTP connection this very request came on.
    assertThat(PrometheusText.sample(text, "vertx_eventbus_handlers").orElse(0)).isGreaterThanOrEqualTo(1.0);
    assertThat(PrometheusText.sample(text, "vertx_http_server_active_connections",
      Map.of("local", "127.0.0.1:" + cfg.getInt("admin.port"))).orElse(0)).isGreaterThanOrEqualTo(1.0);
    assertThat(PrometheusText.sample(text, "jvm_memory_used_bytes")).isPresent();
  }

  @Test
  void shutdownTurnsReadinessFalseFirstThenDrainsThenStopsServices(Vertx vertx) throws Exception {
    ChatrelayConfig cfg = settings().with("shutdown.drain-seconds", 1);
    int port = cfg.getInt("admin.port");
    AtomicReference<AdminProbe.Reply> seenWhileStopping = new AtomicReference<>();
    AtomicLong stopCalledAt = new AtomicLong();
    ServiceFactory watching = new TestService("watching", ctx -> Future.succeededFuture(), ctx -> {
      stopCalledAt.set(System.nanoTime());
      return new AdminProbe(ctx.vertx(), port).get(READY_PATH).onSuccess(seenWhileStopping::set);
    });
    ChatrelayServer server = ChatrelayServer.start(cfg, List.of(watching), () -> cfg, null).await(60, TimeUnit.SECONDS);
    AdminProbe probe = new AdminProbe(vertx, port);
    assertThat(probe.getNow(READY_PATH).status()).isEqualTo(200);

    long stopAt = System.nanoTime();
    Future<Void> stopped = server.stop();
    AdminProbe.Reply draining = probe.getNow(READY_PATH);
    assertThat(draining.status()).isEqualTo(503);
    assertThat(draining.body()).contains("shutting down");
    stopped.await(20, TimeUnit.SECONDS);

    assertThat(seenWhileStopping.get()).as("readiness seen from inside the service's stop()").isNotNull();
    assertThat(seenWhileStopping.get().status()).isEqualTo(503);
    assertThat(seenWhileStopping.get().check(ChatrelayServer.SERVICES_CHECK)).isEqualTo("DOWN");
    assertThat(Duration.ofNanos(stopCalledAt.get() - stopAt)).as("services stop after the drain")
      .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThatThrownBy(() -> probe.getNow(LIVE_PATH)).as("the admin server closes with the node").isNotNull();
  }

  @Test
  void shutdownIsBoundedByItsTimeoutEvenIfAServiceNeverStops(Vertx vertx) throws Exception {
    ChatrelayConfig cfg = settings().with("shutdown.timeout-seconds", 2);
    ServiceFactory stuck = new TestService("stuck", ctx -> Future.succeededFuture(), ctx -> Promise.promise().future());
    ChatrelayServer server = ChatrelayServer.start(cfg, List.of(stuck), () -> cfg, null).await(60, TimeUnit.SECONDS);

    Future<Void> stopped = server.stop();
    // Completes (here failed: Vert.x cannot close around the stuck verticle) instead of hanging past the deadline.
    stopped.otherwiseEmpty().await(2 + 3, TimeUnit.SECONDS);
    assertThat(stopped.isComplete()).isTrue();
  }

  @Test
  void clusteredNodeIsReadyWhenTheClusterIsSafe(Vertx vertx) throws Exception {
    TestCluster cluster = new TestCluster(1);
    clusters.add(cluster);
    ChatrelayConfig cfg = cluster.config(0, Map.of("admin.host", "127.0.0.1", "admin.port", TestPorts.free(),
      "shutdown.drain-seconds", 0));
    start(cfg);
    AdminProbe probe = new AdminProbe(vertx, cfg.getInt("admin.port"));

    AdminProbe.Reply ready = probe.awaitReply(READY_PATH, r -> r.status() == 200, PATIENCE);
    assertThat(ready.check(ChatrelayServer.CLUSTER_CHECK)).isEqualTo("UP");
    assertThat(ready.check(ChatrelayServer.SERVICES_CHECK)).isEqualTo("UP");
  }
}
