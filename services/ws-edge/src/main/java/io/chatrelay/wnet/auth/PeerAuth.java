package io.chatrelay.wnet.auth;

import io.chatrelay.shared.bus.AccountInfo;

/**
 * Who a connection is: a verified {@code account}, or nobody with the {@code refusal} saying why (shown when the
 * connection tries something that needs an account).
 */
public record PeerAuth(AccountInfo account, String refusal) {
  public static PeerAuth verified(AccountInfo account) {
    return new PeerAuth(account, null);
  }

  public static PeerAuth anonymous(String refusal) {
    return new PeerAuth(null, refusal);
  }

  public boolean isVerified() {
    return account != null;
  }

  /** The verified account's name, or {@code null} (bots then see {@code None}). */
  public String accountName() {
    return account == null ? null : account.name();
  }
}
