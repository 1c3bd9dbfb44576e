package io.chatrelay.store.db;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import javax.sql.DataSource;

/**
 * Works around vertx-jdbc-client 5.0.10 returning a connection to its pool with auto-commit off after a
 * transaction (vert-x3/vertx-jdbc-client#356, fixed upstream by #358): its commit and rollback end with
 * {@code setAutoCommit(false)}, so every later statement on that connection would run in a transaction nobody
 * commits, invisible to the other connections and lost when the pool closes. Connections of the wrapped data
 * source turn that call into {@code setAutoCommit(true)}. Harmless once the fix is in; drop it then.
 */
final class AutoCommitRestoring {
  private AutoCommitRestoring() {
  }

  static DataSource wrap(DataSource dataSource) {
    return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[]{DataSource.class},
      (proxy, method, args) -> {
        Object result = invoke(dataSource, method, args);
        return result instanceof Connection c && method.getName().equals("getConnection") ? wrap(c) : result;
      });
  }

  private static Connection wrap(Connection connection) {
    // a connection is used by one thread at a time; the flag only carries state from one call to the next
    boolean[] transactionEnded = {false};
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class},
      (proxy, method, args) -> {
        String name = method.getName();
        if (name.equals("setAutoCommit") && Boolean.FALSE.equals(args[0]) && transactionEnded[0]) {
          transactionEnded[0] = false;
          connection.setAutoCommit(true);
          return null;
        }
        boolean endsTransaction = (name.equals("commit") || name.equals("rollback")) && method.getParameterCount() == 0;
        transactionEnded[0] = false;
        try {
          return invoke(connection, method, args);
        } finally {
          transactionEnded[0] = endsTransaction;
        }
      });
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
