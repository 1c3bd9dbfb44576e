package io.chatrelay.tchatator;

import io.chatrelay.shared.bus.AccountEvent;
import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.BanInfo;
import io.chatrelay.shared.bus.BlockInfo;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.MessageDeleted;
import io.chatrelay.shared.bus.MessagePage;
import io.chatrelay.shared.bus.MessageReasons;
import io.chatrelay.shared.bus.MessageView;
import io.chatrelay.tchatator.codec.Malformed;
import io.chatrelay.tchatator.codec.ReplyStatus;
import io.chatrelay.tchatator.codec.TchatatorReply;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The replies of the edge: what each outcome looks like on the wire. Every reply keeps the original protocol's
 * {@code message:<French text>} line first, then machine fields; refusals carry {@code reason} and, when a
 * block, ban or rate limit explains them, {@code until}.
 */
final class TchatatorReplies {
  /** Refusals the edge itself decides (the others come from the services' {@link BusFailure}s). */
  static final String NOT_LOGGED_IN = "not-logged-in";
  static final String TOKEN_MISMATCH = "token-mismatch";
  static final String BAD_CREDENTIALS = "bad-credentials";
  static final String TOO_MANY_CONNECTIONS = "too-many-connections";
  /** Retry advice of a 503 when the store gives none: the time a store needs to come back is not known. */
  static final long DEFAULT_RETRY_AFTER_MS = 1000;
  /**
   * The store's names for request fields, and the public Tchatator parameter each stands for: a refusal's detail
   * speaks of what the client sent ({@code before-message-id}), never of the event-bus field ({@code beforeId}).
   */
  private static final Map<String, String> PUBLIC_NAMES = Map.of(
    "recipientId", "recipient-id", "messageId", "message-id", "beforeId", "before-message-id",
    "userId", "user-id", "forUserId", "for-user-id", "clientId", "client-id", "apiKey", "api-token");
  private static final Pattern INTERNAL_NAME =
    Pattern.compile("\\b(" + String.join("|", PUBLIC_NAMES.keySet()) + ")\\b");

  private static final Map<String, String> TEXTS = Map.ofEntries(
    Map.entry(NOT_LOGGED_IN, "Connectez-vous d'abord (LOGIN)"),
    Map.entry(TOKEN_MISMATCH, "Le jeton ne correspond pas à la clé de connexion"),
    Map.entry(BAD_CREDENTIALS, "Clé d'API inconnue"),
    Map.entry(TOO_MANY_CONNECTIONS, "Trop de connexions"),
    Map.entry(AccountEvent.KEY_ROTATED, "Clé d'API remplacée : reconnectez-vous avec la nouvelle"),
    Map.entry(MessageReasons.STORE_UNAVAILABLE, "Service momentanément indisponible, réessayez plus tard"),
    Map.entry(MessageReasons.BAD_CLIENT_ID, "Identifiant client (client-id) invalide"),
    Map.entry(MessageReasons.EMPTY_CONTENT, "Le message est vide"),
    Map.entry(MessageReasons.CONTENT_TOO_LONG, "Le message est trop long"),
    Map.entry(MessageReasons.UNKNOWN_RECIPIENT, "Destinataire inconnu"),
    Map.entry(MessageReasons.RECIPIENT_NOT_ALLOWED, "Vous ne pouvez pas écrire à ce destinataire"),
    Map.entry(MessageReasons.BANNED, "Vous êtes banni"),
    Map.entry(MessageReasons.BLOCKED, "Vous êtes bloqué"),
    Map.entry(MessageReasons.RATE_LIMITED, "Trop de messages, réessayez plus tard"),
    Map.entry(MessageReasons.UNKNOWN_MESSAGE, "Message inconnu"),
    Map.entry(MessageReasons.NOT_SENDER, "Seul l'expéditeur peut modifier ou supprimer ce message"),
    Map.entry(MessageReasons.NOT_PERMITTED, "Permission refusée"),
    Map.entry(MessageReasons.TARGET_NOT_ALLOWED, "Cet utilisateur ne peut pas être visé"),
    Map.entry(MessageReasons.UNKNOWN_USER, "Utilisateur inconnu"),
    Map.entry(MessageReasons.NOT_BLOCKED, "Cet utilisateur n'est pas bloqué"),
    Map.entry(MessageReasons.NOT_SETTER, "Seul celui qui a bloqué ou un administrateur peut débloquer"),
    Map.entry(MessageReasons.NOT_BANNED, "Cet utilisateur n'est pas banni"));

  private TchatatorReplies() {
  }

  static TchatatorReply refused(ReplyStatus status, String reason) {
    return TchatatorReply.failure(status, TEXTS.getOrDefault(reason, defaultText(status)), reason);
  }

  static TchatatorReply malformed(Malformed m) {
    TchatatorReply r = refused(ReplyStatus.MISFMT, m.reason()).with("detail", m.detail());
    return m.command() == null ? r : r.with("command", m.command().name());
  }

  /**
   * A service's refusal in Tchatator terms; only refusals (4xx) show the service's explanation, with the public
   * parameter names; 503 adds {@code retry-after-ms} (the store's advice, or {@link #DEFAULT_RETRY_AFTER_MS}).
   */
  static TchatatorReply refused(BusFailure f) {
    // a database outage is never a fault of ours, whatever code carried it
    if (MessageReasons.STORE_UNAVAILABLE.equals(f.reason()) && f.code() != BusFailure.UNAVAILABLE) {
      f = new BusFailure(BusFailure.UNAVAILABLE, f.reason(), f.text(), f.details());
    }
    ReplyStatus status = switch (f.code()) {
      case BusFailure.BAD_REQUEST -> ReplyStatus.MISFMT;
      case BusFailure.UNAUTHENTICATED, BusFailure.DENIED -> ReplyStatus.DENIED;
      case BusFailure.NOT_FOUND -> ReplyStatus.NOTFOUND;
      case BusFailure.TOO_LONG -> ReplyStatus.TOOLONG;
      case BusFailure.RATE_LIMITED -> ReplyStatus.TOOMRQ;
      case BusFailure.UNAVAILABLE -> ReplyStatus.UNAVAIL;
      default -> ReplyStatus.ERROR;
    };
    TchatatorReply r = refused(status, f.reason());
    JsonObject d = f.details();
    if (f.code() == BusFailure.UNAVAILABLE) {
      Object advice = d.getValue("retryAfterMs");
      return r.with("retry-after-ms", advice instanceof Number n && n.longValue() > 0 ? n.longValue() : DEFAULT_RETRY_AFTER_MS);
    }
    if (f.code() >= 500) return r;
    if (d.containsKey("untilText")) r = r.with("until", d.getString("untilText"));
    if (d.containsKey("retryAtText")) r = r.with("until", d.getString("retryAtText"));
    if (MessageReasons.BANNED.equals(f.reason())) r = r.with("until", "never");
    if (d.containsKey("scope")) r = r.with("scope", d.getValue("scope"));
    if (d.containsKey("window")) r = r.with("window", d.getValue("window")).with("limit", d.getValue("limit"));
    if (d.containsKey("maxLength")) r = r.with("max-length", d.getValue("maxLength"));
    return r.with("detail", publicNames(f.text()));
  }

  /** {@code text} with the store's field names replaced by the Tchatator parameters they stand for. */
  static String publicNames(String text) {
    return text == null ? "" : INTERNAL_NAME.matcher(text).replaceAll(m -> PUBLIC_NAMES.get(m.group(1)));
  }

  /** The end of a session whose login an account change invalidated ({@code reason}: the event). */
  static TchatatorReply revoked(String event) {
    return refused(ReplyStatus.UNAUTH, event);
  }

  static TchatatorReply loggedIn(AccountInfo account) {
    return ok("Connexion réussie").with("user-id", account.id()).with("name", account.name())
      .with("role", account.role().wire());
  }

  /** {@code replayed}: a send with a {@code client-id} already used, answered with the message stored then. */
  static TchatatorReply sent(MessageView m, boolean replayed) {
    TchatatorReply r = ok("Message bien reçu et traité").with("message-id", m.id()).with("recipient-id", m.recipientId())
      .with("sent-at", instant(m.sentAt()));
    return replayed ? r.with("replayed", true) : r;
  }

  static TchatatorReply updated(MessageView m) {
    return ok("Message modifié").with("message-id", m.id()).with("modified-at", instant(m.modifiedAt()));
  }

  static TchatatorReply deleted(MessageDeleted d) {
    return ok("Message supprimé").with("message-id", d.id());
  }

  static TchatatorReply blocked(BlockInfo b) {
    return ok("Utilisateur bloqué").with("user-id", b.userId()).with("for-user-id", b.forUserId())
      .with("until", instant(b.until()));
  }

  static TchatatorReply unblocked(long userId, int lifted) {
    return ok("Utilisateur débloqué").with("user-id", userId).with("lifted", lifted);
  }

  static TchatatorReply banned(BanInfo b) {
    return ok("Utilisateur banni").with("user-id", b.userId()).with("banned-at", instant(b.bannedAt()))
      .with("until", "never");
  }

  static TchatatorReply unbanned(BanInfo b) {
    return ok("Utilisateur débanni").with("user-id", b.userId());
  }

  static TchatatorReply unread(MessagePage page) {
    return ok(page.messages().isEmpty() ? "Aucun message non lu" : "Messages non lus").withMessages(page.messages());
  }

  static TchatatorReply history(MessagePage page) {
    return ok("Historique des messages").with("has-older", page.hasOlder()).withMessages(page.messages());
  }

  static TchatatorReply realTime(boolean on) {
    return ok(on ? "Mode temps réel activé" : "Mode temps réel désactivé").with("real-time", on);
  }

  /** A message pushed in real time to a connection that opted in. */
  static TchatatorReply push(MessageView m) {
    return TchatatorReply.of(ReplyStatus.PUSH, "Nouveau message").withMessages(List.of(m));
  }

  private static TchatatorReply ok(String text) {
    return TchatatorReply.of(ReplyStatus.OK, text);
  }

  private static String instant(Long epochMillis) {
    return epochMillis == null ? "" : Instant.ofEpochMilli(epochMillis).toString();
  }

  private static String defaultText(ReplyStatus status) {
    return switch (status) {
      case DENIED -> "Permission refusée";
      case UNAUTH -> "Non authentifié";
      case NOTFOUND -> "Introuvable";
      case TOOLONG -> "Trop long";
      case MISFMT -> "Requête mal formée";
      case TOOMRQ -> "Trop de requêtes";
      case UNAVAIL -> "Service momentanément indisponible";
      default -> "Erreur interne";
    };
  }
}
