package io.chatrelay.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What every scenario of one bench invocation shares: the chatrelay jar, where results and logs go, how many runs,
 * the JVM options of the servers, PostgreSQL, and the generator's own Vert.x (this process: never a server's JVM).
 */
final class BenchEnv implements AutoCloseable {
  private final Path jar;
  private final Path out;
  private final int runs;
  private final boolean smoke;
  private final List<String> serverJvm;
  private final Map<String, String> serverSettings;
  private final boolean jfr;
  private final PgSettings pg;
  private final Vertx vertx;
  private final String scenario;
  private final Path workDir;
  private final List<Path> recordings = new ArrayList<>();

  BenchEnv(Path jar, Path out, int runs, boolean smoke, List<String> serverJvm, Map<String, String> serverSettings,
           boolean jfr, PgSettings pg, String scenario) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException("no chatrelay jar at " + jar.toAbsolutePath()
        + " (build it: mvn -B -q package -DskipTests, or pass --jar)");
    }
    this.jar = jar.toAbsolutePath();
    this.out = out.toAbsolutePath();
    this.runs = runs;
    this.smoke = smoke;
    this.serverJvm = List.copyOf(serverJvm);
    this.serverSettings = Map.copyOf(serverSettings);
    this.jfr = jfr;
    this.pg = pg;
    this.scenario = scenario;
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    this.workDir = this.out.resolve("work").resolve(scenario + "-" + stamp);
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // the generator: its own event loops (2 per core), no warnings for the blocking setup calls made from main
    this.vertx = Vertx.vertx(new VertxOptions().setBlockedThreadCheckInterval(60_000));
  }

  /** The same settings for another scenario (the {@code all} command). */
  BenchEnv forScenario(String name) {
    return new BenchEnv(jar, out, runs, smoke, serverJvm, serverSettings, jfr, pg, name);
  }

  Path jar() {
    return jar;
  }

  Path out() {
    return out;
  }

  int runs() {
    return runs;
  }

  boolean smoke() {
    return smoke;
  }

  PgSettings pg() {
    return pg;
  }

  Vertx vertx() {
    return vertx;
  }

  String scenario() {
    return scenario;
  }

  /** Data directories of this invocation's servers. */
  Path workDir() {
    return workDir;
  }

  Path logDir() {
    return workDir.resolve("logs");
  }

  /** Extra {@code --set} settings for every chatrelay server (the bench's {@code --server-set}). */
  Map<String, String> serverSettings() {
    return serverSettings;
  }

  List<String> serverJvmOptions() {
    return serverJvm;
  }

  /** The JVM options of server {@code label}: the configured ones, plus a flight recording with --jfr. */
  List<String> serverJvm(String label) {
    List<String> options = new ArrayList<>(serverJvm);
    if (jfr) {
      Path file = out.resolve("jfr").resolve(scenario + "-" + label + ".jfr");
      try {
        Files.createDirectories(file.getParent());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      recordings.add(file);
      options.add("-XX:StartFlightRecording=filename=" + file + ",settings=profile,dumponexit=true");
    }
    return options;
  }

  /** The flight recordings of this scenario's servers (complete once the servers stopped). */
  List<Path> recordings() {
    return List.copyOf(recordings);
  }

  @Override
  public void close() {
    vertx.close().timeout(10, TimeUnit.SECONDS).await();
  }
}
