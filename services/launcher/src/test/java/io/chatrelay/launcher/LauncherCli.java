package io.chatrelay.launcher;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher's command line run in the test's JVM (as {@code java -jar chatrelay.jar ...}), output captured. */
public final class LauncherCli {
  private LauncherCli() {
  }

  record Run(int code, String out, String err) {
  }

  /** An account made by {@code accounts create}: its id and its API key (printed only once). */
  public record Created(long id, String name, String apiKey) {
  }

  /** Runs one command line; System.out and System.err are the test JVM's, so runs are one at a time. */
  static synchronized Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  /** One {@code name: value} line of a command's output. */
  static String field(String out, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + ": (.+)$").matcher(out);
    assertThat(m.find()).as("'%s' in %s", name, out).isTrue();
    return m.group(1).trim();
  }

  /**
   * {@code accounts create --name --role [--password]} with {@code settings} (e.g. {@code --set node.data-dir=...}):
   * the same database {@code serve} uses with those settings. Passwords are hashed with few iterations (the
   * hash records its count, so {@code serve} checks it whatever its own setting).
   */
  public static Created create(List<String> settings, String name, String role, String password) {
    List<String> args = new ArrayList<>(List.of("accounts", "create", "--name", name, "--role", role));
    if (password != null) args.addAll(List.of("--password", password));
    args.addAll(settings);
    args.addAll(List.of("--set", "accounts.password-iterations=1000"));
    Run run = run(args.toArray(String[]::new));
    assertThat(run.code()).as("accounts create %s: %s", name, run.err()).isZero();
    return new Created(Long.parseLong(field(run.out(), "id")), name, field(run.out(), "api-key"));
  }
}
