package io.chatrelay.wnet.codec;

/**
 * One decoded frame from a peer. Bot commands: {@link Add}, {@link Alive}, {@link ScSend}; client commands:
 * {@link Search}, {@link Connect}, {@link CsSend}, {@link Disconnect}. A frame that is not a well-formed command
 * decodes to a {@link Rejected} one ({@link Unknown} or {@link Invalid}) whose {@link Rejected#reason() reason}
 * is the text of the {@code error@} reply.
 */
public sealed interface WnetCommand {

  /** {@code add@<name>}: register this connection as bot {@code name}. */
  record Add(String name) implements WnetCommand {
  }

  /** {@code alive}: the bot's answer to {@code isalive}. */
  record Alive() implements WnetCommand {
  }

  /** {@code scsend@<sid>@<message>}: the bot sends {@code message} to its client {@code sid}. */
  record ScSend(String sid, String message) implements WnetCommand {
  }

  /** {@code search@<prefix>}: names of the bots starting with {@code prefix} (empty: all). */
  record Search(String prefix) implements WnetCommand {
  }

  /** {@code connect@<bot>}. */
  record Connect(String bot) implements WnetCommand {
  }

  /** {@code cssend@<bot>@<message>}: the client sends {@code message} to bot {@code bot}. */
  record CsSend(String bot, String message) implements WnetCommand {
  }

  /** {@code disconnect@<bot>}. */
  record Disconnect(String bot) implements WnetCommand {
  }

  /** A frame the codec refused; {@link #reason()} says why, for people. */
  sealed interface Rejected extends WnetCommand {
    String reason();
  }

  /** The command word is not one of the protocol's. */
  record Unknown(String command) implements Rejected {
    @Override
    public String reason() {
      return command.isEmpty() ? "Empty command" : "Unknown command " + command;
    }
  }

  /** A known command with missing, extra or malformed fields. */
  record Invalid(String command, String reason) implements Rejected {
  }
}
