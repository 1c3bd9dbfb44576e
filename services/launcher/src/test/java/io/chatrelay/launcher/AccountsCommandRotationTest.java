package io.chatrelay.launcher;

import io.chatrelay.launcher.LauncherCli.Run;
import io.chatrelay.launcher.TchatatorSocket.Reply;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.EOFException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.chatrelay.launcher.LauncherCli.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code accounts rotate-key} while {@code serve} runs on the same database: the command is not on the event bus,
 * yet the old key's open Tchatator session ends ({@code 401/UNAUTH reason:key-rotated}, then close) within 1 s,
 * because the running message store announces the rotation the command recorded (AccountEventRelay).
 */
@ExtendWith(VertxExtension.class)
class AccountsCommandRotationTest {

  @Test
  void aKeyRotatedByTheCommandEndsTheOldKeysOpenSession(Vertx vertx, @TempDir Path dir) throws Exception {
    ServeNode all = new ServeNode("all", dir); // the embedded default: one process, H2 file
    LauncherCli.Created alice = LauncherCli.create(all.databaseOptions(), "alice", "member", null);
    List<ChatrelayProcess> started = ServeNode.startAll(vertx, Duration.ofSeconds(90), List.of(all));
    try (TchatatorSocket session = TchatatorSocket.connect(all.tchatatorPort())) {
      session.loginOk(alice.apiKey());

      List<String> rotate = new ArrayList<>(List.of("accounts", "rotate-key", "--name", "alice"));
      rotate.addAll(all.databaseOptions());
      Run rotated = LauncherCli.run(rotate.toArray(String[]::new));
      assertThat(rotated.code()).as(rotated.err()).isZero();
      long rotatedAt = System.nanoTime();

      Reply ended = session.next();
      long waitedMs = (System.nanoTime() - rotatedAt) / 1_000_000;
      assertThat(ended.status()).as("%s", ended).isEqualTo("401/UNAUTH");
      assertThat(ended.field("reason")).isEqualTo("key-rotated");
      assertThat(waitedMs).as("ms from the command's exit to the session's end").isLessThan(1000);
      assertThatThrownBy(session::next).isInstanceOf(EOFException.class);

      try (TchatatorSocket old = TchatatorSocket.connect(all.tchatatorPort());
           TchatatorSocket fresh = TchatatorSocket.connect(all.tchatatorPort())) {
        assertThat(old.request(TchatatorSocket.login(alice.apiKey())).status()).isEqualTo("403/DENIED"); // an unknown key
        fresh.loginOk(field(rotated.out(), "api-key"));
      }
    } finally {
      started.forEach(ChatrelayProcess::close);
    }
  }
}
