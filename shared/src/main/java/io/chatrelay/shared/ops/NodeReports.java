package io.chatrelay.shared.ops;

import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What the services of one process add to its status ({@code chatrelay.ops.node.<nodeId>}, see
 * {@link NodeStatus}): named sections, each a JSON object computed when the status is asked for. Reach it with
 * {@code ServiceContext.reports()}. A section's supplier runs on the status responder's event loop: it must be
 * quick and thread-safe (read concurrent maps, never block).
 */
public final class NodeReports {
  /**
   * The WS edge's section: {@code {bots: [{bot, conn, clients}]}}, for each bot (name and holder's connection id)
   * that clients on THIS node are connected to, how many they are. Summed over the nodes, a bot's client count.
   */
  public static final String WNET_CLIENTS = "wnet-clients";
  private static final Logger LOG = LoggerFactory.getLogger(NodeReports.class);

  private final Map<String, Supplier<JsonObject>> sections = new ConcurrentHashMap<>();

  NodeReports() {
  }

  /** Adds (or replaces) a section. */
  public void register(String section, Supplier<JsonObject> report) {
    sections.put(section, report);
  }

  /** Removes a section (a stopped service reports nothing). */
  public void unregister(String section) {
    sections.remove(section);
  }

  /** Every section now; one whose supplier fails shows {@code {error}} (logged), the others are unaffected. */
  public JsonObject snapshot() {
    JsonObject out = new JsonObject();
    sections.forEach((name, report) -> {
      try {
        out.put(name, report.get());
      } catch (RuntimeException e) {
        LOG.warn("status section {} failed: {}", name, e.toString());
        out.put(name, new JsonObject().put("error", String.valueOf(e.getMessage())));
      }
    });
    return out;
  }
}
