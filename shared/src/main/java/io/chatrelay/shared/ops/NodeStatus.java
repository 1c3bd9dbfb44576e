package io.chatrelay.shared.ops;

import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.Replies;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One process's answer on {@link Addresses#opsNode} (its own status address): which services it runs, since when,
 * its open connections and relay rates per protocol, its refusal and takeover counters (the meters of
 * {@link ChatrelayMeters}, under their Prometheus names), and the sections its services report
 * ({@link NodeReports}). Rates are messages per second over the last {@code rateWindowSeconds}.
 */
public record NodeStatus(String nodeId, List<String> services, long startedAt, long uptimeMs, Map<String, Long> connections,
                         Map<String, Double> relayedPerSecond, Map<String, Long> relayedTotal, int rateWindowSeconds,
                         List<Count> counters, JsonObject reports) {

  /** One counter series: its Prometheus name, its tags, its value since the process started. */
  public record Count(String meter, Map<String, String> tags, long count) {
    JsonObject toJson() {
      return new JsonObject().put("meter", meter).put("tags", new JsonObject(new LinkedHashMap<>(tags))).put("count", count);
    }

    static Count fromJson(JsonObject json) {
      Map<String, String> tags = new LinkedHashMap<>();
      json.getJsonObject("tags", new JsonObject()).forEach(e -> tags.put(e.getKey(), String.valueOf(e.getValue())));
      return new Count(Replies.requireString(json, "meter"), tags, json.getLong("count", 0L));
    }
  }

  public JsonObject toJson() {
    JsonArray counts = new JsonArray();
    counters.forEach(c -> counts.add(c.toJson()));
    return new JsonObject()
      .put("nodeId", nodeId)
      .put("services", new JsonArray(List.copyOf(services)))
      .put("startedAt", startedAt)
      .put("uptimeMs", uptimeMs)
      .put("connections", new JsonObject(new LinkedHashMap<>(connections)))
      .put("relayedPerSecond", new JsonObject(new LinkedHashMap<>(relayedPerSecond)))
      .put("relayedTotal", new JsonObject(new LinkedHashMap<>(relayedTotal)))
      .put("rateWindowSeconds", rateWindowSeconds)
      .put("counters", counts)
      .put("reports", reports);
  }

  public static NodeStatus fromJson(JsonObject json) {
    List<String> services = new ArrayList<>();
    json.getJsonArray("services", new JsonArray()).forEach(s -> services.add(String.valueOf(s)));
    Map<String, Long> connections = new LinkedHashMap<>();
    json.getJsonObject("connections", new JsonObject()).forEach(e -> connections.put(e.getKey(), ((Number) e.getValue()).longValue()));
    Map<String, Double> rates = new LinkedHashMap<>();
    json.getJsonObject("relayedPerSecond", new JsonObject()).forEach(e -> rates.put(e.getKey(), ((Number) e.getValue()).doubleValue()));
    Map<String, Long> totals = new LinkedHashMap<>();
    json.getJsonObject("relayedTotal", new JsonObject()).forEach(e -> totals.put(e.getKey(), ((Number) e.getValue()).longValue()));
    List<Count> counters = new ArrayList<>();
    JsonArray counts = json.getJsonArray("counters", new JsonArray());
    for (int i = 0; i < counts.size(); i++) counters.add(Count.fromJson(counts.getJsonObject(i)));
    return new NodeStatus(Replies.requireString(json, "nodeId"), services, json.getLong("startedAt", 0L),
      json.getLong("uptimeMs", 0L), connections, rates, totals, json.getInteger("rateWindowSeconds", 0), counters,
      json.getJsonObject("reports", new JsonObject()));
  }
}
