package io.chatrelay.shared.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The application meters services feed, served at the admin server's {@code /metrics} next to Vert.x's own
 * ({@code vertx_*}) and the JVM's ({@code jvm_*}). One instance per process: {@code ServiceContext.meters()}.
 * <p>
 * The constants are Micrometer names; Prometheus shows them with dots turned into underscores, counters with
 * {@code _total} and timers in seconds ({@code _seconds_count}, {@code _seconds_sum}, {@code _seconds_max}).
 * The {@code PROMETHEUS_*} constants are those exposed names (for dashboards, alerts and tests).
 */
public final class ChatrelayMeters {
  /** Gauge, tag {@code protocol}: open connections on this process's edge. */
  public static final String CONNECTIONS = "chatrelay.connections";
  public static final String PROMETHEUS_CONNECTIONS = "chatrelay_connections";
  /** Counter, tag {@code protocol}: messages this process delivered to a peer (wnet cssend/scsend, Tchatator SEND). */
  public static final String MESSAGES_RELAYED = "chatrelay.messages.relayed";
  public static final String PROMETHEUS_MESSAGES_RELAYED = "chatrelay_messages_relayed_total";
  /** Gauge: wnet bot names in the cluster-wide table, as last counted by this process's bot registry. */
  public static final String BOT_NAMES = "chatrelay.bot.names";
  public static final String PROMETHEUS_BOT_NAMES = "chatrelay_bot_names";
  /** Timer, tag {@code operation}: time the message store's database took per operation. */
  public static final String DB_LATENCY = "chatrelay.db.latency";
  public static final String PROMETHEUS_DB_LATENCY = "chatrelay_db_latency_seconds";
  /** Counter, tags {@code protocol} and {@code limit}: requests or connections refused by a rate or count limit. */
  public static final String RATE_LIMIT_REFUSALS = "chatrelay.rate.limit.refusals";
  public static final String PROMETHEUS_RATE_LIMIT_REFUSALS = "chatrelay_rate_limit_refusals_total";

  /**
   * Counter, tags {@code protocol} and {@code reason}: connections an edge refused before they became a session
   * (e.g. {@code per-address-limit}, {@code max-connections}, {@code handshake-timeout}, {@code origin}).
   */
  public static final String CONNECTION_REFUSALS = "chatrelay.connection.refusals";
  public static final String PROMETHEUS_CONNECTION_REFUSALS = "chatrelay_connection_refusals_total";

  /**
   * Counter, tag {@code outcome}: wnet takeovers this process's bot registry decided ({@code taken-over}: the holder
   * was dead and the name changed hands; {@code alive}: the holder answered {@code isalive} and kept it).
   */
  public static final String TAKEOVERS = "chatrelay.takeovers";
  public static final String PROMETHEUS_TAKEOVERS = "chatrelay_takeovers_total";

  public static final String TAG_PROTOCOL = "protocol";
  public static final String TAG_OUTCOME = "outcome";
  public static final String TAG_REASON = "reason";
  public static final String TAG_OPERATION = "operation";
  public static final String TAG_LIMIT = "limit";
  public static final String PROTOCOL_WNET = "wnet";
  public static final String PROTOCOL_TCHATATOR = "tchatator";

  private final MeterRegistry registry;
  private final Map<String, AtomicLong> connections = new ConcurrentHashMap<>();
  private final AtomicLong botNames = new AtomicLong();

  ChatrelayMeters(MeterRegistry registry) {
    this.registry = registry;
    // Series that exist from the start, so dashboards and alerts see 0 rather than nothing.
    for (String protocol : new String[] {PROTOCOL_WNET, PROTOCOL_TCHATATOR}) {
      connections(protocol);
      messagesRelayed(protocol);
    }
    Gauge.builder(BOT_NAMES, botNames, AtomicLong::get)
      .description("wnet bot names in the cluster-wide table, as last counted by this process's bot registry")
      .register(registry);
  }

  /** The registry itself, for meters of a service's own (name them {@code chatrelay.<service>.<what>}). */
  public MeterRegistry registry() {
    return registry;
  }

  /** The open-connection count of one protocol on this process: increment on open, decrement on close. */
  public AtomicLong connections(String protocol) {
    return connections.computeIfAbsent(protocol, p -> {
      AtomicLong count = new AtomicLong();
      Gauge.builder(CONNECTIONS, count, AtomicLong::get).tags(Tags.of(TAG_PROTOCOL, p))
        .description("open connections on this process's edge").register(registry);
      return count;
    });
  }

  public Counter messagesRelayed(String protocol) {
    return Counter.builder(MESSAGES_RELAYED).tags(TAG_PROTOCOL, protocol)
      .description("messages delivered to a peer by this process").register(registry);
  }

  /** Set by the bot registry after each change it makes (never computed on scrape: counting may block). */
  public AtomicLong botNames() {
    return botNames;
  }

  /** {@code operation}: a short fixed name such as {@code send-message}, never a value from a request. */
  public Timer dbLatency(String operation) {
    // Buckets from 1 ms to 10 s, so that Prometheus can compute percentiles over all message-store pods.
    return Timer.builder(DB_LATENCY).tags(TAG_OPERATION, operation)
      .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
      .description("time the database took per message-store operation").register(registry);
  }

  /** {@code limit}: the settings key's last part, e.g. {@code max-messages-per-minute}. */
  public Counter rateLimitRefusals(String protocol, String limit) {
    return Counter.builder(RATE_LIMIT_REFUSALS).tags(TAG_PROTOCOL, protocol, TAG_LIMIT, limit)
      .description("requests or connections refused by a rate or count limit").register(registry);
  }

  /** {@code outcome}: {@code taken-over} or {@code alive}. */
  public Counter takeovers(String outcome) {
    return Counter.builder(TAKEOVERS).tags(TAG_OUTCOME, outcome)
      .description("wnet takeovers decided by this process's bot registry").register(registry);
  }

  /** {@code reason}: a short fixed token such as {@code per-address-limit}, never a value from a request. */
  public Counter connectionRefusals(String protocol, String reason) {
    return Counter.builder(CONNECTION_REFUSALS).tags(TAG_PROTOCOL, protocol, TAG_REASON, reason)
      .description("connections an edge refused before they became a session").register(registry);
  }
}
