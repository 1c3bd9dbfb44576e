package io.chatrelay.launcher;

import io.chatrelay.launcher.TchatatorSocket.Reply;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.chatrelay.launcher.TchatatorSocket.history;
import static io.chatrelay.launcher.TchatatorSocket.sendMessage;
import static io.chatrelay.launcher.TchatatorSocket.unread;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An acknowledged send (200/OK) survives a restart of every process: messages are sent over TCP, every process
 * is killed with SIGKILL right after the last 200 (no shutdown hook, nothing flushed on the way out), the same
 * processes are started again on the same data, and GET_UNREAD and GET_HISTORY return every acknowledged message.
 * On the embedded default (one process, H2 file) and on PostgreSQL (store and edge in two clustered processes).
 */
@ExtendWith(VertxExtension.class)
class RestartDurabilityTest {
  private static final Duration START = Duration.ofSeconds(90);

  @Test
  void onTheEmbeddedDatabaseOfOneProcess(Vertx vertx, @TempDir Path dir) throws Exception {
    ServeNode all = new ServeNode("all", dir); // serve's default: the four services, embedded H2 file
    sendKillRestartAndRead(vertx, all, all);
  }

  @Test
  void onPostgresqlWithTheStoreAndTheEdgeInTwoProcesses(Vertx vertx, @TempDir Path dir) throws Exception {
    PostgresSchema schema = new PostgresSchema();
    try {
      ServeNode store = new ServeNode("store", dir, "message-store");
      schema.settings().forEach(store::set);
      ServeNode edge = new ServeNode("edge", dir, "tcp-edge");
      ServeNode.cluster(store, edge);
      sendKillRestartAndRead(vertx, store, edge);
    } finally {
      schema.drop(vertx);
    }
  }

  /** {@code store} holds the message store, {@code edge} the TCP edge (the same node for one process). */
  private static void sendKillRestartAndRead(Vertx vertx, ServeNode store, ServeNode edge) throws Exception {
    LauncherCli.Created alice = LauncherCli.create(store.databaseOptions(), "alice", "member", null);
    LauncherCli.Created bob = LauncherCli.create(store.databaseOptions(), "bob", "professional", null);
    List<ServeNode> nodes = store == edge ? List.of(store) : List.of(store, edge);

    Map<String, String> fromAlice = new LinkedHashMap<>();
    Map<String, String> fromBob = new LinkedHashMap<>();
    List<String> sendOrder = new ArrayList<>();
    List<ChatrelayProcess> first = ServeNode.startAll(vertx, START, nodes);
    try (TchatatorSocket aliceSocket = TchatatorSocket.connect(edge.tchatatorPort());
         TchatatorSocket bobSocket = TchatatorSocket.connect(edge.tchatatorPort())) {
      aliceSocket.loginOk(alice.apiKey());
      bobSocket.loginOk(bob.apiKey());
      for (int i = 1; i <= 10; i++) {
        boolean byAlice = i % 3 != 0;
        String content = (byAlice ? "alice" : "bob") + " n°" + i + ": acknowledged, so kept";
        Reply sent = byAlice
          ? aliceSocket.request(sendMessage(alice.apiKey(), bob.id(), content))
          : bobSocket.request(sendMessage(bob.apiKey(), alice.id(), content));
        assertThat(sent.status()).as("send %d: %s", i, sent).isEqualTo("200/OK");
        (byAlice ? fromAlice : fromBob).put(sent.field("message-id"), content);
        sendOrder.add(sent.field("message-id"));
      }
      first.forEach(ChatrelayProcess::kill); // at once, right after the last 200
    } finally {
      first.forEach(ChatrelayProcess::close);
    }
    for (ChatrelayProcess p : first) {
      assertThat(p.awaitExit(Duration.ofSeconds(10))).as("%s died of SIGKILL", p.name()).isEqualTo(137);
    }

    List<ChatrelayProcess> restarted = ServeNode.startAll(vertx, START, nodes);
    try (TchatatorSocket aliceSocket = TchatatorSocket.connect(edge.tchatatorPort());
         TchatatorSocket bobSocket = TchatatorSocket.connect(edge.tchatatorPort())) {
      aliceSocket.loginOk(alice.apiKey());
      bobSocket.loginOk(bob.apiKey());
      assertThat(idsAndContents(bobSocket.request(unread(bob.apiKey())))).containsExactlyEntriesOf(fromAlice);
      assertThat(idsAndContents(aliceSocket.request(unread(alice.apiKey())))).containsExactlyEntriesOf(fromBob);
      // alice's history: what she sent and what she has now read, newest first
      Reply aliceHistory = aliceSocket.request(history(alice.apiKey()));
      assertThat(aliceHistory.field("has-older")).isEqualTo("false");
      Collections.reverse(sendOrder);
      assertThat(aliceHistory.messages()).extracting(m -> m.get("message-id")).containsExactlyElementsOf(sendOrder);
    } finally {
      restarted.forEach(ChatrelayProcess::close);
    }
  }

  private static Map<String, String> idsAndContents(Reply reply) {
    assertThat(reply.status()).as("%s", reply).isEqualTo("200/OK");
    Map<String, String> messages = new LinkedHashMap<>();
    reply.messages().forEach(m -> messages.put(m.get("message-id"), m.get("content")));
    return messages;
  }
}
