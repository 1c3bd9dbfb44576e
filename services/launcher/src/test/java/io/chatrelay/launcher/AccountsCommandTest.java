package io.chatrelay.launcher;

import io.chatrelay.launcher.LauncherCli.Run;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.store.accounts.AccountStore;
import io.chatrelay.store.db.Database;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.chatrelay.launcher.LauncherCli.field;
import static io.chatrelay.launcher.LauncherCli.run;
import static org.assertj.core.api.Assertions.assertThat;

/** The {@code accounts} command on an embedded file database, checked against the store itself. */
class AccountsCommandTest {

  private static String[] args(Path dir, String... command) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(List.of("--set", "node.data-dir=" + dir, "--set", "accounts.password-iterations=1000"));
    return all.toArray(String[]::new);
  }

  @Test
  void createListRotateAgainstTheSameDatabaseAsServe(@TempDir Path dir) throws Exception {
    Run created = run(args(dir, "accounts", "create", "--name", "alice", "--role", "professional", "--password", "s3cret-pass"));
    assertThat(created.code()).as(created.err()).isZero();
    String id = field(created.out(), "id");
    String key = field(created.out(), "api-key");
    assertThat(key).matches("[0-9a-f]{64}");
    assertThat(field(created.out(), "role")).isEqualTo("professional");

    Run duplicate = run(args(dir, "accounts", "create", "--name", "alice", "--role", "member"));
    assertThat(duplicate.code()).isEqualTo(2);
    assertThat(duplicate.err()).contains("name-taken");

    Run badRole = run(args(dir, "accounts", "create", "--name", "bob", "--role", "boss"));
    assertThat(badRole.code()).isEqualTo(2);
    assertThat(badRole.err()).contains("bad-role");

    assertThat(run(args(dir, "accounts", "create", "--name", "bob", "--role", "member")).code()).isZero();
    Run list = run(args(dir, "accounts", "list"));
    assertThat(list.code()).isZero();
    assertThat(list.out()).containsPattern("(?m)^" + id + "\\s+alice\\s+professional").containsPattern("(?m)^\\d+\\s+bob\\s+member");

    Run rotated = run(args(dir, "accounts", "rotate-key", "--name", "alice"));
    assertThat(rotated.code()).isZero();
    String newKey = field(rotated.out(), "api-key");
    assertThat(newKey).isNotEqualTo(key);

    // what serve would see: the new key authenticates, the old one no longer does, the password still does
    ChatrelayConfig cfg = TestConfigs.local().with("database.embedded-file", dir.resolve("chatrelay").toString());
    Vertx vertx = Vertx.vertx();
    try {
      Database db = Database.open(vertx, cfg).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      AccountStore store = new AccountStore(vertx, db, cfg, Clock.systemUTC());
      assertThat(store.authenticateKey(newKey).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).name())
        .isEqualTo("alice");
      assertThat(store.authenticateKey(key).toCompletionStage().toCompletableFuture().handle((v, t) -> t).get(30, TimeUnit.SECONDS))
        .isNotNull();
      assertThat(store.authenticatePassword(id, "s3cret-pass").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).name())
        .isEqualTo("alice");
      store.close();
      db.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    Run unknown = run(args(dir, "accounts", "rotate-key", "--name", "nobody"));
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown-account");
  }

  @Test
  void missingOptionsPrintUsage(@TempDir Path dir) {
    Run r = run(args(dir, "accounts", "create", "--name", "x"));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Missing required option: '--role=<role>'");
  }
}
