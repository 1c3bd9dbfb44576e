package io.chatrelay.launcher;

import io.chatrelay.shared.testing.TestPorts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of the test's own (initdb + pg_ctl of the machine's installation, a temporary directory, a
 * free port on 127.0.0.1, trust authentication), so a test can stop and start it under load without touching the
 * machine's shared PostgreSQL that other tests use. initdb refuses to run as root: as root (CI) every PostgreSQL
 * command runs as the {@code postgres} OS user ({@code runuser}), in a directory given to that user.
 */
final class PrivatePostgres implements AutoCloseable {
  private static final Path INSTALLS = Path.of("/usr/lib/postgresql");

  private final Path bin;
  private final Path dir;
  private final int port = TestPorts.free();
  private boolean running;

  private PrivatePostgres(Path bin, Path dir) {
    this.bin = bin;
    this.dir = dir;
  }

  /** The newest installed server's {@code bin} directory with initdb and pg_ctl, if any. */
  static Optional<Path> installation() {
    if (!Files.isDirectory(INSTALLS)) return Optional.empty();
    try (Stream<Path> versions = Files.list(INSTALLS)) {
      return versions.map(v -> v.resolve("bin"))
        .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
        .max(Comparator.comparing(b -> versionOf(b.getParent())));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static int versionOf(Path install) {
    try {
      return Integer.parseInt(install.getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** initdb in a new temporary directory, then start; the caller closes it (stop, directory deleted). */
  static PrivatePostgres create(Path bin) throws Exception {
    Path dir = Files.createTempDirectory("chatrelay-pg-");
    PrivatePostgres pg = new PrivatePostgres(bin, dir);
    try {
      if (asRoot()) run(List.of("chown", "postgres:", dir.toString()));
      pg.pg("initdb", "-D", pg.data(), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync");
      pg.start();
      return pg;
    } catch (Exception | AssertionError e) {
      pg.close();
      throw e;
    }
  }

  int port() {
    return port;
  }

  /** A fresh schema in this server's {@code postgres} database. */
  PostgresSchema schema() {
    return new PostgresSchema("127.0.0.1", port, "postgres");
  }

  /** pg_ctl start, waiting until it accepts connections. */
  void start() throws Exception {
    pg("pg_ctl", "-D", data(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "60",
      "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1", "start");
    running = true;
  }

  /** {@code pg_ctl stop -m immediate}: every server process quits at once, as in a crash (WAL replay at the next start). */
  void stopImmediately() throws Exception {
    pg("pg_ctl", "-D", data(), "-m", "immediate", "-w", "-t", "60", "stop");
    running = false;
  }

  @Override
  public void close() throws Exception {
    try {
      if (running) stopImmediately();
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private String data() {
    return dir.resolve("data").toString();
  }

  private void pg(String tool, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    if (asRoot()) cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    cmd.add(bin.resolve(tool).toString());
    cmd.addAll(List.of(args));
    run(cmd);
  }

  private static boolean asRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static void run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed: " + new String(out));
    }
  }
}
