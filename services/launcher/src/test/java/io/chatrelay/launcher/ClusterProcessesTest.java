package io.chatrelay.launcher;

import io.chatrelay.launcher.TchatatorSocket.Reply;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.chatrelay.launcher.TchatatorSocket.sendMessage;
import static io.chatrelay.launcher.TchatatorSocket.subscribe;
import static io.chatrelay.launcher.TchatatorSocket.unread;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two {@code serve --cluster} processes on 127.0.0.1 joined into one Hazelcast cluster, as an operator starts them
 * on two hosts: A runs the message store (its embedded database is a file of that process), the bot registry and
 * both edges; B runs the registry and both edges, and reaches the store through the cluster. Peers are real
 * processes too: the Python wnet peers and plain sockets writing the C client's bytes. The last test kills B.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterProcessesTest {
  private static final Duration START = Duration.ofSeconds(90);
  private static final Duration PEER = Duration.ofSeconds(20);
  private static final String BOT_PASSWORD = "bot-pass-1";

  private ServeNode nodeA;
  private ServeNode nodeB;
  private ChatrelayProcess a;
  private ChatrelayProcess b;
  private LauncherCli.Created botAccount;
  private LauncherCli.Created alice;
  private LauncherCli.Created bob;

  @BeforeAll
  void startTwoProcessesInOneCluster(Vertx vertx, @TempDir Path dir) throws Exception {
    nodeA = new ServeNode("a", dir, "message-store", "bot-registry", "ws-edge", "tcp-edge");
    nodeB = new ServeNode("b", dir, "bot-registry", "ws-edge", "tcp-edge");
    ServeNode.cluster(nodeA, nodeB);
    // accounts go into A's database before A starts, with the operator's command
    botAccount = LauncherCli.create(nodeA.databaseOptions(), "pybot", "member", BOT_PASSWORD);
    alice = LauncherCli.create(nodeA.databaseOptions(), "alice", "member", null);
    bob = LauncherCli.create(nodeA.databaseOptions(), "bob", "professional", null);

    List<ChatrelayProcess> started = ServeNode.startAll(vertx, START, List.of(nodeA, nodeB));
    a = started.get(0);
    b = started.get(1);
    assertThat(b.awaitLine("joined cluster", START)).as("B joined A's cluster").contains("(2 members)");
    AdminProbe.Reply readyA = nodeA.awaitReady(vertx, START);
    AdminProbe.Reply readyB = nodeB.awaitReady(vertx, START);
    for (AdminProbe.Reply ready : List.of(readyA, readyB)) {
      assertThat(ready.check("cluster")).isEqualTo("UP");
      assertThat(ready.check("services")).isEqualTo("UP");
      assertThat(ready.check("ws-edge.listener")).isEqualTo("UP");
      assertThat(ready.check("tcp-edge.listener")).isEqualTo("UP");
    }
    assertThat(readyA.check("message-store.database")).isEqualTo("UP");
    assertThat(readyB.check("message-store.database")).as("B has no store of its own").isNull();
  }

  @AfterAll
  void stopProcesses() {
    for (ChatrelayProcess p : new ChatrelayProcess[] {b, a}) {
      if (p != null) p.close();
    }
  }

  @Order(1)
  @ParameterizedTest(name = "bot on {0}, client on {1}")
  @CsvSource({"b, a", "a, b"})
  void aPythonClientTalksToAPythonBotOnTheOtherProcess(String botSide, String clientSide) throws Exception {
    PythonPeer.assumeAvailable();
    String botName = botSide.equals("a") ? "AlphaEcho" : "BravoEcho";
    try (PythonPeer bot = PythonPeer.bot(node(botSide).wnetUrl(), botName, botAccount.name(), BOT_PASSWORD)) {
      assertThat(bot.nextLineAfter(0, PEER)).isEqualTo("info@You added as bot");
      try (PythonPeer client = PythonPeer.client(node(clientSide).wnetUrl(), botName, "across @ the cluster")) {
        assertThat(client.awaitExit(PEER)).as("the client got its answer: %s", client).isZero();
        assertThat(client.lines()).containsExactly("list@" + botName.substring(0, 2) + "@" + botName,
          "connectedto@" + botName, "mess@" + botName + "@Hello from bot! You said: across @ the cluster");
      }
      bot.awaitLine(l -> l.startsWith("mess@"), PEER);
      assertThat(bot.lines()).hasSizeGreaterThanOrEqualTo(3);
      assertThat(bot.lines().get(1)).matches("connection@[A-Za-z0-9_-]{22}@None");
      assertThat(bot.lines().get(2)).matches("mess@[A-Za-z0-9_-]{22}@across @ the cluster");
    }
  }

  @Order(2)
  @Test
  void aMemberOnAAndAProfessionalOnBExchangeMessages() throws Exception {
    try (TchatatorSocket onA = TchatatorSocket.connect(nodeA.tchatatorPort());
         TchatatorSocket onB = TchatatorSocket.connect(nodeB.tchatatorPort())) {
      assertThat(onA.loginOk(alice.apiKey()).field("role")).isEqualTo("member");
      assertThat(onB.loginOk(bob.apiKey()).field("user-id")).isEqualTo(String.valueOf(bob.id()));

      Reply sent = onA.request(sendMessage(alice.apiKey(), bob.id(), "Bonjour, comment ça va ?"));
      assertThat(sent.status()).as("%s", sent).isEqualTo("200/OK");
      Reply unread = onB.request(unread(bob.apiKey()));
      assertThat(unread.status()).isEqualTo("200/OK");
      assertThat(unread.messages()).singleElement().satisfies(m -> assertThat(m).containsAllEntriesOf(Map.of(
        "message-id", sent.field("message-id"), "sender-id", String.valueOf(alice.id()),
        "recipient-id", String.valueOf(bob.id()), "direction", "received", "content", "Bonjour, comment ça va ?")));

      // real time across processes: stored on A, pushed by B's edge
      assertThat(onB.request(subscribe(bob.apiKey())).field("real-time")).isEqualTo("true");
      Reply live = onA.request(sendMessage(alice.apiKey(), bob.id(), "en direct"));
      assertThat(live.status()).isEqualTo("200/OK");
      Reply push = onB.next();
      assertThat(push.status()).isEqualTo("100/PUSH");
      assertThat(push.messages()).singleElement().satisfies(m -> assertThat(m)
        .containsEntry("message-id", live.field("message-id")).containsEntry("content", "en direct"));

      // and back: sent on B, read on A
      assertThat(onB.request(sendMessage(bob.apiKey(), alice.id(), "Très bien, merci")).status()).isEqualTo("200/OK");
      assertThat(onA.request(unread(alice.apiKey())).contents()).containsExactly("Très bien, merci");
    }
  }

  @Order(3)
  @Test
  void whenTheBotsProcessIsKilledItsClientsAreToldAndTheNameIsFreeAtOnce(Vertx vertx) throws Exception {
    PythonPeer.assumeAvailable();
    try (PythonPeer bot = PythonPeer.bot(nodeB.wnetUrl(), "Doomed", botAccount.name(), BOT_PASSWORD);
         PythonPeer client = PythonPeer.scripted("client on A", nodeA.wnetUrl())) {
      assertThat(bot.nextLineAfter(0, PEER)).isEqualTo("info@You added as bot");
      client.send("connect@Doomed").send("cssend@Doomed@still there?");
      client.awaitLine("mess@Doomed@Hello from bot! You said: still there?"::equals, PEER);

      int beforeKill = client.mark();
      long killedAt = System.nanoTime();
      b.kill();
      // Hazelcast removes a killed member as soon as its connections fail, well before the heartbeat timeout (15 s)
      client.awaitLineAfter(beforeKill, "disconnectedfrom@Doomed"::equals, Duration.ofSeconds(10));
      System.out.printf("cluster-processes: the client on A got disconnectedfrom@ %d ms after B was killed%n",
        Duration.ofNanos(System.nanoTime() - killedAt).toMillis());
      assertThat(bot.awaitLine(l -> l.startsWith("closed "), PEER)).as("the bot lost its connection").startsWith("closed 1006");

      // the name went with the member: a new bot gets it without a takeover (no isalive, no 5 s window)
      try (PythonPeer successor = PythonPeer.bot(nodeA.wnetUrl(), "Doomed", botAccount.name(), BOT_PASSWORD)) {
        assertThat(successor.nextLineAfter(0, PEER)).isEqualTo("info@You added as bot");
        int beforeReconnect = client.mark();
        client.send("connect@Doomed").send("cssend@Doomed@and now?");
        client.awaitLineAfter(beforeReconnect, "mess@Doomed@Hello from bot! You said: and now?"::equals, PEER);
      }
    }
    // A serves on alone: its cluster is safe again once the dead member's partitions are restored from backups
    assertThat(nodeA.awaitReady(vertx, Duration.ofSeconds(30)).check("cluster")).isEqualTo("UP");
    assertThat(a.isAlive()).isTrue();
  }

  private ServeNode node(String side) {
    return side.equals("a") ? nodeA : nodeB;
  }
}
