package io.chatrelay.store.accounts;

import io.chatrelay.shared.bus.AccountEvent;
import io.chatrelay.shared.bus.AccountInfo;
import io.chatrelay.shared.bus.AccountReasons;
import io.chatrelay.shared.bus.Addresses;
import io.chatrelay.shared.bus.BanInfo;
import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.Role;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.ops.NodeOps;
import io.chatrelay.store.db.Database;
import io.chatrelay.store.db.SqlErrors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
 * {@link BusFailure}s ({@link AccountReasons}).
 * <p>
 * Password hashing runs on a worker pool of its own ({@code accounts.hash-threads}; by default one thread fewer
 * than the cores, so that a burst of logins leaves a core to the event loops): PBKDF2 is CPU work, and a burst of
 * logins must neither run more hashes at once than there are cores nor hold every thread of the default worker
 * pool, which the embedded database's queries need. In front of it: {@link VerifiedCredentials} (a reconnecting
 * bot costs no hash), {@link LoginThrottle} (a guesser is refused without a hash) and {@link HashingQueue} (a
 * bounded wait; a job whose caller gave up is not run). Created on a verticle's context, the pool closes with the
 * verticle; otherwise call {@link #close()}.
 * <p>
 * A key rotation is announced on {@code chatrelay.accounts.events} ({@link AccountEvent#KEY_ROTATED}) once
 * committed, on the event bus of the {@link Vertx} given here (or, {@link #announcingThroughDatabase()}, through
 * the database by the running message stores).
 */
public final class AccountStore {
  private static final Logger LOG = LoggerFactory.getLogger(AccountStore.class);
  private static final String HASHING_POOL = "chatrelay-password-hashing";
  private static final String NAME_INDEX = "account_name_key";
  static final String LOGINS = "chatrelay.accounts.password.logins";

  private static final BusFailure BAD_CREDENTIALS =
    BusFailure.of(BusFailure.UNAUTHENTICATED, AccountReasons.BAD_CREDENTIALS, "unknown account or wrong credentials");
  private static final String ACCOUNT_COLUMNS = "a.id, a.name, a.role, a.password_hash, a.api_key_hash, "
    + "b.set_by AS banned_by, b.banned_at FROM account a LEFT JOIN banned_user b ON b.user_id = a.id";

  private final Vertx vertx;
  private final Database db;
  private final LiveConfig settings;
  /** Off the event bus (the accounts command): changes are recorded for the message stores to announce. */
  private boolean announceThroughDatabase;
  private final Clock clock;
  private final WorkerExecutor hashing;
  private final HashingQueue hashes;
  private final PasswordHasher hasher = new PasswordHasher();
  private final VerifiedCredentials verified = new VerifiedCredentials();
  private final LoginThrottle throttle = new LoginThrottle();
  private final MeterRegistry meters;

  private final SqlTemplate<Map<String, Object>, RowSet<Long>> insert;
  private final SqlTemplate<Map<String, Object>, RowSet<Account>> listAll;
  private final SqlTemplate<Map<String, Object>, RowSet<AccountInfo>> byId;
  private final SqlTemplate<Map<String, Object>, RowSet<StoredAccount>> byKeyDigest;
  private final SqlTemplate<Map<String, Object>, RowSet<StoredAccount>> storedById;
  private final SqlTemplate<Map<String, Object>, RowSet<StoredAccount>> storedByName;
  private final SqlTemplate<Map<String, Object>, RowSet<AccountInfo>> replaceKeyDigest;
  private final SqlTemplate<Map<String, Object>, SqlResult<Void>> replacePasswordHash;

  /**
   * An account as a login reads it: its password hash (null when it has no password), its API-key digest and its
   * ban (null when not banned).
   */
  private record StoredAccount(AccountInfo account, String passwordHash, String apiKeyDigest, BanInfo ban) {
  }

  public AccountStore(Vertx vertx, Database db, LiveConfig settings, Clock clock) {
    this.vertx = vertx;
    this.db = db;
    this.settings = settings;
    this.clock = clock;
    this.meters = NodeOps.of(vertx).meters().registry();
    int threads = hashThreads(settings.get());
    this.hashing = vertx.createSharedWorkerExecutor(HASHING_POOL, threads);
    this.hashes = new HashingQueue(hashing, threads, settings, clock, meters);
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
    byKeyDigest = SqlTemplate.forQuery(pool, "SELECT " + ACCOUNT_COLUMNS + " WHERE a.api_key_hash = #{apiKeyDigest}")
      .mapTo(AccountStore::stored);
    storedById = SqlTemplate.forQuery(pool, "SELECT " + ACCOUNT_COLUMNS + " WHERE a.id = #{id}")
      .mapTo(AccountStore::stored);
    storedByName = SqlTemplate.forQuery(pool, "SELECT " + ACCOUNT_COLUMNS + " WHERE a.name_key = #{nameKey}")
      .mapTo(AccountStore::stored);
    replaceKeyDigest = SqlTemplate.forQuery(pool, db.dialect().updateReturning(
        "UPDATE account SET api_key_hash = #{apiKeyDigest} WHERE name_key = #{nameKey}", "id, name, role"))
      .mapTo(AccountStore::info);
    replacePasswordHash = SqlTemplate.forUpdate(pool,
      "UPDATE account SET password_hash = #{newHash} WHERE id = #{id} AND password_hash = #{oldHash}");
  }

  /** {@code accounts.hash-threads}, or when 0 one fewer than the cores (at least one). */
  static int hashThreads(ChatrelayConfig cfg) {
    return cfg.accounts().effectiveHashThreads();
  }

  /**
   * For a process that is not on the cluster's event bus (the {@code accounts} command): a key rotation is recorded
   * in the database, and the running message stores announce it ({@link AccountEventRelay}) within
   * {@code accounts.event-poll-ms}, so the edges end the old key's sessions as for a rotation through the bus.
   */
  public AccountStore announcingThroughDatabase() {
    announceThroughDatabase = true;
    return this;
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
        ? BusFailure.of(BusFailure.CONFLICT, AccountReasons.NAME_TAKEN, "an account named '" + name + "' exists already")
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
   * Gives the account named {@code name} (any case) a new API key; the old one stops working at once, and so do
   * the password logins this store remembers for the account. Once committed, publishes
   * {@link AccountEvent#KEY_ROTATED} on {@code chatrelay.accounts.events}. Fails 404 {@code unknown-account}.
   */
  public Future<IssuedKey> rotateKey(String name) {
    if (!AccountRules.isValidName(name)) return Future.failedFuture(unknownAccount("name", name));
    String apiKey = ApiKeys.generate();
    return replaceKeyDigest
      .execute(Map.of("nameKey", AccountRules.nameKey(name), "apiKeyDigest", ApiKeys.digest(apiKey)))
      .compose(rows -> single(rows, () -> unknownAccount("name", name)))
      .compose(account -> {
        LOG.info("API key of account '{}' (id {}) replaced", account.name(), account.id());
        verified.forget(account.id());
        IssuedKey issued = new IssuedKey(account, apiKey);
        AccountEvent event = new AccountEvent(AccountEvent.KEY_ROTATED, account.id(), account.name(), clock.millis());
        if (announceThroughDatabase) return AccountEventRelay.record(db, event).map(issued);
        vertx.eventBus().publish(Addresses.ACCOUNTS_EVENTS, event.toJson());
        return Future.succeededFuture(issued);
      });
  }

  /** {@link #authenticatePassword(String, String, String, long)} with no source address and no deadline. */
  public Future<AccountInfo> authenticatePassword(String username, String password) {
    return authenticatePassword(username, password, null, Long.MAX_VALUE);
  }

  /**
   * The account that {@code username} (a name in any case, or a numeric account id) and {@code password} identify.
   * <ul>
   *   <li>A login verified within {@code accounts.verified-cache-seconds} whose account row is unchanged
   *   succeeds without a hash (see {@link VerifiedCredentials}).</li>
   *   <li>Otherwise, once {@code source} (the peer's address as the caller sees it; may be null) or the account
   *   name has too many recent failures, fails at once 429 {@code login-throttled} (see {@link LoginThrottle}).</li>
   *   <li>Otherwise one PBKDF2 hash decides, in the {@link HashingQueue}: 503 {@code overloaded} when it is full or
   *   when {@code deadline} (epoch ms: when the caller stops waiting) has passed before a worker takes the job.</li>
   *   <li>401 {@code bad-credentials} for an unknown account, a wrong password or an account without password,
   *   alike and after about the same time (a hash is computed in every case); 403 {@code banned} for the right
   *   password of a banned account (only then: the ban is not revealed to a guesser).</li>
   * </ul>
   * A successful login re-hashes the password when its stored iteration count differs from
   * {@code accounts.password-iterations}.
   */
  public Future<AccountInfo> authenticatePassword(String username, String password, String source, long deadline) {
    if (username == null || password == null) return Future.failedFuture(BAD_CREDENTIALS.exception());
    ChatrelayConfig cfg = settings.get();
    long now = clock.millis();
    String login = loginKey(username);
    Attempt attempt = new Attempt(login, LoginThrottle.addressKey(source), password, deadline);
    long cacheSeconds = cfg.getLong("accounts.verified-cache-seconds");
    String cacheKey = login == null || cacheSeconds <= 0 ? null : verified.keyOf(login, password);
    VerifiedCredentials.Entry cached = cacheKey == null ? null : verified.get(cacheKey, now);
    if (cached == null) {
      BusFailure refusal = throttle.refusal(attempt.address, login, now, cfg);
      if (refusal != null) {
        count("throttled");
        return Future.failedFuture(refusal.exception());
      }
    }
    // a password too long to be anyone's is refused at once; a name that is no name costs the hash a check would
    if (password.codePointCount(0, password.length()) > AccountRules.MAX_PASSWORD_LENGTH) {
      return Future.failedFuture(failed(attempt));
    }
    if (login == null) return failAfterHash(attempt);
    Future<RowSet<StoredAccount>> found = login.startsWith("#")
      ? storedById.execute(Map.of("id", Long.parseLong(login.substring(1))))
      : storedByName.execute(Map.of("nameKey", login));
    return found.compose(rows -> {
      StoredAccount stored = rows.size() == 0 ? null : rows.iterator().next();
      if (cached != null) {
        if (stored != null && cached.stillMatches(stored.account().id(), stored.passwordHash(), stored.apiKeyDigest())) {
          return notBanned(stored).onSuccess(a -> count("cached"));
        }
        verified.remove(cacheKey);      // the row changed since: an ordinary attempt
        BusFailure refusal = throttle.refusal(attempt.address, login, clock.millis(), settings.get());
        if (refusal != null) {
          count("throttled");
          return Future.failedFuture(refusal.exception());
        }
      }
      if (stored == null || stored.passwordHash() == null) return failAfterHash(attempt);
      return hashes.submit(() -> hasher.verify(password, stored.passwordHash()), deadline).compose(matches -> {
        if (!matches) return Future.failedFuture(failed(attempt));
        return notBanned(stored)
          .compose(account -> rehashIfOutdated(stored, password))
          .map(currentHash -> {
            if (cacheKey != null) {
              int max = settings.get().getInt("accounts.verified-cache-max-entries");
              verified.put(cacheKey, new VerifiedCredentials.Entry(stored.account().id(), currentHash,
                stored.apiKeyDigest(), clock.millis() + cacheSeconds * 1000L), max);
            }
            count("verified");
            return stored.account();
          });
      });
    });
  }

  /** One password login: the normalised login name (null when it cannot be one), the address key, the deadline. */
  private record Attempt(String login, String address, String password, long deadline) {
  }

  /** Spends the time a check would take, so that timing does not tell which accounts exist; then refuses. */
  private Future<AccountInfo> failAfterHash(Attempt attempt) {
    return hashes.submit(() -> hasher.hash(attempt.password, iterations()), attempt.deadline)
      .compose(ignored -> Future.failedFuture(failed(attempt)));
  }

  /** Records a failed login for the throttle; the 401 to answer it with. */
  private Throwable failed(Attempt attempt) {
    throttle.recordFailure(attempt.address, attempt.login, clock.millis(), settings.get());
    count("bad-credentials");
    return BAD_CREDENTIALS.exception();
  }

  /**
   * The account whose API key is {@code apiKey}; fails 401 {@code bad-credentials}, or 403 {@code banned} when the
   * key is right but the account is banned.
   */
  public Future<AccountInfo> authenticateKey(String apiKey) {
    String key = ApiKeys.normalize(apiKey);
    if (key == null) return Future.failedFuture(BAD_CREDENTIALS.exception());
    return byKeyDigest.execute(Map.of("apiKeyDigest", ApiKeys.digest(key)))
      .compose(rows -> single(rows, BAD_CREDENTIALS::exception))
      .compose(this::notBanned);
  }

  /** Drops what this store remembers of the account's verified passwords (an account event said so). */
  public void forgetVerified(long accountId) {
    verified.forget(accountId);
  }

  /** Releases the hashing pool (needed only when the store was not created on a verticle's context). */
  public Future<Void> close() {
    return hashing.close();
  }

  /**
   * The normalised login of a username: {@code #<id>} for an account id, the lower-case name for a name, null
   * when it is neither (no account can have it).
   */
  private static String loginKey(String username) {
    if (AccountRules.isNumericId(username)) return "#" + Long.parseLong(username);
    return AccountRules.isValidName(username) ? AccountRules.nameKey(username) : null;
  }

  private Future<AccountInfo> notBanned(StoredAccount stored) {
    BanInfo ban = stored.ban();
    if (ban == null) return Future.succeededFuture(stored.account());
    count("banned");
    String since = Instant.ofEpochMilli(ban.bannedAt()).toString();
    return Future.failedFuture(BusFailure.of(BusFailure.DENIED, AccountReasons.BANNED,
        "this account is banned (since " + since + ")")
      .with("bannedAt", ban.bannedAt()).with("bannedAtText", since).with("setBy", ban.setBy()).exception());
  }

  private void count(String outcome) {
    Counter.builder(LOGINS).tag("outcome", outcome).description("password logins by outcome").register(meters)
      .increment();
  }

  private Future<String> hashPassword(String password) {
    return hashes.submit(() -> hasher.hash(password, iterations()), Long.MAX_VALUE);
  }

  private int iterations() {
    return settings.get().getInt("accounts.password-iterations");
  }

  /**
   * Brings a stored hash to the configured iteration count, only when nobody changed it meanwhile; the hash the
   * row holds afterwards. A failure here is logged and does not fail the login that triggered it.
   */
  private Future<String> rehashIfOutdated(StoredAccount stored, String password) {
    String oldHash = stored.passwordHash();
    if (PasswordHasher.iterations(oldHash) == iterations()) return Future.succeededFuture(oldHash);
    return hashPassword(password)
      .compose(newHash -> replacePasswordHash.execute(Map.of("id", stored.account().id(), "newHash", newHash,
        "oldHash", oldHash)).map(updated -> updated.rowCount() == 1 ? newHash : oldHash))
      .onSuccess(v -> LOG.info("password hash of account '{}' (id {}) brought to {} iterations",
        stored.account().name(), stored.account().id(), iterations()))
      .recover(err -> {
        LOG.warn("could not re-hash the password of account id {}: {}", stored.account().id(), err.toString());
        return Future.succeededFuture(oldHash);
      });
  }

  private static AccountInfo info(Row row) {
    return new AccountInfo(row.getLong("id"), row.getString("name"), Role.fromWire(row.getString("role")));
  }

  private static StoredAccount stored(Row row) {
    Long bannedAt = row.getLong("banned_at");
    BanInfo ban = bannedAt == null ? null : new BanInfo(row.getLong("id"), row.getLong("banned_by"), bannedAt);
    return new StoredAccount(info(row), row.getString("password_hash"), row.getString("api_key_hash"), ban);
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
    return BusFailure.of(BusFailure.NOT_FOUND, AccountReasons.UNKNOWN_ACCOUNT, "no account with " + field + " " + value)
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
