package io.chatrelay.wnet;

import io.chatrelay.shared.bus.BotOwner;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.WnetDelivery;
import io.chatrelay.wnet.codec.WnetReply;

import io.vertx.core.Future;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The client half of a connection: the bots it is connected to, each with the holder it reached, so every
 * {@code cssend@} goes straight to the bot's node (one hop, no lookup). Runs on the session's context.
 */
final class ClientSide {
  private final WnetSession session;
  private final Map<String, BotOwner> bots = new HashMap<>();

  ClientSide(WnetSession session) {
    this.session = session;
  }

  // ---- commands ----

  Future<Void> search(String prefix) {
    return WnetSession.within(WnetSession.REGISTRY_TIMEOUT_MS, session.registry().search(prefix)).transform(ar -> {
      if (ar.succeeded()) {
        session.reply(new WnetReply.BotList(prefix, fitting(prefix, ar.result())));
      } else {
        session.serviceFailed("bot registry", ar.cause());
      }
      return WnetSession.DONE;
    });
  }

  /** The first names that fit in one frame: a huge network answers a short prefix with a partial list. */
  private List<String> fitting(String prefix, List<String> names) {
    int room = session.settings().maxFrameBytes() - "list@".length() - prefix.getBytes(StandardCharsets.UTF_8).length;
    List<String> out = new ArrayList<>();
    for (String name : names) {
      room -= name.length() + 1;
      if (room < 0) break;
      out.add(name);
    }
    return out;
  }

  Future<Void> connect(String bot) {
    if (bots.containsKey(bot)) {
      session.reply(new WnetReply.ConnectedTo(bot));
      return WnetSession.DONE;
    }
    return WnetSession.within(WnetSession.REGISTRY_TIMEOUT_MS, session.registry().lookup(bot)).transform(found -> {
      if (found.failed()) {
        if (isNotFound(found.cause())) {
          session.reply(noSuchBot(bot));
        } else {
          session.serviceFailed("bot registry", found.cause());
        }
        return WnetSession.DONE;
      }
      BotOwner owner = found.result();
      WnetDelivery.Connection hello = new WnetDelivery.Connection(owner.conn(), bot, session.sid(),
        session.node().address(), session.auth().accountName());
      return session.node().request(owner.address(), hello).transform(answer -> {
        if (answer.succeeded()) {
          connected(bot, owner);
        } else if (isNotFound(answer.cause())) {
          session.reply(noSuchBot(bot));
        } else {
          // the bot may have taken us in before its answer was lost: make sure it lets go
          session.node().send(owner.address(), new WnetDelivery.ClientGone(owner.conn(), bot, session.sid()));
          session.reply(new WnetReply.Error("Bot " + bot + " did not answer; try again"));
        }
        return WnetSession.DONE;
      });
    });
  }

  private static boolean isNotFound(Throwable cause) {
    return BusFailure.from(cause).code() == BusFailure.NOT_FOUND;
  }

  private static WnetReply noSuchBot(String bot) {
    return new WnetReply.Error("No bot named " + bot);
  }

  private void connected(String bot, BotOwner owner) {
    if (session.ended()) {
      session.node().send(owner.address(), new WnetDelivery.ClientGone(owner.conn(), bot, session.sid()));
      return;
    }
    bots.put(bot, owner);
    session.node().link(new WnetNode.BotLink(bot, owner), session);
    session.reply(new WnetReply.ConnectedTo(bot));
  }

  void csSend(String bot, String message) {
    BotOwner owner = bots.get(bot);
    if (owner == null) {
      session.reply(new WnetReply.Error("Not connected to " + bot + ": send connect@" + bot + " first"));
      return;
    }
    if (!session.relayFits(session.sid(), message)) {
      session.reply(new WnetReply.Error("Message too long: the frame to the bot would exceed "
        + session.settings().maxFrameBytes() + " bytes"));
      return;
    }
    session.node().send(owner.address(), new WnetDelivery.ClientMessage(owner.conn(), bot, session.sid(), message));
  }

  void disconnect(String bot) {
    BotOwner owner = bots.remove(bot);
    if (owner == null) {
      session.reply(new WnetReply.Error("Not connected to " + bot));
      return;
    }
    leave(bot, owner);
    session.reply(new WnetReply.DisconnectedFrom(bot));
  }

  private void leave(String bot, BotOwner owner) {
    session.node().unlink(new WnetNode.BotLink(bot, owner), session);
    session.node().send(owner.address(), new WnetDelivery.ClientGone(owner.conn(), bot, session.sid()));
  }

  // ---- deliveries ----

  void botMessage(WnetDelivery.BotMessage m) {
    if (bots.containsKey(m.bot())) session.reply(new WnetReply.Mess(m.bot(), m.text()));
  }

  /** The bot dropped this client (its connection ended). */
  void botGone(String bot) {
    BotOwner owner = bots.remove(bot);
    if (owner == null) return;
    session.node().unlink(new WnetNode.BotLink(bot, owner), session);
    session.reply(new WnetReply.DisconnectedFrom(bot));
  }

  /** The bot went offline or its node left: only if this client still knows that same holder. */
  void botGone(WnetNode.BotLink link) {
    if (link.owner().equals(bots.get(link.bot()))) botGone(link.bot());
  }

  /** The connection ended: every bot it was connected to gets {@code disconnected@<sid>}. */
  void ended() {
    bots.forEach(this::leave);
    bots.clear();
  }
}
