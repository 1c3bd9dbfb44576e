package io.chatrelay.store.accounts;

import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.Role;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.store.db.Database;
import io.chatrelay.store.db.SqlErrors;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Accounts in the database: creation, listing, API-key rotation and authentication by password or API key.
 * Usable without the message-store verticle (the launcher's {@code accounts} command drives it directly).
 * Every method returns a future and never blocks the caller; failures meant for the caller are
 * {@link BusFailure}s ({@code bad-name}, {@code bad-password}, {@code name-taken}, {@code unknown-account},
 * {@code bad-credentials}).
 * <p>
 * Password hashing runs on a worker pool of its own, one thread per core: PBKDF2 is CPU work, and a burst of
 * logins must neither run more hashes at once than there are cores nor hold every thread of the default worker
 * pool, which the embedded database's queries need. Created on a verticle's context, the pool closes with the
 * verticle; otherwise call {@link #close()}.
 */
public final class AccountStore {
  private static final Logger LOG = LoggerFactory.getLogger(AccountStore.class);
  private static final String HASHING_POOL = "chatrelay-password-hashing";
  private static final String NAME_INDEX = "account_name_key";

  private static final BusFailure BAD_CREDENTIALS =
    BusFailure.of(BusFailure.UNAUTHENTICATED, "bad-credentials", "unknown account or wrong credentials");

  private final LiveConfig settings;
  private final Clock clock;
  private final WorkerExecutor hashing;
  private final PasswordHasher hasher = new PasswordHasher();

  private final SqlTemplate<Map<String, Object>, RowSet<Long>> insert;
  private final SqlTemplate<Map<String, Object>, RowSet<Account>> listAll;
  private final SqlTemplate<Map<String, Object>, RowSet<AccountInfo>> byId;
  private final SqlTemplate<Map<String, Object>, RowSet<AccountInfo>> byKeyDigest;
  private final SqlTemplate<Map<String, Object>, RowSet<StoredPassword>> passwordById;
  private final SqlTemplate<Map<String, Object>, RowSet<StoredPassword>> passwordByName;
  private final SqlTemplate<Map<String, Object>, RowSet<AccountInfo>> replaceKeyDigest;
  private final SqlTemplate<Map<String, Object>, SqlResult<Void>> replacePasswordHash;

  /** An account and its stored password hash (null when it has no password). */
  private record StoredPassword(AccountInfo account, String hash) {
  }

  public AccountStore(Vertx vertx, Database db, LiveConfig settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.hashing = vertx.createSharedWorkerExecutor(HASHING_POOL, Runtime.getRuntime().availableProcessors());
    var pool = db.pool();
    insert = SqlTemplate.forQuery(pool, db.dialect().insertReturning(
        "INSERT INTO account (name, name_key, role, password_hash, api_key_hash, created_at) "
          + "VALUES (#{name}, #{nameKey}, #{role}, #{passwordHash}, #{apiKeyDigest}, #{createdAt})", "id"))
      .mapTo(row -> row.getLong("id"));
    listAll = SqlTemplate.forQuery(pool, "SELECT id, name, role, created_at FROM account ORDER BY id")
      .mapTo(row -> new Account(row.getLong("id"), row.getString("name"), Role.fromWire(row.getString("role")),
        Instant.ofEpochMilli(row.getLong("created_at"))));
    byId = SqlTemplate.forQuery(pool, "SELECT id, name, role FROM account WHERE id = #{id}")
      .mapTo(AccountStore::info);
    byKeyDigest = SqlTemplate.forQuery(pool, "SELECT id, name, role FROM account WHERE api_key_hash = #{apiKeyDigest}")
      .mapTo(AccountStore::info);
    passwordById = SqlTemplate.forQuery(pool, "SELECT id, name, role, password_hash FROM account WHERE id = #{id}")
      .mapTo(AccountStore::storedPassword);
    passwordByName = SqlTemplate.forQuery(pool,
        "SELECT id, name, role, password_hash FROM account WHERE name_key = #{nameKey}")
      .mapTo(AccountStore::storedPassword);
    replaceKeyDigest = SqlTemplate.forQuery(pool, db.dialect().updateReturning(
        "UPDATE account SET api_key_hash = #{apiKeyDigest} WHERE name_key = #{nameKey}", "id, name, role"))
      .mapTo(AccountStore::info);
    replacePasswordHash = SqlTemplate.forUpdate(pool,
      "UPDATE account SET password_hash = #{newHash} WHERE id = #{id} AND password_hash = #{oldHash}");
  }

  /** For callers holding fixed settings (the {@code accounts} command). */
  public AccountStore(Vertx vertx, Database db, ChatrelayConfig settings, Clock clock) {
    this(vertx, db, new LiveConfig(settings), clock);
  }

  /**
   * Creates an account with a new API key, and a password if {@code password} is not null. Fails 400
   * {@code bad-name} / {@code bad-password}, or 409 {@code name-taken} when the name (in any case) exists: the
   * unique index decides, so of two simultaneous creations of one name exactly one succeeds.
   */
  public Future<IssuedKey> create(String name, Role role, String password) {
    Objects.requireNonNull(role, "role");
    return checked(() -> {
      AccountRules.checkName(name);
      if (password != null) AccountRules.checkPassword(password);
    })
      .compose(v -> password == null ? Future.<String>succeededFuture(null) : hashPassword(password))
      .compose(passwordHash -> {
        String apiKey = ApiKeys.generate();
        Map<String, Object> params = new HashMap<>();   // Map.of refuses the null password hash
        params.put("name", name);
        params.put("nameKey", AccountRules.nameKey(name));
        params.put("role", role.wire());
        params.put("passwordHash", passwordHash);
        params.put("apiKeyDigest", ApiKeys.digest(apiKey));
        params.put("createdAt", clock.millis());
        return insert.execute(params)
          .map(ids -> new IssuedKey(new AccountInfo(ids.iterator().next(), name, role), apiKey));
      })
      .recover(err -> Future.failedFuture(SqlErrors.isUniqueViolation(err, NAME_INDEX)
        ? BusFailure.of(BusFailure.CONFLICT, "name-taken", "an account named '" + name + "' exists already")
          .with("name", name).exception()
        : err))
      .onSuccess(issued -> LOG.info("account '{}' created (id {}, {}, {})", name, issued.account().id(), role.wire(),
        password == null ? "API key only" : "with password"));
  }

  /** Every account, oldest first. */
  public Future<List<Account>> list() {
    return listAll.execute(Map.of()).map(AccountStore::all);
  }

  /** The account with id {@code id}; fails 404 {@code unknown-account}. */
  public Future<AccountInfo> get(long id) {
    return byId.execute(Map.of("id", id)).compose(rows -> single(rows, () -> unknownAccount("id", id)));
  }

  /**
   * Gives the account named {@code name} (any case) a new API key; the old one stops working at once.
   * Fails 404 {@code unknown-account}.
   */
  public Future<IssuedKey> rotateKey(String name) {
    if (!AccountRules.isValidName(name)) return Future.failedFuture(unknownAccount("name", name));
    String apiKey = ApiKeys.generate();
    return replaceKeyDigest
      .execute(Map.of("nameKey", AccountRules.nameKey(name), "apiKeyDigest", ApiKeys.digest(apiKey)))
      .compose(rows -> single(rows, () -> unknownAccount("name", name)))
      .map(account -> new IssuedKey(account, apiKey))
      .onSuccess(issued -> LOG.info("API key of account '{}' (id {}) replaced", issued.account().name(),
        issued.account().id()));
  }

  /**
   * The account that {@code username} (a name in any case, or a numeric account id) and {@code password} identify;
   * fails 401 {@code bad-credentials} for an unknown account, a wrong password or an account without password,
   * alike and after about the same time (a hash is computed in every case). A successful login re-hashes the
   * password when its stored iteration count differs from {@code accounts.password-iterations}.
   */
  public Future<AccountInfo> authenticatePassword(String username, String password) {
    if (username == null || password == null
      || password.codePointCount(0, password.length()) > AccountRules.MAX_PASSWORD_LENGTH) {
      return Future.failedFuture(BAD_CREDENTIALS.exception());
    }
    Future<RowSet<StoredPassword>> found;
    if (AccountRules.isNumericId(username)) {
      found = passwordById.execute(Map.of("id", Long.parseLong(username)));
    } else if (AccountRules.isValidName(username)) {
      found = passwordByName.execute(Map.of("nameKey", AccountRules.nameKey(username)));
    } else {
      found = Future.succeededFuture(null);
    }
    return found.compose(rows -> {
      StoredPassword stored = rows == null || rows.size() == 0 ? null : rows.iterator().next();
      if (stored == null || stored.hash() == null) {
        // spend the time a check would take, so that timing does not tell which accounts exist
        return hashPassword(password).compose(ignored -> Future.failedFuture(BAD_CREDENTIALS.exception()));
      }
      return hashing.executeBlocking(() -> hasher.verify(password, stored.hash()), false)
        .compose(matches -> matches
          ? rehashIfOutdated(stored, password).map(stored.account())
          : Future.failedFuture(BAD_CREDENTIALS.exception()));
    });
  }

  /** The account whose API key is {@code apiKey}; fails 401 {@code bad-credentials}. */
  public Future<AccountInfo> authenticateKey(String apiKey) {
    String key = ApiKeys.normalize(apiKey);
    if (key == null) return Future.failedFuture(BAD_CREDENTIALS.exception());
    return byKeyDigest.execute(Map.of("apiKeyDigest", ApiKeys.digest(key)))
      .compose(rows -> single(rows, BAD_CREDENTIALS::exception));
  }

  /** Releases the hashing pool (needed only when the store was not created on a verticle's context). */
  public Future<Void> close() {
    return hashing.close();
  }

  private Future<String> hashPassword(String password) {
    return hashing.executeBlocking(() -> hasher.hash(password, iterations()), false);
  }

  private int iterations() {
    return settings.get().getInt("accounts.password-iterations");
  }

  /**
   * Brings a stored hash to the configured iteration count. Only when nobody changed it meanwhile; a failure here
   * is logged and does not fail the login that triggered it.
   */
  private Future<Void> rehashIfOutdated(StoredPassword stored, String password) {
    if (PasswordHasher.iterations(stored.hash()) == iterations()) return Future.succeededFuture();
    return hashPassword(password)
      .compose(newHash -> replacePasswordHash.execute(Map.of("id", stored.account().id(), "newHash", newHash,
        "oldHash", stored.hash())))
      .<Void>mapEmpty()
      .onSuccess(v -> LOG.info("password hash of account '{}' (id {}) brought to {} iterations",
        stored.account().name(), stored.account().id(), iterations()))
      .recover(err -> {
        LOG.warn("could not re-hash the password of account id {}: {}", stored.account().id(), err.toString());
        return Future.succeededFuture();
      });
  }

  private static AccountInfo info(Row row) {
    return new AccountInfo(row.getLong("id"), row.getString("name"), Role.fromWire(row.getString("role")));
  }

  private static StoredPassword storedPassword(Row row) {
    return new StoredPassword(info(row), row.getString("password_hash"));
  }

  private static <T> List<T> all(RowSet<T> rows) {
    List<T> out = new ArrayList<>(rows.size());
    rows.forEach(out::add);
    return out;
  }

  /** The only row of {@code rows}, or a failure when there is none. */
  private static <T> Future<T> single(RowSet<T> rows, Supplier<? extends Throwable> none) {
    return rows.size() == 0 ? Future.failedFuture(none.get()) : Future.succeededFuture(rows.iterator().next());
  }

  private static Throwable unknownAccount(String field, Object value) {
    return BusFailure.of(BusFailure.NOT_FOUND, "unknown-account", "no account with " + field + " " + value)
      .with(field, value).exception();
  }

  /** Runs the validations of {@code check}, which throw {@link BusFailure}s, as a future. */
  private static Future<Void> checked(Runnable check) {
    try {
      check.run();
      return Future.succeededFuture();
    } catch (BusFailure.BusFailureException e) {
      return Future.failedFuture(e);
    }
  }
}
