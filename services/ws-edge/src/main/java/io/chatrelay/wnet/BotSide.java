package io.chatrelay.wnet;

import io.chatrelay.shared.bus.BotOwner;
import io.chatrelay.shared.bus.WnetDelivery;
import io.chatrelay.shared.wnet.ClaimResult;
import io.chatrelay.wnet.auth.PeerAuth;
import io.chatrelay.wnet.codec.WnetReply;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bot half of a connection: the one name it holds, the clients connected to it, and its answers to
 * {@code isalive}. Runs on the session's context.
 */
final class BotSide {
  private static final Logger LOG = LoggerFactory.getLogger(BotSide.class);
  static final String TAKEOVER_NOTICE = "Such bot connected. Sending ping to confirm that bot is alive.";

  private final WnetSession session;
  /** The name this connection holds; null until {@code add@} succeeds. */
  private String name;
  /** The name being claimed while {@code add@} waits for the registry: it may already be ours there. */
  private String claiming;
  private BotOwner owner;
  /** Connected clients: sid -> the address their deliveries go to. */
  private final Map<String, String> clients = new HashMap<>();
  /** Answers owed to registries that asked {@code isalive}; one {@code isalive} frame serves them all. */
  private final List<Promise<Boolean>> isAliveAnswers = new ArrayList<>();
  private long isAliveTimer = -1;

  BotSide(WnetSession session) {
    this.session = session;
  }

  // ---- commands ----

  Future<Void> add(String requested) {
    PeerAuth auth = session.auth();
    if (!auth.isVerified()) {
      session.reply(new WnetReply.Error("Bots must be authenticated to register: " + auth.refusal()));
      return WnetSession.DONE;
    }
    if (name != null) {
      session.reply(name.equals(requested) ? new WnetReply.AddedAsBot()
        : new WnetReply.Error("This connection is already bot " + name + "; open another connection for another name"));
      return WnetSession.DONE;
    }
    WnetNode node = session.node();
    BotOwner candidate = new BotOwner(node.address(), session.sid(), node.nodeId(), auth.accountName());
    claiming = requested;
    long takeoverTimeout = session.settings().takeoverWindowMs() + WnetSession.REGISTRY_TIMEOUT_MS;
    return WnetSession.within(WnetSession.REGISTRY_TIMEOUT_MS, session.registry().register(requested, candidate))
      .compose(claim -> {
        if (claim.outcome() != ClaimResult.Outcome.OCCUPIED || session.ended()) return Future.succeededFuture(claim);
        session.reply(new WnetReply.Error(TAKEOVER_NOTICE));
        return WnetSession.within(takeoverTimeout, session.registry().takeover(requested, candidate, claim.holder()));
      })
      .transform(ar -> {
        claiming = null;
        if (ar.succeeded()) {
          claimed(requested, candidate, ar.result());
        } else {
          dropClients();
          session.serviceFailed("bot registry", ar.cause());
        }
        return WnetSession.DONE;
      });
  }

  private void claimed(String requested, BotOwner candidate, ClaimResult claim) {
    if (claim.outcome() == ClaimResult.Outcome.ADDED) {
      if (session.ended()) {
        release(requested, candidate);
        return;
      }
      name = requested;
      owner = candidate;
      session.node().botOnline(session);
      LOG.info("bot {} online: account {}, connection {}", name, owner.account(), owner.conn());
      session.reply(new WnetReply.AddedAsBot());
      return;
    }
    dropClients();
    session.reply(new WnetReply.Error(claim.outcome() == ClaimResult.Outcome.ALIVE
      ? "Name " + requested + " is taken: the bot holding it answered isalive"
      : "Name " + requested + " is taken: another bot claimed it first"));
  }

  void alive() {
    if (isAliveAnswers.isEmpty()) {
      session.reply(new WnetReply.Error("No isalive to answer: send alive only after isalive"));
      return;
    }
    answerIsAlive(true);
  }

  void scSend(String sid, String message) {
    if (name == null) {
      session.reply(new WnetReply.Error("Only a bot can use scsend: register with add@<name> first"));
      return;
    }
    String clientAddress = clients.get(sid);
    if (clientAddress == null) {
      session.reply(new WnetReply.Error("No client with that sid is connected to bot " + name));
      return;
    }
    if (!session.relayFits(name, message)) {
      session.reply(new WnetReply.Error("Message too long: the frame to the client would exceed "
        + session.settings().maxFrameBytes() + " bytes"));
      return;
    }
    session.node().send(clientAddress, new WnetDelivery.BotMessage(sid, name, message));
  }

  // ---- deliveries ----

  /** A client connects: accepted while this connection holds (or is claiming) the bot's name. */
  Future<Void> clientConnected(WnetDelivery.Connection c) {
    if (!holds(c.bot())) return WnetSession.answerWhenGone(c).mapEmpty();
    clients.put(c.sid(), c.clientAddress());
    session.reply(new WnetReply.Connection(c.sid(), c.auth()));
    return WnetSession.DONE;
  }

  void clientMessage(WnetDelivery.ClientMessage m) {
    if (holds(m.bot()) && clients.containsKey(m.sid())) {
      session.reply(new WnetReply.Mess(m.sid(), m.text()));
    }
  }

  void clientGone(String sid) {
    if (clients.remove(sid) != null) session.reply(new WnetReply.Disconnected(sid));
  }

  void clientsGoneAt(String clientAddress) {
    List<String> gone = clients.entrySet().stream().filter(e -> e.getValue().equals(clientAddress)).map(Map.Entry::getKey).toList();
    gone.forEach(this::clientGone);
  }

  /**
   * The registry removed this connection's name (an operator's kick, an unregister by another service, a
   * takeover): its clients are told it is gone ({@code disconnectedfrom@}), the name is forgotten (nothing to
   * release when the connection ends) and the close reason for the peer is returned. Null when this connection
   * does not hold (nor claim) that name: a notice that crossed a release or a new claim, nothing to do.
   */
  String nameRemoved(WnetDelivery.NameRemoved removal) {
    if (!holds(removal.bot())) {
      LOG.debug("connection {}: ignored the removal of {}, which it does not hold", session.sid(), removal.bot());
      return null;
    }
    String lost = removal.bot();
    LOG.info("bot {} offline: connection {}, the registry removed the name ({})", lost, session.sid(), removal.reason());
    dropClients();
    name = null;
    owner = null;
    claiming = null;
    return removedCloseReason(lost, removal.reason());
  }

  /** The close reason (1008) a bot whose name the registry removed is given: why, in the protocol's words. */
  static String removedCloseReason(String bot, String reason) {
    return switch (reason == null ? "" : reason) {
      case WnetDelivery.NameRemoved.KICKED -> "Kicked: an operator freed the bot name " + bot;
      case WnetDelivery.NameRemoved.TAKEN_OVER -> "Taken over: the bot name " + bot + " went to another bot";
      case WnetDelivery.NameRemoved.UNREGISTERED -> "Unregistered: the bot name " + bot + " was released";
      default -> "The bot name " + bot + " was removed";
    };
  }

  /** A registry asks whether this bot is alive: {@code isalive} to the peer, true if {@code alive} comes in time. */
  Future<Boolean> isAlive(WnetDelivery.IsAlive question) {
    if (!holds(question.bot())) return Future.succeededFuture(false);
    Promise<Boolean> answer = Promise.promise();
    isAliveAnswers.add(answer);
    if (isAliveAnswers.size() == 1) {
      session.reply(new WnetReply.IsAlive());
      isAliveTimer = session.context().owner().setTimer(Math.max(1, question.windowMs()), id -> noAnswer());
    }
    return answer.future();
  }

  private void noAnswer() {
    isAliveTimer = -1;
    answerIsAlive(false);
    // the registry gives the name to the newcomer; this connection is presumed dead
    session.terminate(WnetSession.CLOSE_NORMAL, "No answer to isalive: the name went to another bot");
  }

  private void answerIsAlive(boolean alive) {
    if (isAliveTimer >= 0) session.context().owner().cancelTimer(isAliveTimer);
    isAliveTimer = -1;
    List<Promise<Boolean>> answers = List.copyOf(isAliveAnswers);
    isAliveAnswers.clear();
    answers.forEach(a -> a.tryComplete(alive));
  }

  private boolean holds(String bot) {
    return bot.equals(name) || bot.equals(claiming);
  }

  /** Tells every client the bot is gone (they get {@code disconnectedfrom@}). */
  private void dropClients() {
    String bot = name != null ? name : claiming;
    clients.forEach((sid, address) -> session.node().send(address, new WnetDelivery.BotGone(sid, bot)));
    clients.clear();
  }

  /**
   * The connection ended: clients are told, the name is released (only if this connection still holds it).
   * The future completes when the registry has answered (a shutdown waits for it before the registry goes).
   */
  Future<Void> ended() {
    answerIsAlive(false);
    if (name == null && claiming == null) return WnetSession.DONE;
    dropClients();
    if (name == null) return WnetSession.DONE;
    LOG.info("bot {} offline: connection {} ended", name, owner.conn());
    return release(name, owner);
  }

  private Future<Void> release(String bot, BotOwner holder) {
    return session.registry().unregister(bot, holder)
      .onFailure(err -> LOG.warn("bot {}: could not release the name: {}", bot, err.getMessage()))
      .<Void>mapEmpty().otherwiseEmpty();
  }
}
