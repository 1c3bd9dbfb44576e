package io.chatrelay.shared.bus;

import io.vertx.core.eventbus.Message;

import java.time.Instant;
import java.util.Base64;

/**
 * What a request is allowed to do, signed with the cluster's {@link BusKey}: carried in the event-bus header
 * {@value #HEADER} as {@code v1.<kind>.<subject>.<node>.<expiresAt>.<HMAC-SHA256, base64url>}, the MAC over
 * everything before its dot.
 * <ul>
 *   <li>{@value #ACTOR}: subject {@code <accountId>/<role>}: an edge that authenticated this account (or the
 *   settings-file administrator, {@code 0/admin}) acts for it ({@code chatrelay.messages.*});</li>
 *   <li>{@value #ADMIN}: the launcher's admin API or CLI administers accounts ({@code chatrelay.admin.*},
 *   {@code chatrelay.wnet.registry.kick});</li>
 *   <li>{@value #NODE}: node {@code <node>} sends this request (bot registry register / takeover / unregister:
 *   a node acts only for its own owners).</li>
 * </ul>
 * Grants are signed per request and live {@link #TTL_MS}: a grant seen on the bus can be replayed for that long
 * only, for that actor only. Members' clocks must agree within that (NTP).
 */
public record BusGrant(String kind, String subject, String node, long expiresAt) {
  /** The event-bus header that carries the grant. */
  public static final String HEADER = "chatrelay-grant";
  /** How long a grant is valid after it was signed. */
  public static final long TTL_MS = 60_000;
  public static final String ACTOR = "actor";
  public static final String ADMIN = "admin";
  public static final String NODE = "node";
  /** Failure reason: no grant on a request that needs one. */
  public static final String UNAUTHENTICATED = "unauthenticated";
  /** Failure reason: a grant that is malformed, not signed with this cluster's key, expired, or for someone else. */
  public static final String BAD_GRANT = "bad-grant";
  private static final String VERSION = "v1";

  static BusGrant forActor(AccountInfo actor, String node, long expiresAt) {
    return new BusGrant(ACTOR, subjectOf(actor), node, expiresAt);
  }

  private static String subjectOf(AccountInfo actor) {
    return actor.id() + "/" + actor.role().wire();
  }

  String payload() {
    return VERSION + "." + kind + "." + subject + "." + node + "." + expiresAt;
  }

  /**
   * The valid grant of kind {@code kind} that {@code request} carries; fails 403 {@value #UNAUTHENTICATED} without
   * one, 403 {@value #BAD_GRANT} when it does not verify with {@code key}, has expired or is of another kind.
   */
  public static BusGrant require(BusKey key, Message<?> request, String kind) {
    String token = request.headers() == null ? null : request.headers().get(HEADER);
    if (token == null || token.isEmpty()) {
      throw failure(UNAUTHENTICATED, request.address() + " needs a " + kind + " grant signed with the cluster's bus key "
        + "(header " + HEADER + ", see docs/event-bus.md)");
    }
    BusGrant grant = verify(key, token);
    if (!grant.kind.equals(kind)) throw failure(BAD_GRANT, "a " + kind + " grant is needed here, not a " + grant.kind + " grant");
    long now = key.now();
    if (grant.expiresAt < now) {
      throw failure(BAD_GRANT, "the grant expired at " + Instant.ofEpochMilli(grant.expiresAt) + " (now " + Instant.ofEpochMilli(now) + ")");
    }
    if (grant.expiresAt > now + 2 * TTL_MS) throw failure(BAD_GRANT, "the grant is valid for longer than grants are issued");
    return grant;
  }

  /** As {@link #require} for an actor grant, which must name {@code actor} (its id and role). */
  public static BusGrant requireActor(BusKey key, Message<?> request, AccountInfo actor) {
    BusGrant grant = require(key, request, ACTOR);
    if (!grant.subject.equals(subjectOf(actor))) {
      throw failure(BAD_GRANT, "the grant is for actor " + grant.subject + ", not " + subjectOf(actor));
    }
    return grant;
  }

  private static BusGrant verify(BusKey key, String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 6 || !VERSION.equals(parts[0])) throw failure(BAD_GRANT, "malformed grant");
    int lastDot = token.lastIndexOf('.');
    byte[] signature;
    long expiresAt;
    try {
      signature = Base64.getUrlDecoder().decode(parts[5]);
      expiresAt = Long.parseLong(parts[4]);
    } catch (IllegalArgumentException e) {
      throw failure(BAD_GRANT, "malformed grant");
    }
    if (!key.matches(token.substring(0, lastDot), signature)) {
      throw failure(BAD_GRANT, "the grant is not signed with this cluster's bus key");
    }
    return new BusGrant(parts[1], parts[2], parts[3], expiresAt);
  }

  private static BusFailure.BusFailureException failure(String reason, String text) {
    return BusFailure.of(BusFailure.DENIED, reason, text).exception();
  }
}
