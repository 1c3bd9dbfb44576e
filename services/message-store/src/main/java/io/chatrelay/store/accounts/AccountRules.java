package io.chatrelay.store.accounts;

import io.chatrelay.shared.bus.AccountReasons;
import io.chatrelay.shared.bus.BusFailure;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What account names and passwords may be (docs/accounts.md gives the reasons).
 * <ul>
 *   <li>Name: 1 to 64 of {@code A-Z a-z 0-9 _ . -}, starting with a letter or digit (so it never looks like a
 *   command-line option), not all digits (so a login name is never mistaken for a numeric account id). Unique
 *   regardless of case.</li>
 *   <li>Password: 8 to 200 characters (code points), no control characters (a pasted newline is a mistake, not
 *   a secret).</li>
 * </ul>
 */
final class AccountRules {
  static final int MAX_NAME_LENGTH = 64;
  static final int MIN_PASSWORD_LENGTH = 8;
  static final int MAX_PASSWORD_LENGTH = 200;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0," + (MAX_NAME_LENGTH - 1) + "}");
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");
  /** Longest numeric login accepted as an account id (fits a {@code long}). */
  private static final Pattern NUMERIC_ID = Pattern.compile("[0-9]{1,18}");

  private AccountRules() {
  }

  static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches() && !DIGITS.matcher(name).matches();
  }

  /** Fails 400 {@code bad-name} unless {@code name} follows the name rules. */
  static void checkName(String name) {
    if (!isValidName(name)) {
      throw BusFailure.of(BusFailure.BAD_REQUEST, AccountReasons.BAD_NAME, "an account name is 1 to " + MAX_NAME_LENGTH
        + " letters, digits, '_', '.' or '-', starts with a letter or digit and is not all digits").exception();
    }
  }

  /** The form names are unique in. Names are ASCII, so lower-casing is the same in every locale. */
  static String nameKey(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  /** Whether a login name is an account id rather than a name (names are never all digits). */
  static boolean isNumericId(String username) {
    return NUMERIC_ID.matcher(username).matches();
  }

  static boolean isValidPassword(String password) {
    if (password == null) return false;
    int length = password.codePointCount(0, password.length());
    return length >= MIN_PASSWORD_LENGTH && length <= MAX_PASSWORD_LENGTH
      && password.codePoints().noneMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.SURROGATE);
  }

  /** Fails 400 {@code bad-password} unless {@code password} follows the password rules. */
  static void checkPassword(String password) {
    if (!isValidPassword(password)) {
      throw BusFailure.of(BusFailure.BAD_REQUEST, AccountReasons.BAD_PASSWORD, "a password is " + MIN_PASSWORD_LENGTH + " to "
        + MAX_PASSWORD_LENGTH + " characters without control characters").exception();
    }
  }
}
