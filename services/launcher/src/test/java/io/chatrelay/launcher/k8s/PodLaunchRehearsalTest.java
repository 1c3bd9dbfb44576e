package io.chatrelay.launcher.k8s;

import io.chatrelay.launcher.AdminProbe;
import io.chatrelay.launcher.ChatrelayProcess;
import io.chatrelay.launcher.LauncherCli;
import io.chatrelay.launcher.PostgresSchema;
import io.chatrelay.launcher.PythonPeer;
import io.chatrelay.launcher.TchatatorSocket;
import io.chatrelay.shared.testing.TestPorts;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.chatrelay.launcher.TchatatorSocket.sendMessage;
import static io.chatrelay.launcher.TchatatorSocket.unread;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment rehearsed on one host: every Deployment and StatefulSet of the rendered base install started as
 * kubelet would start its container (its args, its environment with Secrets and downward-API fields resolved, its
 * mounted settings file), with only what a single host must change: the pod IP is 127.0.0.1, every pod gets free ports,
 * the Hazelcast join list names those ports on 127.0.0.1 instead of the DNS lookup, data paths move under a
 * temporary directory, and the Secret {@code chatrelay-postgres} points at the test PostgreSQL (a fresh schema),
 * as section 6 of docs/deploy-kubernetes.md tells an operator to do for an external database.
 */
@ExtendWith(VertxExtension.class)
class PodLaunchRehearsalTest {
  private static final Duration START = Duration.ofSeconds(120);
  private static final Duration PEER = Duration.ofSeconds(20);
  private static final String BOT_PASSWORD = "rehearsal-bot-pass";

  private final PostgresSchema database = new PostgresSchema();
  private final List<ChatrelayProcess> processes = new ArrayList<>();

  /** One pod of a Deployment: its name (what the downward API gives) and the ports it gets on this host. */
  private record Pod(String name, String service, int hazelcastPort, int eventbusPort, int adminPort, int wnetPort,
                     int tchatatorPort) {
    static Pod of(String service, int ordinal) {
      return new Pod("chatrelay-" + service + "-" + ordinal, service, TestPorts.free(), TestPorts.free(), TestPorts.free(),
        TestPorts.free(), TestPorts.free());
    }

    String wnetUrl() {
      return "ws://127.0.0.1:" + wnetPort + "/wnet/ws";
    }

    AdminProbe.Reply awaitReady(Vertx vertx) throws Exception {
      return AdminProbe.awaitReadiness(vertx, adminPort, r -> r.status() == 200, START);
    }
  }

  @AfterEach
  void stopPodsAndDropTheSchema(Vertx vertx) throws Exception {
    processes.forEach(ChatrelayProcess::close);
    database.drop(vertx);
  }

  @Test
  void theFourWorkloadsServeTogetherAndAnEdgePodStopsGracefully(Vertx vertx, @TempDir Path root) throws Exception {
    PythonPeer.assumeAvailable();
    KubernetesObjects k8s = Manifests.render(Manifests.BASE);
    pointTheDatabaseSecretAtTheTestServer(k8s);
    Pod store = Pod.of("message-store", 0);
    Pod registry = Pod.of("bot-registry", 0);
    Pod tcpEdge = Pod.of("tcp-edge", 0);
    Pod wsEdge = Pod.of("ws-edge", 0);
    Pod scaledWsEdge = Pod.of("ws-edge", 1); // started later, as the autoscaler would add it
    List<Pod> pods = List.of(store, registry, tcpEdge, wsEdge, scaledWsEdge);
    String clusterName = "rehearsal-" + UUID.randomUUID();
    String members = pods.stream().map(p -> "127.0.0.1:" + p.hazelcastPort()).collect(Collectors.joining(","));
    Map<Pod, ChatrelayProcess> running = new LinkedHashMap<>();

    // accounts, as an operator would create them with the image's `accounts` command on the same database
    LauncherCli.Created bot = LauncherCli.create(database.options(), "rehearsal-bot", "member", BOT_PASSWORD);
    LauncherCli.Created alice = LauncherCli.create(database.options(), "alice", "member", null);
    LauncherCli.Created bob = LauncherCli.create(database.options(), "bob", "professional", null);

    long startedAt = System.nanoTime();
    // the first pod founds the cluster; the next ones join it (pods that boot together may form separate clusters)
    running.put(store, launch(k8s, store, clusterName, members, root));
    running.get(store).awaitLine("joined cluster", START);
    for (Pod pod : List.of(registry, tcpEdge, wsEdge)) running.put(pod, launch(k8s, pod, clusterName, members, root));
    Map<Pod, String> readinessChecks = Map.of(store, "message-store.database", tcpEdge, "tcp-edge.listener",
      wsEdge, "ws-edge.listener");
    for (Pod pod : running.keySet()) {
      AdminProbe.Reply ready = pod.awaitReady(vertx);
      assertThat(ready.check("cluster")).as(pod.name()).isEqualTo("UP");
      assertThat(ready.check("services")).as(pod.name()).isEqualTo("UP");
      if (readinessChecks.containsKey(pod)) assertThat(ready.check(readinessChecks.get(pod))).as(pod.name()).isEqualTo("UP");
      running.get(pod).awaitLine("chatrelay serving " + pod.service() + " ", START);
      // The edges join as Hazelcast lite members (their Deployments say so), the registry and store as data members.
      String joined = running.get(pod).awaitLine("joined cluster", START);
      assertThat(joined.contains(", as a lite member")).as(pod.name() + ": " + joined).isEqualTo(pod.service().endsWith("-edge"));
    }
    report("the first four pods ready", startedAt);

    // wnet: bot and client on the WS edge pod, the name table in the registry pod
    try (PythonPeer echo = PythonPeer.bot(wsEdge.wnetUrl(), "Rehearsal", bot.name(), BOT_PASSWORD)) {
      assertThat(echo.nextLineAfter(0, PEER)).isEqualTo("info@You added as bot");
      try (PythonPeer client = PythonPeer.client(wsEdge.wnetUrl(), "Rehearsal", "through the pods")) {
        assertThat(client.awaitExit(PEER)).as("%s", client).isZero();
        assertThat(client.lines()).containsExactly("list@Re@Rehearsal", "connectedto@Rehearsal",
          "mess@Rehearsal@Hello from bot! You said: through the pods");
      }
    }

    // Tchatator: through the TCP edge pod to the store pod and PostgreSQL
    try (TchatatorSocket member = TchatatorSocket.connect(tcpEdge.tchatatorPort());
         TchatatorSocket professional = TchatatorSocket.connect(tcpEdge.tchatatorPort())) {
      member.loginOk(alice.apiKey());
      professional.loginOk(bob.apiKey());
      assertThat(member.request(sendMessage(alice.apiKey(), bob.id(), "Bonjour depuis le pod")).status()).isEqualTo("200/OK");
      assertThat(professional.request(unread(bob.apiKey())).contents()).containsExactly("Bonjour depuis le pod");
    }

    // a second WS edge pod; a bot and a client on each, each talking to the other pod
    long scaledAt = System.nanoTime();
    running.put(scaledWsEdge, launch(k8s, scaledWsEdge, clusterName, members, root));
    scaledWsEdge.awaitReady(vertx);
    report("the second WS edge pod ready", scaledAt);
    try (PythonPeer steady = PythonPeer.bot(wsEdge.wnetUrl(), "Steady", bot.name(), BOT_PASSWORD);
         PythonPeer leaving = PythonPeer.bot(scaledWsEdge.wnetUrl(), "Leaving", bot.name(), BOT_PASSWORD);
         PythonPeer clientOfLeaving = PythonPeer.scripted("client on ws-edge-0", wsEdge.wnetUrl());
         PythonPeer clientOfSteady = PythonPeer.scripted("client on ws-edge-1", scaledWsEdge.wnetUrl())) {
      assertThat(steady.nextLineAfter(0, PEER)).isEqualTo("info@You added as bot");
      assertThat(leaving.nextLineAfter(0, PEER)).isEqualTo("info@You added as bot");
      clientOfLeaving.send("connect@Leaving").send("cssend@Leaving@across pods");
      clientOfLeaving.awaitLine("mess@Leaving@Hello from bot! You said: across pods"::equals, PEER);
      clientOfSteady.send("connect@Steady").send("cssend@Steady@and back");
      clientOfSteady.awaitLine("mess@Steady@Hello from bot! You said: and back"::equals, PEER);
      String sidOnLeavingPod = steady.awaitLine(l -> l.startsWith("connection@"), PEER).split("@")[1];

      // SIGTERM, as Kubernetes stops a pod (scale-down, rollout); it has the Deployment's grace period
      ChatrelayProcess leavingPod = running.get(scaledWsEdge);
      long grace = k8s.get(Deployment.class, "chatrelay-ws-edge").getSpec().getTemplate().getSpec()
        .getTerminationGracePeriodSeconds();
      long terminatedAt = System.nanoTime();
      leavingPod.terminate();
      AdminProbe.Reply draining = AdminProbe.awaitReadiness(vertx, scaledWsEdge.adminPort(), r -> r.status() != 200,
        Duration.ofSeconds(5));
      assertThat(draining.status()).as("not ready at once").isEqualTo(503);
      // its peers are told it is going away (1001) and may reconnect elsewhere; the others learn they left
      assertThat(leaving.awaitLine(l -> l.startsWith("closed "), Duration.ofSeconds(grace))).startsWith("closed 1001");
      assertThat(clientOfSteady.awaitLine(l -> l.startsWith("closed "), Duration.ofSeconds(grace))).startsWith("closed 1001");
      clientOfLeaving.awaitLine("disconnectedfrom@Leaving"::equals, PEER);
      steady.awaitLine(("disconnected@" + sidOnLeavingPod)::equals, PEER);
      assertThat(leavingPod.awaitExit(Duration.ofSeconds(grace))).as("128 + SIGTERM").isEqualTo(143);
      report("the terminated WS edge pod exited", terminatedAt);
      assertThat(leavingPod.output()).contains("stopped").doesNotContain("shutdown did not complete cleanly");

      // the rest keeps serving: the name is free at once, the client on the remaining pod talks to its new holder
      try (PythonPeer successor = PythonPeer.bot(wsEdge.wnetUrl(), "Leaving", bot.name(), BOT_PASSWORD)) {
        assertThat(successor.nextLineAfter(0, PEER)).isEqualTo("info@You added as bot");
        int mark = clientOfLeaving.mark();
        clientOfLeaving.send("connect@Leaving").send("cssend@Leaving@still here");
        clientOfLeaving.awaitLineAfter(mark, "mess@Leaving@Hello from bot! You said: still here"::equals, PEER);
      }
    }
    try (TchatatorSocket professional = TchatatorSocket.connect(tcpEdge.tchatatorPort());
         TchatatorSocket member = TchatatorSocket.connect(tcpEdge.tchatatorPort())) {
      professional.loginOk(bob.apiKey());
      member.loginOk(alice.apiKey());
      assertThat(professional.request(sendMessage(bob.apiKey(), alice.id(), "Bien reçu")).status()).isEqualTo("200/OK");
      assertThat(member.request(unread(alice.apiKey())).contents()).containsExactly("Bien reçu");
    }
    for (Pod pod : List.of(store, registry, tcpEdge, wsEdge)) {
      assertThat(pod.awaitReady(vertx).check("cluster")).as(pod.name()).isEqualTo("UP");
    }
    // every variable the Deployments set is a setting the process knows
    running.values().forEach(p -> assertThat(p.output()).as(p.name()).doesNotContain("matches no setting"));
  }

  private static void report(String what, long sinceNanos) {
    System.out.printf("rehearsal: %s in %d ms%n", what, Duration.ofNanos(System.nanoTime() - sinceNanos).toMillis());
  }

  /** The documented way to use an external PostgreSQL: its coordinates in the Secret the message store reads. */
  private void pointTheDatabaseSecretAtTheTestServer(KubernetesObjects k8s) {
    Secret secret = k8s.get(Secret.class, "chatrelay-postgres");
    assertThat(k8s.secretValue("chatrelay-postgres", "host")).as("the Secret holds the host").isPresent();
    secret.setData(null);
    secret.setStringData(Stream.of("host", "port", "database", "user", "password")
      .collect(Collectors.toMap(key -> key, database::get)));
  }

  /** Starts the container of {@code pod}'s Deployment with the single-host changes (class comment). */
  private ChatrelayProcess launch(KubernetesObjects k8s, Pod pod, String clusterName, String members, Path root)
    throws Exception {
    PodLaunch launch = PodLaunch.of(k8s, new PodLaunch.Pod("127.0.0.1", pod.name())).stream()
      .filter(l -> pod.service().equals(l.option("--services"))).findFirst().orElseThrow();
    Path podRoot = root.resolve(pod.name());
    Path dataDir = podRoot.resolve("var/lib/chatrelay");
    List<String> args = new ArrayList<>(launch.materialize(podRoot));
    Map<String, Object> single = new LinkedHashMap<>();
    single.put("cluster.kubernetes-service-dns", "");
    single.put("cluster.members", members);
    single.put("cluster.name", clusterName);
    single.put("cluster.port", pod.hazelcastPort());
    single.put("cluster.eventbus-port", pod.eventbusPort());
    single.put("admin.host", "127.0.0.1");
    single.put("admin.port", pod.adminPort());
    single.put("wnet.host", "127.0.0.1");
    single.put("wnet.port", pod.wnetPort());
    single.put("tchatator.host", "127.0.0.1");
    single.put("tchatator.port", pod.tchatatorPort());
    single.put("node.data-dir", dataDir);
    single.put("tchatator.log-file", dataDir.resolve("logs/tchatator.log"));
    single.put("database.postgres.schema", database.get("schema"));
    single.forEach((key, value) -> args.addAll(List.of("--set", key + "=" + value)));
    ChatrelayProcess process = ChatrelayProcess.start(pod.name(), podRoot, launch.env(), args);
    processes.add(process);
    return process;
  }
}
