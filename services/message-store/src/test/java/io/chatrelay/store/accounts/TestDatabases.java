package io.chatrelay.store.accounts;

import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.store.db.Database;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;

import java.util.ArrayList;
import java.util.List;

/**
 * Databases a test opens, closed (and their PostgreSQL schemas dropped) by {@link #closeAll()} in
 * {@code @AfterEach}. Settings given to {@link #track} (e.g. for a verticle that opens its own database) get their
 * schema dropped too.
 */
public final class TestDatabases {
  private final Vertx vertx;
  private final List<Database> opened = new ArrayList<>();
  private final List<ChatrelayConfig> postgresSchemas = new ArrayList<>();

  TestDatabases(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Fresh settings for {@code backend}, remembered for cleanup. */
  ChatrelayConfig config(Backend backend) {
    return track(backend.config());
  }

  ChatrelayConfig track(ChatrelayConfig cfg) {
    if (cfg.getString("database.kind").equals("postgres")) postgresSchemas.add(cfg);
    return cfg;
  }

  /** Opens (and migrates) the database {@code cfg} describes. */
  Future<Database> open(ChatrelayConfig cfg) {
    track(cfg);
    return Database.open(vertx, cfg).onSuccess(opened::add);
  }

  Future<Void> closeAll() {
    return Future.join(opened.stream().map(Database::close).toList())
      .compose(v -> Future.join(postgresSchemas.stream().distinct().map(cfg -> dropSchema(vertx, cfg)).toList()))
      .mapEmpty();
  }

  /** Drops the PostgreSQL schema {@code cfg} names, over a connection of its own to the server {@code cfg} names. */
  public static Future<Void> dropSchema(Vertx vertx, ChatrelayConfig cfg) {
    Pool admin = PgBuilder.pool().connectingTo(new PgConnectOptions()
      .setHost(cfg.getString("database.postgres.host"))
      .setPort(cfg.getInt("database.postgres.port"))
      .setDatabase(cfg.getString("database.postgres.database"))
      .setUser(cfg.getString("database.postgres.user"))
      .setPassword(cfg.getString("database.postgres.password"))).using(vertx).build();
    return admin.query("DROP SCHEMA IF EXISTS " + cfg.getString("database.postgres.schema") + " CASCADE").execute()
      .<Void>mapEmpty()
      .eventually(admin::close);
  }
}
