package io.chatrelay.store.messages;

import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.Role;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessagePolicyTest {
  private static final long ACTOR = 10;

  @ParameterizedTest(name = "{0} writes to {1} ({2}): {3}")
  @CsvSource({
    "MEMBER,       PROFESSIONAL, 20, ok",
    "PROFESSIONAL, MEMBER,       20, ok",
    "MEMBER,       ADMIN,        20, ok",
    "PROFESSIONAL, ADMIN,        20, ok",
    "ADMIN,        MEMBER,       20, ok",
    "ADMIN,        PROFESSIONAL, 20, ok",
    "ADMIN,        ADMIN,        20, ok",
    "MEMBER,       MEMBER,       20, recipient-not-allowed",
    "PROFESSIONAL, PROFESSIONAL, 20, recipient-not-allowed",
    "MEMBER,       MEMBER,       10, recipient-not-allowed",
    "ADMIN,        ADMIN,        10, recipient-not-allowed",
  })
  void whoMayWriteToWhom(Role sender, Role recipient, long recipientId, String outcome) {
    expect(() -> MessagePolicy.checkRecipient(actor(sender), recipientId, recipient), outcome);
  }

  @ParameterizedTest(name = "{0} blocks a {1} (id {2}) for {3}: {4}")
  @CsvSource({
    "PROFESSIONAL, MEMBER,       20,     , ok",
    "PROFESSIONAL, MEMBER,       20,   10, ok",
    "PROFESSIONAL, MEMBER,       20,   30, not-permitted",
    "PROFESSIONAL, PROFESSIONAL, 20,     , target-not-allowed",
    "PROFESSIONAL, ADMIN,        20,     , target-not-allowed",
    "ADMIN,        MEMBER,       20,     , ok",
    "ADMIN,        PROFESSIONAL, 20,     , ok",
    "ADMIN,        MEMBER,       20,   30, ok",
    "ADMIN,        MEMBER,       20,   20, target-not-allowed",
    "ADMIN,        ADMIN,        20,     , target-not-allowed",
    "ADMIN,        ADMIN,        10,     , target-not-allowed",
    "MEMBER,       MEMBER,       20,     , not-permitted",
  })
  void whoMayBlockWhom(Role actorRole, Role targetRole, long targetId, Long forUserId, String outcome) {
    AccountInfo actor = actor(actorRole);
    expect(() -> MessagePolicy.checkBlockTarget(actor, targetId, targetRole, MessagePolicy.blockScope(actor, forUserId)),
      outcome);
  }

  @ParameterizedTest(name = "{0} bans a {1} (id {2}): {3}")
  @CsvSource({
    "ADMIN,        MEMBER,       20, ok",
    "ADMIN,        PROFESSIONAL, 20, ok",
    "ADMIN,        ADMIN,        20, target-not-allowed",
    "ADMIN,        MEMBER,       10, target-not-allowed",
    "PROFESSIONAL, MEMBER,       20, not-permitted",
    "MEMBER,       MEMBER,       20, not-permitted",
  })
  void whoMayBanWhom(Role actorRole, Role targetRole, long targetId, String outcome) {
    expect(() -> MessagePolicy.checkBanTarget(actor(actorRole), targetId, targetRole), outcome);
  }

  private static AccountInfo actor(Role role) {
    return new AccountInfo(ACTOR, "actor", role);
  }

  private static void expect(ThrowingCallable check, String outcome) {
    if (outcome.equals("ok")) {
      assertThatCode(check).doesNotThrowAnyException();
    } else {
      assertThatThrownBy(check).isInstanceOfSatisfying(BusFailure.BusFailureException.class, e -> {
        assertThat(e.failure().reason()).isEqualTo(outcome);
        assertThat(e.failure().code()).isEqualTo(BusFailure.DENIED);
      });
    }
  }
}
