package io.chatrelay.tchatator.codec;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static io.chatrelay.tchatator.codec.Parameter.API_TOKEN;
import static io.chatrelay.tchatator.codec.Parameter.BEFORE_MESSAGE_ID;
import static io.chatrelay.tchatator.codec.Parameter.CLIENT_ID;
import static io.chatrelay.tchatator.codec.Parameter.CONTENT;
import static io.chatrelay.tchatator.codec.Parameter.FOR_USER_ID;
import static io.chatrelay.tchatator.codec.Parameter.MESSAGE_ID;
import static io.chatrelay.tchatator.codec.Parameter.MESSAGE_LENGTH;
import static io.chatrelay.tchatator.codec.Parameter.RECIPIENT_ID;
import static io.chatrelay.tchatator.codec.Parameter.TOKEN;
import static io.chatrelay.tchatator.codec.Parameter.USER_ID;

/**
 * Every Tchatator command, named on the wire exactly as the enum constant, with the parameters it requires and
 * those it also accepts. The first seven are the original protocol's; the others are chatrelay's additions (and
 * so is SEND_MSG's optional {@code client-id}).
 */
public enum Command {
  LOGIN(EnumSet.of(API_TOKEN), EnumSet.noneOf(Parameter.class)),
  SEND_MSG(EnumSet.of(TOKEN, RECIPIENT_ID, CONTENT), EnumSet.of(MESSAGE_LENGTH, CLIENT_ID)),
  UPDT_MSG(EnumSet.of(TOKEN, MESSAGE_ID, CONTENT), EnumSet.of(MESSAGE_LENGTH)),
  DEL_MSG(EnumSet.of(TOKEN, MESSAGE_ID), EnumSet.noneOf(Parameter.class)),
  DISCONNECTED(EnumSet.noneOf(Parameter.class), EnumSet.noneOf(Parameter.class)),
  BLOCK_USER(EnumSet.of(TOKEN, USER_ID), EnumSet.of(FOR_USER_ID)),
  BAN_USER(EnumSet.of(TOKEN, USER_ID), EnumSet.noneOf(Parameter.class)),
  UNBLOCK_USER(EnumSet.of(TOKEN, USER_ID), EnumSet.of(FOR_USER_ID)),
  UNBAN_USER(EnumSet.of(TOKEN, USER_ID), EnumSet.noneOf(Parameter.class)),
  GET_UNREAD(EnumSet.of(TOKEN), EnumSet.noneOf(Parameter.class)),
  GET_HISTORY(EnumSet.of(TOKEN), EnumSet.of(BEFORE_MESSAGE_ID)),
  SUBSCRIBE(EnumSet.of(TOKEN), EnumSet.noneOf(Parameter.class)),
  UNSUBSCRIBE(EnumSet.of(TOKEN), EnumSet.noneOf(Parameter.class));

  /** Longer than any command name: a longer line is never a command line. */
  static final int MAX_NAME_LENGTH = 16;
  private static final Map<String, Command> BY_NAME = new HashMap<>();

  static {
    for (Command c : values()) BY_NAME.put(c.name(), c);
  }

  private final Set<Parameter> required;
  private final Set<Parameter> accepted;

  Command(EnumSet<Parameter> required, EnumSet<Parameter> optional) {
    this.required = required;
    EnumSet<Parameter> all = EnumSet.copyOf(required);
    all.addAll(optional);
    this.accepted = all;
  }

  public Set<Parameter> required() {
    return required;
  }

  public boolean accepts(Parameter p) {
    return accepted.contains(p);
  }

  public int acceptedCount() {
    return accepted.size();
  }

  /** Whether the command carries the API key in {@code token} (every command but LOGIN and DISCONNECTED). */
  public boolean needsToken() {
    return required.contains(TOKEN);
  }

  /** The command of that wire name, or null. */
  public static Command byName(String name) {
    return BY_NAME.get(name);
  }
}
