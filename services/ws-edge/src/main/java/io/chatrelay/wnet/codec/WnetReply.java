package io.chatrelay.wnet.codec;

import java.util.List;

/** One frame the edge sends to a peer; {@link #frame()} is its exact text. */
public sealed interface WnetReply {

  String frame();

  /** {@code info@You added as bot}. */
  record AddedAsBot() implements WnetReply {
    @Override
    public String frame() {
      return "info@You added as bot";
    }
  }

  /** {@code error@<text>}. */
  record Error(String text) implements WnetReply {
    @Override
    public String frame() {
      return "error@" + text;
    }
  }

  /** {@code isalive}: the bot must answer {@code alive}. */
  record IsAlive() implements WnetReply {
    @Override
    public String frame() {
      return "isalive";
    }
  }

  /** {@code mess@<from>@<message>}: to a client {@code from} is the bot's name, to a bot the client's sid. */
  record Mess(String from, String message) implements WnetReply {
    @Override
    public String frame() {
      return "mess@" + from + WnetCodec.SEP + message;
    }
  }

  /** {@code list@<prefix>} followed by {@code @<name>} for each name. */
  record BotList(String prefix, List<String> names) implements WnetReply {
    public BotList {
      names = List.copyOf(names);
    }

    @Override
    public String frame() {
      StringBuilder out = new StringBuilder("list@").append(prefix);
      for (String name : names) out.append(WnetCodec.SEP).append(name);
      return out.toString();
    }
  }

  /** {@code connectedto@<bot>}. */
  record ConnectedTo(String bot) implements WnetReply {
    @Override
    public String frame() {
      return "connectedto@" + bot;
    }
  }

  /** {@code connection@<sid>@<auth>}: to a bot; {@code auth} is the client's account name, {@code null} for none. */
  record Connection(String sid, String auth) implements WnetReply {
    @Override
    public String frame() {
      return "connection@" + sid + WnetCodec.SEP + (auth == null ? WnetCodec.NO_AUTH : auth);
    }
  }

  /** {@code disconnectedfrom@<bot>}: to a client. */
  record DisconnectedFrom(String bot) implements WnetReply {
    @Override
    public String frame() {
      return "disconnectedfrom@" + bot;
    }
  }

  /** {@code disconnected@<sid>}: to a bot. */
  record Disconnected(String sid) implements WnetReply {
    @Override
    public String frame() {
      return "disconnected@" + sid;
    }
  }
}
