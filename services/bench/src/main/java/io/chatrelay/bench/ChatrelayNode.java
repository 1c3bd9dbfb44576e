package io.chatrelay.bench;

import io.chatrelay.shared.bus.Role;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.store.accounts.AccountStore;
import io.chatrelay.store.accounts.IssuedKey;
import io.chatrelay.store.db.Database;

import io.vertx.core.Future;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One {@code java -jar chatrelay.jar serve} process as an operator would start it: its services, free ports on
 * 127.0.0.1, a data directory of its own, {@code --set} settings and, after {@link #cluster}, the command-line
 * options of a Hazelcast member. Accounts are created before it starts, with the store's own code on the same
 * settings (what {@code chatrelay.jar accounts create} does, many at a time in one JVM).
 */
final class ChatrelayNode {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final BenchEnv env;
  private final String name;
  private final Path dir;
  private final List<String> services;
  private final Map<String, String> settings = new LinkedHashMap<>();
  private final int wnetPort = Ports.free();
  private final int tchatatorPort = Ports.free();
  private final int adminPort = Ports.free();
  private final int hazelcastPort = Ports.free();
  private final int eventbusPort = Ports.free();
  private String clusterName;
  private String clusterMembers;
  private ServerProcess process;
  private int starts;

  /** A node named {@code name} running {@code services} (none: all four) in the scenario's work directory. */
  ChatrelayNode(BenchEnv env, String name, String... services) {
    this.env = env;
    this.name = name;
    this.dir = env.workDir().resolve(name);
    this.services = List.of(services);
    settings.put("node.name", name);
    settings.put("node.data-dir", dir.resolve("data").toAbsolutePath().toString());
    settings.put("wnet.host", "127.0.0.1");
    settings.put("wnet.port", String.valueOf(wnetPort));
    settings.put("tchatator.host", "127.0.0.1");
    settings.put("tchatator.port", String.valueOf(tchatatorPort));
    settings.put("admin.host", "127.0.0.1");
    settings.put("admin.port", String.valueOf(adminPort));
  }

  /** Makes the nodes members of one new cluster: a unique name, an explicit member list, fixed loopback ports. */
  static void cluster(ChatrelayNode... nodes) {
    String clusterName = "bench-" + UUID.randomUUID();
    String members = List.of(nodes).stream().map(n -> "127.0.0.1:" + n.hazelcastPort).collect(Collectors.joining(","));
    for (ChatrelayNode n : nodes) {
      n.clusterName = clusterName;
      n.clusterMembers = members;
    }
  }

  ChatrelayNode set(String key, Object value) {
    settings.put(key, String.valueOf(value));
    return this;
  }

  /** This node on PostgreSQL, in {@code schema} of the bench's database. */
  ChatrelayNode postgres(PgSettings pg, String schema) {
    return set("database.kind", "postgres").set("database.postgres.host", pg.host()).set("database.postgres.port", pg.port())
      .set("database.postgres.database", pg.database()).set("database.postgres.user", pg.user())
      .set("database.postgres.schema", schema);
  }

  /** The settings {@code serve} will see (without the environment). */
  ChatrelayConfig config() {
    return ChatrelayConfig.load(null, Map.of(), settings);
  }

  /** An account to create: name, role, password (null: API key only). */
  record AccountSpec(String name, Role role, String password) {
  }

  /** Creates accounts in this node's database (before it starts); their API keys in the same order. */
  List<IssuedKey> createAccounts(List<AccountSpec> specs) {
    ChatrelayConfig cfg = config();
    Database db = Database.open(env.vertx(), cfg).timeout(60, TimeUnit.SECONDS).await();
    AccountStore store = new AccountStore(env.vertx(), db, cfg, Clock.systemUTC());
    try {
      List<IssuedKey> keys = new ArrayList<>();
      // a few at a time: a password costs a PBKDF2 hash on a worker thread
      for (int i = 0; i < specs.size(); i += 16) {
        List<Future<IssuedKey>> batch = specs.subList(i, Math.min(specs.size(), i + 16)).stream()
          .map(s -> store.create(s.name(), s.role(), s.password())).toList();
        Future.all(batch).timeout(120, TimeUnit.SECONDS).await();
        batch.forEach(f -> keys.add(f.result()));
      }
      return keys;
    } finally {
      Future.join(store.close(), db.close()).timeout(30, TimeUnit.SECONDS).await();
    }
  }

  List<String> args() {
    List<String> args = new ArrayList<>(List.of("-jar", env.jar().toString(), "serve"));
    if (!services.isEmpty()) args.addAll(List.of("--services", String.join(",", services)));
    if (clusterName != null) {
      args.addAll(List.of("--cluster", "--cluster-members", clusterMembers, "--cluster-port", String.valueOf(hazelcastPort),
        "--cluster-interface", "127.0.0.1", "--eventbus-host", "127.0.0.1", "--eventbus-port", String.valueOf(eventbusPort),
        "--set", "cluster.name=" + clusterName, "--set", "cluster.port-auto-increment=false",
        // the same bus key on every node of this cluster (a throwaway one: production passes it by environment)
        "--set", "cluster.bus-key=bus-key-of-" + clusterName));
    }
    settings.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
    env.serverSettings().forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
    return args;
  }

  /** Starts the process (again after a kill: same ports, same data); a cluster member has joined when this returns. */
  ServerProcess start() throws IOException, InterruptedException {
    starts++;
    String label = starts == 1 ? name : name + "-" + starts;
    process = ServerProcess.start(label, ServerProcess.java(env.serverJvm(label), args()), dir,
      env.logDir().resolve(label + ".log"), Map.of());
    if (clusterName != null) process.awaitLine(l -> l.contains("joined cluster"), Duration.ofSeconds(60));
    return process;
  }

  /** Waits until {@code /health/ready} answers 200. */
  void awaitReady(Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/health/ready"))
      .timeout(Duration.ofSeconds(2)).build();
    while (true) {
      try {
        if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
      } catch (IOException notYet) {
        // not listening yet
      }
      if (!process.isAlive()) throw new IllegalStateException(name + " exited; last lines:\n" + process.tail(30));
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + " not ready within " + within + "; last lines:\n" + process.tail(30));
      }
      Thread.sleep(50);
    }
  }

  /** Starts the nodes one after the other (a member joins before the next starts) and waits until all are ready. */
  static void startAll(ChatrelayNode... nodes) throws IOException, InterruptedException {
    for (ChatrelayNode n : nodes) n.start();
    for (ChatrelayNode n : nodes) n.awaitReady(Duration.ofSeconds(60));
  }

  ServerProcess process() {
    return process;
  }

  Endpoint wnet() {
    return new Endpoint("127.0.0.1", wnetPort, "/wnet/ws");
  }

  int tchatatorPort() {
    return tchatatorPort;
  }

  String name() {
    return name;
  }

  /** SIGTERM with a short grace, SIGKILL after it (a benchmark does not wait for a long drain). */
  void stop() {
    if (process != null) process.stop(Duration.ofSeconds(10));
  }
}
