package io.chatrelay.wnet.auth;

import io.chatrelay.shared.bus.AccountEvent;
import io.chatrelay.shared.bus.AccountInfo;

/**
 * Who a connection is: a verified {@code account} and how it proved it ({@code method}: the API key or the
 * password, which decides what account changes end the connection), or nobody with the {@code refusal} saying
 * why (shown when the connection tries something that needs an account).
 */
public record PeerAuth(AccountInfo account, AccountEvent.Method method, String refusal) {
  public static PeerAuth verified(AccountInfo account, AccountEvent.Method method) {
    return new PeerAuth(account, method, null);
  }

  public static PeerAuth anonymous(String refusal) {
    return new PeerAuth(null, null, refusal);
  }

  public boolean isVerified() {
    return account != null;
  }

  /** The verified account's name, or {@code null} (bots then see {@code None}). */
  public String accountName() {
    return account == null ? null : account.name();
  }
}
