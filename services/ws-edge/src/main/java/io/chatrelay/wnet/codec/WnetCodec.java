package io.chatrelay.wnet.codec;

import io.chatrelay.wnet.codec.WnetCommand.Add;
import io.chatrelay.wnet.codec.WnetCommand.Alive;
import io.chatrelay.wnet.codec.WnetCommand.Connect;
import io.chatrelay.wnet.codec.WnetCommand.CsSend;
import io.chatrelay.wnet.codec.WnetCommand.Disconnect;
import io.chatrelay.wnet.codec.WnetCommand.Invalid;
import io.chatrelay.wnet.codec.WnetCommand.ScSend;
import io.chatrelay.wnet.codec.WnetCommand.Search;
import io.chatrelay.wnet.codec.WnetCommand.Unknown;

import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Protocol_4.1 text frames in, commands out, with no I/O ({@link WnetReply#frame()} is the other way). A frame is {@code command@field@...} with no escaping; the
 * last field of {@code scsend}, {@code cssend} and {@code mess} is the message and keeps every {@code @} after the
 * second one byte for byte. Decoding never throws: a bad frame gives a {@link WnetCommand.Rejected}.
 */
public final class WnetCodec {
  /** Bot names: letters a-z A-Z only, 1 to 18 of them (the protocol's rule). */
  private static final int MAX_BOT_NAME = 18;
  /** What a client gets in {@code connection@<sid>@<auth>} when it has no verified account. */
  public static final String NO_AUTH = "None";
  /** Unknown command words are echoed back in the error, cut to this length. */
  static final int MAX_ECHOED_COMMAND = 32;

  private static final Pattern BOT_NAME = Pattern.compile("[A-Za-z]{1," + MAX_BOT_NAME + "}");
  static final char SEP = '@';

  static final String BAD_NAME = "Bot name must be 1 to " + MAX_BOT_NAME + " letters a-z or A-Z";

  private WnetCodec() {
  }

  private static boolean isValidBotName(String name) {
    return name != null && BOT_NAME.matcher(name).matches();
  }

  /** The command a text frame carries, or why it is not one. */
  public static WnetCommand decode(String frame) {
    int at = frame.indexOf(SEP);
    String word = at < 0 ? frame : frame.substring(0, at);
    String rest = at < 0 ? null : frame.substring(at + 1);
    return switch (word) {
      case "add" -> botName(word, rest, "add@<name>", Add::new);
      case "alive" -> rest == null ? new Alive() : new Invalid(word, "alive takes no fields");
      case "scsend" -> scSend(rest);
      case "search" -> search(rest);
      case "connect" -> botName(word, rest, "connect@<bot>", Connect::new);
      case "cssend" -> csSend(rest);
      case "disconnect" -> botName(word, rest, "disconnect@<bot>", Disconnect::new);
      default -> new Unknown(word.length() > MAX_ECHOED_COMMAND ? word.substring(0, MAX_ECHOED_COMMAND) : word);
    };
  }

  /**
   * The frame a peer sends for {@code command} (the inverse of {@link #decode}: {@code decode(encode(c))} is
   * {@code c} for every well-formed command). A {@link WnetCommand.Rejected} has no frame.
   */
  public static String encode(WnetCommand command) {
    if (command instanceof Add a) return "add" + SEP + a.name();
    if (command instanceof Alive) return "alive";
    if (command instanceof ScSend s) return "scsend" + SEP + s.sid() + SEP + s.message();
    if (command instanceof Search s) return "search" + SEP + s.prefix();
    if (command instanceof Connect c) return "connect" + SEP + c.bot();
    if (command instanceof CsSend c) return "cssend" + SEP + c.bot() + SEP + c.message();
    if (command instanceof Disconnect d) return "disconnect" + SEP + d.bot();
    throw new IllegalArgumentException("a rejected frame has no encoding: " + command);
  }

  private static WnetCommand botName(String word, String field, String usage,
                                     Function<String, WnetCommand> command) {
    if (field == null) return new Invalid(word, word + " needs a bot name: " + usage);
    if (!isValidBotName(field)) return new Invalid(word, BAD_NAME);
    return command.apply(field);
  }

  private static WnetCommand scSend(String rest) {
    int at = rest == null ? -1 : rest.indexOf(SEP);
    if (at <= 0) return new Invalid("scsend", "scsend needs a client sid and a message: scsend@<sid>@<message>");
    return new ScSend(rest.substring(0, at), rest.substring(at + 1));
  }

  private static WnetCommand csSend(String rest) {
    int at = rest == null ? -1 : rest.indexOf(SEP);
    if (at < 0) return new Invalid("cssend", "cssend needs a bot name and a message: cssend@<bot>@<message>");
    String bot = rest.substring(0, at);
    if (!isValidBotName(bot)) return new Invalid("cssend", BAD_NAME);
    return new CsSend(bot, rest.substring(at + 1));
  }

  private static WnetCommand search(String prefix) {
    if (prefix == null) return new Invalid("search", "search needs a prefix (may be empty): search@<prefix>");
    if (prefix.indexOf(SEP) >= 0) return new Invalid("search", "A search prefix cannot contain @");
    return new Search(prefix);
  }
}
