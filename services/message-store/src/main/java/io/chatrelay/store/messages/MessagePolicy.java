package io.chatrelay.store.messages;

import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.BlockInfo;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.MessageReasons;
import io.chatrelay.shared.bus.Role;

import java.util.List;

/**
 * Who may write to whom and who may block or ban whom: pure rules, no I/O. Each check throws the
 * {@link BusFailure} the caller gets, or returns normally.
 * <p>
 * Tchatator is private messaging between members (customers) and professionals (businesses): a member writes to
 * professionals and a professional to members, never member to member or professional to professional.
 * Administrators (role {@code admin}, and the settings-file administrator, id 0) write to anyone and anyone may
 * write to an administrator account (to reach the moderators). Nobody writes to himself.
 */
public final class MessagePolicy {
  private MessagePolicy() {
  }

  public static boolean isAdmin(AccountInfo actor) {
    return actor.role() == Role.ADMIN;
  }

  /**
   * The roles of the accounts {@code sender} may write to (besides himself, never): what
   * {@link #checkRecipient} lets through, for the database to check before it inserts.
   */
  public static List<Role> allowedRecipientRoles(AccountInfo sender) {
    return switch (sender.role()) {
      case ADMIN -> List.of(Role.MEMBER, Role.PROFESSIONAL, Role.ADMIN);
      case MEMBER -> List.of(Role.PROFESSIONAL, Role.ADMIN);
      case PROFESSIONAL -> List.of(Role.MEMBER, Role.ADMIN);
    };
  }

  public static void checkRecipient(AccountInfo sender, long recipientId, Role recipientRole) {
    if (sender.id() == recipientId) throw refuse("you cannot send a message to yourself");
    if (sender.role() == Role.ADMIN || recipientRole == Role.ADMIN) return;
    if (sender.role() == recipientRole) {
      throw refuse(sender.role() == Role.MEMBER
        ? "members can only write to professionals"
        : "professionals can only write to members");
    }
  }

  /**
   * Whose messages a block by {@code actor} covers, from the request's {@code forUserId}: a professional's block
   * covers messages to himself only; an administrator's covers everyone ({@link BlockInfo#EVERYONE}) unless he
   * names one recipient. Members may not block.
   */
  public static long blockScope(AccountInfo actor, Long forUserId) {
    switch (actor.role()) {
      case ADMIN:
        return forUserId == null ? BlockInfo.EVERYONE : forUserId;
      case PROFESSIONAL:
        if (forUserId == null || forUserId == actor.id()) return actor.id();
        throw notPermitted("a professional can only block messages to himself");
      default:
        throw notPermitted("members cannot block or unblock users");
    }
  }

  /**
   * A professional blocks members only; an administrator blocks members and professionals; nobody himself, and
   * nobody's messages to himself ({@code scope} is what {@link #blockScope} returned).
   */
  public static void checkBlockTarget(AccountInfo actor, long targetId, Role targetRole, long scope) {
    checkModerationTarget(actor, targetId, targetRole);
    if (scope == targetId) throw targetNotAllowed("a user cannot be blocked from writing to himself");
    if (actor.role() == Role.PROFESSIONAL && targetRole != Role.MEMBER) {
      throw targetNotAllowed("a professional can only block members");
    }
  }

  /** Only administrators ban, and only members and professionals. */
  public static void checkBanTarget(AccountInfo actor, long targetId, Role targetRole) {
    checkMayBan(actor);
    checkModerationTarget(actor, targetId, targetRole);
  }

  public static void checkMayBan(AccountInfo actor) {
    if (!isAdmin(actor)) throw notPermitted("only administrators can ban or unban users");
  }

  private static void checkModerationTarget(AccountInfo actor, long targetId, Role targetRole) {
    if (targetId == actor.id()) throw targetNotAllowed("you cannot block or ban yourself");
    if (targetRole == Role.ADMIN) throw targetNotAllowed("administrators cannot be blocked or banned");
  }

  private static BusFailure.BusFailureException refuse(String text) {
    return BusFailure.of(BusFailure.DENIED, MessageReasons.RECIPIENT_NOT_ALLOWED, text).exception();
  }

  static BusFailure.BusFailureException notPermitted(String text) {
    return BusFailure.of(BusFailure.DENIED, MessageReasons.NOT_PERMITTED, text).exception();
  }

  private static BusFailure.BusFailureException targetNotAllowed(String text) {
    return BusFailure.of(BusFailure.DENIED, MessageReasons.TARGET_NOT_ALLOWED, text).exception();
  }
}
