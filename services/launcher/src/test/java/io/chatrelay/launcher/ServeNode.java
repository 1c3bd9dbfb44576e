package io.chatrelay.launcher;

import io.chatrelay.shared.testing.TestPorts;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * One {@code serve} process of a process-level test, described once and started as often as needed (a restart is
 * {@link #start()} again with the same ports and data directory): its services, its own free ports on 127.0.0.1
 * (wnet, Tchatator, admin, Hazelcast, event bus), its data directory, extra settings, and, after
 * {@link #cluster}, the Hazelcast cluster it joins with the command-line options an operator would use.
 */
final class ServeNode {
  private final String name;
  private final Path dir;
  private final List<String> services;
  private final Map<String, String> settings = new LinkedHashMap<>();
  private final int wnetPort = TestPorts.free();
  private final int tchatatorPort = TestPorts.free();
  private final int adminPort = TestPorts.free();
  private final int hazelcastPort = TestPorts.free();
  private final int eventbusPort = TestPorts.free();
  private String clusterName;
  private String clusterMembers;

  /** A node running {@code services} (none: serve's default, all four), working in {@code dir}/{@code name}. */
  ServeNode(String name, Path dir, String... services) {
    this.name = name;
    this.dir = dir.resolve(name);
    this.services = List.of(services);
  }

  /**
   * Makes {@code nodes} members of one new Hazelcast cluster (a unique name, so parallel runs never meet): explicit
   * member list WITH ports, loopback interface and event-bus host, fixed ports (no auto-increment).
   */
  static void cluster(ServeNode... nodes) {
    String clusterName = "e2e-" + UUID.randomUUID();
    String members = List.of(nodes).stream().map(n -> "127.0.0.1:" + n.hazelcastPort).collect(Collectors.joining(","));
    for (ServeNode n : nodes) {
      n.clusterName = clusterName;
      n.clusterMembers = members;
    }
  }

  ServeNode set(String key, Object value) {
    settings.put(key, String.valueOf(value));
    return this;
  }

  /** The settings options that point a command at this node's database ({@code accounts create} before a start). */
  List<String> databaseOptions() {
    List<String> options = new ArrayList<>(List.of("--set", "node.data-dir=" + dataDir()));
    settings.forEach((k, v) -> {
      if (k.startsWith("database.")) options.addAll(List.of("--set", k + "=" + v));
    });
    return options;
  }

  List<String> args() {
    List<String> args = new ArrayList<>(List.of("serve"));
    if (!services.isEmpty()) args.addAll(List.of("--services", String.join(",", services)));
    if (clusterName != null) {
      args.addAll(List.of("--cluster", "--cluster-members", clusterMembers, "--cluster-port", String.valueOf(hazelcastPort),
        "--cluster-interface", "127.0.0.1", "--eventbus-host", "127.0.0.1", "--eventbus-port", String.valueOf(eventbusPort),
        "--set", "cluster.name=" + clusterName, "--set", "cluster.port-auto-increment=false",
        // the same bus key on every node of this cluster (a throwaway one: production passes it by environment)
        "--set", "cluster.bus-key=bus-key-of-" + clusterName));
    }
    Map<String, String> all = new LinkedHashMap<>();
    all.put("node.data-dir", dataDir().toString());
    all.put("wnet.host", "127.0.0.1");
    all.put("wnet.port", String.valueOf(wnetPort));
    all.put("tchatator.host", "127.0.0.1");
    all.put("tchatator.port", String.valueOf(tchatatorPort));
    all.put("admin.host", "127.0.0.1");
    all.put("admin.port", String.valueOf(adminPort));
    all.putAll(settings);
    all.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
    return args;
  }

  /** Starts the process (again, after a kill: same ports, same data). */
  ChatrelayProcess start() throws IOException {
    Files.createDirectories(dir);
    return ChatrelayProcess.start(name, dir, Map.of(), args());
  }

  /**
   * Starts {@code nodes} and waits until each is ready. A clustered node must have joined before the next one
   * starts: members booting at the same moment may form separate clusters. On failure, what started is killed.
   */
  static List<ChatrelayProcess> startAll(Vertx vertx, Duration within, List<ServeNode> nodes) throws Exception {
    List<ChatrelayProcess> started = new ArrayList<>();
    try {
      for (ServeNode node : nodes) {
        ChatrelayProcess p = node.start();
        started.add(p);
        if (node.clusterName != null) p.awaitLine("joined cluster", within);
      }
      for (ServeNode node : nodes) node.awaitReady(vertx, within);
      return started;
    } catch (Exception | AssertionError e) {
      started.forEach(ChatrelayProcess::close);
      throw e;
    }
  }

  /** Waits until {@code /health/ready} answers 200 and returns the reply (its checks). */
  AdminProbe.Reply awaitReady(Vertx vertx, Duration within) throws Exception {
    return AdminProbe.awaitReadiness(vertx, adminPort, r -> r.status() == 200, within);
  }

  Path dataDir() {
    return dir.resolve("data");
  }

  String wnetUrl() {
    return "ws://127.0.0.1:" + wnetPort + "/wnet/ws";
  }

  int wnetPort() {
    return wnetPort;
  }

  int adminPort() {
    return adminPort;
  }

  int tchatatorPort() {
    return tchatatorPort;
  }

  /** The people's page (the WS edge's {@code /}). */
  String pageUrl() {
    return "http://127.0.0.1:" + wnetPort + "/";
  }

  /** The operators' page (the admin server's {@code /}). */
  String adminUrl() {
    return "http://127.0.0.1:" + adminPort + "/";
  }
}
