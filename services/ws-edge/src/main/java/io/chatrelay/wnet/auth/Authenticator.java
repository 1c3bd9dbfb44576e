package io.chatrelay.wnet.auth;

import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BusFailure;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Checks a peer's credentials with the account service ({@link Addresses#ACCOUNTS_AUTHENTICATE}). */
public final class Authenticator {
  private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
  /** A slow password hash plus a database read; past this the peer stays anonymous. */
  private static final long TIMEOUT_MS = 10_000;

  private final EventBus bus;

  public Authenticator(EventBus bus) {
    this.bus = bus;
  }

  /** Never fails: credentials that are missing, wrong or cannot be checked give an anonymous peer and the reason. */
  public Future<PeerAuth> authenticate(Credentials credentials) {
    JsonObject request;
    if (credentials instanceof Credentials.Password p) {
      request = p.toRequest();
    } else if (credentials instanceof Credentials.Token t) {
      request = t.toRequest();
    } else {
      return Future.succeededFuture(PeerAuth.anonymous(((Credentials.Unusable) credentials).reason()));
    }
    return bus.<JsonObject>request(Addresses.ACCOUNTS_AUTHENTICATE, request, new DeliveryOptions().setSendTimeout(TIMEOUT_MS))
      .map(Message::body)
      .map(body -> PeerAuth.verified(AccountInfo.fromJson(body)))
      .recover(err -> Future.succeededFuture(PeerAuth.anonymous(refusal(BusFailure.from(err)))));
  }

  private static String refusal(BusFailure failure) {
    if (failure.code() == BusFailure.UNAUTHENTICATED) return "the credentials in the auth cookie were not accepted";
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
}
