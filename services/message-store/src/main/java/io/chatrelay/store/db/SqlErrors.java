package io.chatrelay.store.db;

import io.vertx.sqlclient.DatabaseException;

import java.sql.SQLException;
import java.util.Locale;

/** Reading database failures the same way on H2 (JDBC exceptions) and PostgreSQL ({@link DatabaseException}). */
public final class SqlErrors {
  private static final String UNIQUE_VIOLATION = "23505";

  private SqlErrors() {
  }

  /** Whether {@code t} is a unique-constraint violation of the index or constraint named {@code index}. */
  public static boolean isUniqueViolation(Throwable t, String index) {
    for (Throwable cur = t; cur != null; cur = cur.getCause()) {
      String state = cur instanceof DatabaseException d ? d.getSqlState()
        : cur instanceof SQLException s ? s.getSQLState() : null;
      // both databases name the violated index in the message
      if (UNIQUE_VIOLATION.equals(state) && String.valueOf(cur.getMessage()).toLowerCase(Locale.ROOT).contains(index)) {
        return true;
      }
    }
    return false;
  }
}
