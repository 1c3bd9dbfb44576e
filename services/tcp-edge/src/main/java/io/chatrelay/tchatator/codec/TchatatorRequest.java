package io.chatrelay.tchatator.codec;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.StringJoiner;

/**
 * One well-formed request: its command and parameter values ({@code String} for secrets and content,
 * {@code Long} for ids and lengths). Only parameters the command accepts are present, every required one is.
 */
public record TchatatorRequest(Command command, Map<Parameter, Object> values) implements Decoded {
  public TchatatorRequest {
    values = values.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(values));
  }

  public static TchatatorRequest of(Command command, Map<Parameter, Object> values) {
    return new TchatatorRequest(command, values);
  }

  public String text(Parameter p) {
    return (String) require(p);
  }

  public long id(Parameter p) {
    return (Long) require(p);
  }

  /** The text of an optional parameter, or null. */
  public String optionalText(Parameter p) {
    return (String) values.get(p);
  }

  public OptionalLong optionalId(Parameter p) {
    Long v = (Long) values.get(p);
    return v == null ? OptionalLong.empty() : OptionalLong.of(v);
  }

  /** The API key this request carries ({@code api-token} for LOGIN, {@code token} otherwise), or null. */
  public String apiKey() {
    return (String) values.get(command == Command.LOGIN ? Parameter.API_TOKEN : Parameter.TOKEN);
  }

  private Object require(Parameter p) {
    Object v = values.get(p);
    if (v == null) throw new IllegalStateException(command + " has no " + p.wire());
    return v;
  }

  /** For logs: API keys masked, content shown by its length only. */
  @Override
  public String toString() {
    StringJoiner out = new StringJoiner(" ", command.name() + (values.isEmpty() ? "" : " "), "");
    values.forEach((p, v) -> out.add(p.wire() + ":" + switch (p.kind()) {
      case SECRET -> "***";
      case ID -> v.toString();
      case TEXT -> ((String) v).length() <= 64 ? v.toString() : "(" + ((String) v).length() + " chars)";
      case CONTENT -> "(" + ((String) v).length() + " chars)";
    }));
    return out.toString();
  }
}
