package io.chatrelay.shared.bus;

import java.util.Locale;

/** An account's role; on the wire its lower-case name ({@code member}, {@code professional}, {@code admin}). */
public enum Role {
  MEMBER, PROFESSIONAL, ADMIN;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses the wire name; a 400 {@code bad-role} failure for anything else. */
  public static Role fromWire(String s) {
    if (s != null) {
      for (Role r : values()) if (r.wire().equals(s)) return r;
    }
    throw BusFailure.of(BusFailure.BAD_REQUEST, "bad-role", "role must be member, professional or admin, not '" + s + "'")
      .exception();
  }
}
