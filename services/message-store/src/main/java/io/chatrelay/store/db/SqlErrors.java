package io.chatrelay.store.db;

import io.vertx.core.VertxException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/** Reading database failures the same way on H2 (JDBC exceptions) and PostgreSQL ({@link DatabaseException}). */
public final class SqlErrors {
  private static final String UNIQUE_VIOLATION = "23505";
  /**
   * SQLSTATEs that say the database, not the statement, failed. PostgreSQL: class 08 (connection exception), 53
   * (insufficient resources, e.g. too many connections), 57P01..57P03 (shut down by an administrator, crashed,
   * starting up or shutting down). H2: 90067 connection broken (also its pool's "login timeout"), 90098 database
   * closed, 90121 database called at JVM shutdown.
   */
  private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03", "90067", "90098", "90121");
  private static final List<String> CLIENT_CONNECTION_FAILURES = List.of("Timeout waiting for connection",
    "Connection is not active now", "Pending requests failed to be sent due to connection has been closed");

  private SqlErrors() {
  }

  /** Whether {@code t} is a unique-constraint violation of the index or constraint named {@code index}. */
  public static boolean isUniqueViolation(Throwable t, String index) {
    for (Throwable cur = t; cur != null; cur = cur.getCause()) {
      // both databases name the violated index in the message
      if (UNIQUE_VIOLATION.equals(sqlState(cur)) && String.valueOf(cur.getMessage()).toLowerCase(Locale.ROOT).contains(index)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code t} says the database cannot be reached (an outage: retrying later is the answer) rather than
   * that a statement is wrong (a bug): a refused, reset or closed connection, no free connection within
   * {@code database.acquire-timeout-ms}, a database shutting down or closed.
   */
  public static boolean isUnavailable(Throwable t) {
    for (Throwable cur = t; cur != null; cur = cur.getCause()) {
      // a refused or reset connection (Netty's exceptions are IOExceptions); the connection closed under a query
      if (cur instanceof IOException || cur instanceof ClosedConnectionException) return true;
      if (cur instanceof TimeoutException || isClientConnectionFailure(cur)) return true;
      String state = sqlState(cur);
      if (state != null && (state.startsWith("08") || state.startsWith("53") || UNAVAILABLE_STATES.contains(state))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The SQL client's own connection failures, plain {@link VertxException}s told apart only by their text (5.0):
   * no free connection within {@code database.acquire-timeout-ms}; a query on a connection that is closing or
   * closed (the database went away, or the pool is being closed).
   */
  private static boolean isClientConnectionFailure(Throwable t) {
    if (!(t instanceof VertxException) || t.getMessage() == null) return false;
    return CLIENT_CONNECTION_FAILURES.stream().anyMatch(t.getMessage()::startsWith);
  }

  private static String sqlState(Throwable t) {
    return t instanceof DatabaseException d ? d.getSqlState() : t instanceof SQLException s ? s.getSQLState() : null;
  }
}
