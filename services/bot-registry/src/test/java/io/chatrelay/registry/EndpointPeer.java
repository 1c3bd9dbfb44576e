package io.chatrelay.registry;

import io.chatrelay.shared.bus.BotOwner;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * A real event-bus endpoint standing where a WS edge node (or any bot endpoint) would: it holds bot connections,
 * answers the registry's {@code isalive} questions the way it is told to and records any other delivery.
 */
final class EndpointPeer {
  enum Answer {
    /** {@code {alive:true}} after {@code delayMs}: the bot answered within the window. */
    ALIVE,
    /** {@code {alive:false}} at once: the connection is already closed. */
    NOT_ALIVE,
    /** Never answers. */
    SILENT
  }

  private final String address;
  private final Answer answer;
  private final long delayMs;
  private final List<JsonObject> questions = new CopyOnWriteArrayList<>();
  private final List<JsonObject> others = new CopyOnWriteArrayList<>();
  /** False once the process this endpoint stands in is dead: it then answers nothing. */
  private final BooleanSupplier processAlive;

  private EndpointPeer(String address, Answer answer, long delayMs, BooleanSupplier processAlive) {
    this.address = address;
    this.answer = answer;
    this.delayMs = delayMs;
    this.processAlive = processAlive;
  }

  static Future<EndpointPeer> start(Vertx vertx, String address, Answer answer, long delayMs) {
    return start(vertx, new EndpointPeer(address, answer, delayMs, () -> true));
  }

  /** Answers alive while {@code processAlive} holds, and nothing after, as an endpoint in a killed process. */
  static Future<EndpointPeer> aliveWhile(Vertx vertx, String address, BooleanSupplier processAlive) {
    return start(vertx, new EndpointPeer(address, Answer.ALIVE, 1, processAlive));
  }

  private static Future<EndpointPeer> start(Vertx vertx, EndpointPeer peer) {
    return vertx.eventBus().<JsonObject>consumer(peer.address, msg -> peer.answer(vertx, msg)).completion().map(peer);
  }

  static Future<EndpointPeer> start(Vertx vertx, Answer answer) {
    return start(vertx, "test.endpoint." + UUID.randomUUID(), answer, 0);
  }

  /** A bot connection held here, on node {@code node}. */
  BotOwner owner(String node) {
    return new BotOwner(address, UUID.randomUUID().toString(), node, "tester");
  }

  String address() {
    return address;
  }

  /** The isalive questions received so far. */
  List<JsonObject> questions() {
    return List.copyOf(questions);
  }

  /** Every other delivery received so far (the registry's {@code removed} notices). */
  List<JsonObject> deliveries() {
    return List.copyOf(others);
  }

  private void answer(Vertx vertx, Message<JsonObject> msg) {
    if (!"isalive".equals(msg.body().getString("kind"))) {
      others.add(msg.body());
      return;
    }
    questions.add(msg.body());
    if (!processAlive.getAsBoolean()) return;
    switch (answer) {
      case ALIVE -> vertx.setTimer(Math.max(1, delayMs), t -> msg.reply(new JsonObject().put("alive", true)));
      case NOT_ALIVE -> msg.reply(new JsonObject().put("alive", false));
      case SILENT -> { }
    }
  }
}
