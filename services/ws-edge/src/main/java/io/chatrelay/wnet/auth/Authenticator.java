package io.chatrelay.wnet.auth;

import io.chatrelay.shared.bus.AccountEvent;
import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.MessageReasons;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/** Checks a peer's credentials with the account service ({@link Addresses#ACCOUNTS_AUTHENTICATE}). */
public final class Authenticator {
  private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
  static final String REASON_THROTTLED = "login-throttled";
  static final String REASON_OVERLOADED = "overloaded";
  static final String REASON_BANNED = "banned";

  private final EventBus bus;

  public Authenticator(EventBus bus) {
    this.bus = bus;
  }

  /**
   * Never fails: credentials that are missing, wrong or cannot be checked give an anonymous peer and the reason.
   * {@code source} is the peer's address (the account service throttles failed logins per address);
   * {@code timeoutMs} is how long this handshake waits: the service does not start a check that comes later.
   */
  public Future<PeerAuth> authenticate(Credentials credentials, String source, long timeoutMs) {
    JsonObject request;
    AccountEvent.Method method;
    if (credentials instanceof Credentials.Password p) {
      request = p.toRequest();
      method = AccountEvent.Method.PASSWORD;
    } else if (credentials instanceof Credentials.Token t) {
      request = t.toRequest();
      method = AccountEvent.Method.API_KEY;
    } else {
      return Future.succeededFuture(PeerAuth.anonymous(((Credentials.Unusable) credentials).reason()));
    }
    request.put("source", source).put("timeoutMs", timeoutMs);
    return bus.<JsonObject>request(Addresses.ACCOUNTS_AUTHENTICATE, request, new DeliveryOptions().setSendTimeout(timeoutMs))
      .map(Message::body)
      .map(body -> PeerAuth.verified(AccountInfo.fromJson(body), method))
      .recover(err -> Future.succeededFuture(PeerAuth.anonymous(refusal(BusFailure.from(err)))));
  }

  /** What the peer is told (in {@code error@} when it tries {@code add@}); never its credentials. */
  static String refusal(BusFailure failure) {
    if (failure.code() == BusFailure.UNAUTHENTICATED) return "the credentials in the auth cookie were not accepted";
    if (failure.code() == BusFailure.RATE_LIMITED && REASON_THROTTLED.equals(failure.reason())) return throttled(failure);
    if (failure.code() == BusFailure.DENIED && REASON_BANNED.equals(failure.reason())) return "the account is banned";
    if (failure.code() == BusFailure.UNAVAILABLE && REASON_OVERLOADED.equals(failure.reason())) {
      // the account service logs its own overload; one line per refused handshake would flood this log
      return "the account service is overloaded; reconnect later";
    }
    if (failure.code() == BusFailure.UNAVAILABLE && MessageReasons.STORE_UNAVAILABLE.equals(failure.reason())) {
      // a database outage: the message store logs it once when it starts and once when it ends
      return "the account service cannot reach its database; reconnect later";
    }
    if (failure.code() == BusFailure.UNAVAILABLE) {
      LOG.warn("account service unavailable while authenticating a wnet peer: {}", failure.text());
      return "the account service did not answer; reconnect later";
    }
    if (failure.code() >= BusFailure.INTERNAL) {
      LOG.warn("authenticating a wnet peer failed: {} {}", failure.reason(), failure.text());
      return "authentication failed; reconnect later";
    }
    return "the credentials in the auth cookie were not accepted (" + failure.reason() + ")";
  }

  /** {@code 429 login-throttled {retryAt, retryAtText, scope}}: who is throttled and until when. */
  private static String throttled(BusFailure failure) {
    String scope = failure.details().getValue("scope") instanceof String s ? s : "";
    String who = switch (scope) {
      case "address", "source" -> " from this address";
      case "account" -> " for this account";
      default -> "";
    };
    Object retryAt = failure.details().getValue("retryAt");
    String when = failure.details().getValue("retryAtText") instanceof String text && !text.isBlank() ? text
      : retryAt instanceof Number n ? Instant.ofEpochMilli(n.longValue()).toString() : null;
    return "too many failed logins" + who + (when == null ? "; try again later" : "; try again after " + when);
  }
}
