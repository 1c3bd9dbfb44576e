package io.chatrelay.store.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A statement written with {@code #{name}} parameters (the {@code SqlTemplate} syntax), turned ONCE into the
 * database's positional form ({@code $1, $2} for PostgreSQL, {@code ?} for JDBC) and run as a prepared query:
 * with {@code PgConnectOptions.setCachePreparedStatements(true)} each pooled PostgreSQL connection parses and plans
 * it once, and H2 finds it in its session's query cache. (A {@code SqlTemplate} built per call parses its text with
 * a regex every time.)
 */
public final class CompiledSql {
  private static final Pattern PARAM = Pattern.compile("#\\{(\\w+)}");

  private final String sql;
  private final List<String> names;

  private CompiledSql(String sql, List<String> names) {
    this.sql = sql;
    this.names = names;
  }

  public static CompiledSql of(String template, SqlDialect dialect) {
    List<String> names = new ArrayList<>();
    StringBuilder out = new StringBuilder();
    Matcher m = PARAM.matcher(template);
    while (m.find()) {
      String name = m.group(1);
      String marker;
      if (dialect == SqlDialect.POSTGRES) {
        int at = names.indexOf(name);
        if (at < 0) {
          names.add(name);
          at = names.size() - 1;
        }
        marker = "\\$" + (at + 1);
      } else {
        names.add(name);
        marker = "?";
      }
      m.appendReplacement(out, marker);
    }
    m.appendTail(out);
    return new CompiledSql(out.toString(), List.copyOf(names));
  }

  /** The positional text, as sent to the database. */
  public String sql() {
    return sql;
  }

  public Future<RowSet<Row>> execute(SqlClient client, Map<String, Object> params) {
    Tuple tuple = Tuple.tuple();
    for (String name : names) {
      if (!params.containsKey(name)) throw new IllegalArgumentException("no value for #{" + name + "} in " + sql);
      tuple.addValue(params.get(name));
    }
    return client.preparedQuery(sql).execute(tuple);
  }

  /** Compiled statements by template text, each compiled on first use. */
  public static final class Cache {
    private final SqlDialect dialect;
    private final Map<String, CompiledSql> compiled = new ConcurrentHashMap<>();

    public Cache(SqlDialect dialect) {
      this.dialect = dialect;
    }

    public CompiledSql get(String template) {
      return compiled.computeIfAbsent(template, t -> of(t, dialect));
    }
  }
}
