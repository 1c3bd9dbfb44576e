package io.chatrelay.launcher;

import io.chatrelay.shared.bus.BusFailure;
import io.chatrelay.shared.bus.Role;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.store.accounts.Account;
import io.chatrelay.store.accounts.AccountStore;
import io.chatrelay.store.accounts.IssuedKey;
import io.chatrelay.store.db.Database;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code accounts}: create, list and rotate keys of accounts directly on the database the settings name (the
 * embedded file is opened in H2's auto-server mode, so this works while {@code serve} runs).
 */
@Command(name = "accounts", mixinStandardHelpOptions = true,
  description = "Manage accounts (works on the same settings and database as 'serve', also while it runs).",
  subcommands = {AccountsCommand.Create.class, AccountsCommand.ListAccounts.class, AccountsCommand.RotateKey.class})
final class AccountsCommand {

  @Command(name = "create", mixinStandardHelpOptions = true,
    description = "Create an account and print its id and API key (the key is shown only this once).")
  static final class Create implements Callable<Integer> {
    @Mixin
    SettingsOptions settings;

    @Option(names = "--name", required = true, description = "Unique account name.")
    String name;

    @Option(names = "--role", required = true, description = "member, professional or admin.")
    String role;

    @Option(names = "--password", description = "Password for WebSocket (wnet) password login. Optional.")
    String password;

    @Override
    public Integer call() throws Exception {
      return withStore(settings.load(), store -> store.create(name, Role.fromWire(role), password)
        .map(issued -> printIssued(issued, System.out)));
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List accounts: id, name, role, creation time.")
  static final class ListAccounts implements Callable<Integer> {
    @Mixin
    SettingsOptions settings;

    @Override
    public Integer call() throws Exception {
      return withStore(settings.load(), store -> store.list().map(accounts -> {
        System.out.printf("%-8s %-24s %-13s %s%n", "ID", "NAME", "ROLE", "CREATED");
        for (Account a : accounts) {
          System.out.printf("%-8d %-24s %-13s %s%n", a.id(), a.name(), a.role().wire(), a.createdAt());
        }
        return 0;
      }));
    }
  }

  @Command(name = "rotate-key", mixinStandardHelpOptions = true,
    description = "Give an account a new API key and print it; the old key stops working at once.")
  static final class RotateKey implements Callable<Integer> {
    @Mixin
    SettingsOptions settings;

    @Option(names = "--name", required = true, description = "Account name.")
    String name;

    @Override
    public Integer call() throws Exception {
      return withStore(settings.load(), store -> store.rotateKey(name).map(issued -> printIssued(issued, System.out)));
    }
  }

  static int printIssued(IssuedKey issued, PrintStream out) {
    out.println("id: " + issued.account().id());
    out.println("name: " + issued.account().name());
    out.println("role: " + issued.account().role().wire());
    out.println("api-key: " + issued.apiKey());
    out.println("(keep the API key: it is shown only once)");
    return 0;
  }

  /** Opens the database, runs {@code action}, closes everything; a refused action prints its reason, exit 2. */
  private static int withStore(ChatrelayConfig cfg, Function<AccountStore, Future<Integer>> action) throws Exception {
    cfg.warnings().forEach(w -> System.err.println("warning: " + w));
    Vertx vertx = Vertx.vertx();
    try {
      Future<Integer> result = Database.open(vertx, cfg).compose(db -> {
        // off the cluster's bus: a rotation reaches the running stores, and so the edges, through the database
        AccountStore store = new AccountStore(vertx, db, cfg, Clock.systemUTC()).announcingThroughDatabase();
        return action.apply(store).eventually(() -> Future.join(List.of(store.close(), db.close())));
      });
      return result.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      BusFailure f = BusFailure.from(e.getCause());
      System.err.println("error: " + f.text() + " (" + f.reason() + ")");
      return f.code() == BusFailure.INTERNAL ? 1 : 2;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
