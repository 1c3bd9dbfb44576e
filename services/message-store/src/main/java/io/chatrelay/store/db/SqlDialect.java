package io.chatrelay.store.db;

/** The few places where the embedded database (H2) and PostgreSQL need different SQL. */
public enum SqlDialect {
  H2 {
    @Override
    public String insertReturning(String insert, String columns) {
      return "SELECT " + columns + " FROM FINAL TABLE (" + insert + ")";
    }
  },
  POSTGRES {
    @Override
    public String insertReturning(String insert, String columns) {
      return insert + " RETURNING " + columns;
    }
  };

  /** An INSERT statement that also returns {@code columns} of the inserted row. */
  public abstract String insertReturning(String insert, String columns);

  /** An UPDATE statement that also returns {@code columns} of the updated rows, as they are after it. */
  public String updateReturning(String update, String columns) {
    // H2's FINAL TABLE and PostgreSQL's RETURNING wrap an UPDATE exactly as they wrap an INSERT
    return insertReturning(update, columns);
  }
}
