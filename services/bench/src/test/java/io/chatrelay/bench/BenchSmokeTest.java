package io.chatrelay.bench;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each scenario at its smoke size (tiny, a few seconds) against real {@code chatrelay.jar serve} processes (and
 * pgbench, the echo server process): it must run, measure something and write its JSON. Figures are not judged
 * here (they are printed, and meaningless at these sizes); the benchmarks themselves run by name, see
 * docs/benchmarks.md.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BenchSmokeTest {
  private static final Path OUT = Path.of("target", "bench-smoke");
  /** Quick-starting servers: these processes live a few seconds. */
  private static final String SERVER_JVM = "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

  private static JsonObject smoke(String scenario, String... extra) throws IOException {
    String[] args = new String[7 + extra.length];
    args[0] = scenario;
    args[1] = "--smoke";
    args[2] = "--out=" + OUT;
    args[3] = "--jar=" + System.getProperty("chatrelay.jar", "../launcher/target/chatrelay.jar");
    args[4] = "--server-jvm=" + SERVER_JVM;
    args[5] = "--runs=1";
    args[6] = "--pg-database=" + System.getenv().getOrDefault("CHATRELAY_TEST_PG_DATABASE", "test");
    System.arraycopy(extra, 0, args, 7, extra.length);
    Path file = OUT.resolve(scenario + ".json");
    Files.deleteIfExists(file); // a result of an earlier build must not pass for this one
    assertThat(BenchMain.run(args)).as("exit code of " + scenario).isZero();
    assertThat(file).exists();
    JsonObject json = new JsonObject(Files.readString(file));
    assertThat(json.getString("scenario")).isEqualTo(scenario);
    assertThat(json.getJsonObject("machine").getInteger("cores")).isPositive();
    assertThat(json.getJsonArray("figures")).isNotEmpty();
    return json;
  }

  /** Figure medians by key. */
  private static Map<String, Double> medians(JsonObject json) {
    return json.getJsonArray("figures").stream().map(o -> (JsonObject) o)
      .filter(f -> f.getDouble("median") != null)
      .collect(Collectors.toMap(f -> f.getString("key"), f -> f.getDouble("median")));
  }

  private static double reference(JsonObject json, String key) {
    return json.getJsonArray("figures").stream().map(o -> (JsonObject) o).filter(f -> f.getString("key").equals(key))
      .findFirst().orElseThrow().getJsonObject("reference").getDouble("median");
  }

  @Test
  @Order(1)
  void tchatatorSend() throws IOException {
    JsonObject json = smoke("tchatator-send");
    Map<String, Double> m = medians(json);
    assertThat(m.get("postgres.c1.tps")).isPositive();
    assertThat(m.get("h2.c2.tps")).isPositive();
    assertThat(reference(json, "postgres.c2.tps")).as("pgbench tps").isPositive();
    assertThat(m.get("postgres.c1.p99")).isPositive();
    assertThat(json.getJsonObject("charts").getJsonObject("tchatator").getJsonObject("series").size()).isEqualTo(3);
  }

  @Test
  @Order(2)
  void wnetRelay() throws IOException {
    JsonObject json = smoke("wnet-relay");
    Map<String, Double> m = medians(json);
    assertThat(m.get("relay.closed.c2.frames")).isPositive();
    assertThat(reference(json, "relay.closed.c2.frames")).as("echo frames/s").isPositive();
    assertThat(m.get("relay.open50.p99")).isPositive();
    assertThat(m.get("relay.closed.c1.cpuUsPerFrame")).isPositive();
  }

  @Test
  @Order(3)
  void chartFromTheResults() throws IOException {
    Path png = OUT.resolve("chart.png");
    assertThat(BenchMain.run("chart", "--out=" + OUT, "--png=" + png)).isZero();
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).as("two panels side by side").isGreaterThan(image.getHeight());
  }

  @Test
  @Order(3)
  void markdownIntoADocsPage() throws IOException {
    Path page = OUT.resolve("page.md");
    Files.writeString(page, "# Page\n\nbefore\n" + FiguresMarkdown.START + "\nold figures\n" + FiguresMarkdown.END + "\nafter\n");
    assertThat(BenchMain.run("markdown", "--out=" + OUT, "--docs=" + page)).isZero();
    String text = Files.readString(page);
    assertThat(text).startsWith("# Page\n\nbefore\n").endsWith(FiguresMarkdown.END + "\nafter\n")
      .doesNotContain("old figures")
      .contains("### tchatator-send", "### wnet-relay", "| chatrelay PostgreSQL c=1 SEND_MSG/s |", "SMOKE sizes");
  }

  @Test
  @Order(4)
  void wnetCluster() throws IOException {
    Map<String, Double> m = medians(smoke("wnet-cluster"));
    assertThat(m.get("two.closed.c2.rtps")).isPositive();
    assertThat(m.get("two.open50.p50")).isPositive();
  }

  @Test
  @Order(5)
  void idleConnections() throws IOException {
    JsonObject json = smoke("idle-connections");
    Map<String, Double> m = medians(json);
    assertThat(m.get("chatrelay.heapKib")).isPositive();
    assertThat(reference(json, "chatrelay.heapKib")).as("echo heap per connection").isPositive();
    assertThat(m.get("chatrelay.connectRate")).isPositive();
    assertThat(json.getJsonObject("classGrowth").getJsonArray("chatrelay")).isNotEmpty();
  }

  @Test
  @Order(6)
  void takeover() throws IOException {
    Map<String, Double> m = medians(smoke("takeover"));
    assertThat(m.get("dead.ms")).isPositive();
    assertThat(m.get("silent.ms")).as("a silent owner keeps the name for the window").isGreaterThanOrEqualTo(500);
    assertThat(m.get("killed.ms")).isPositive();
  }

  @Test
  @Order(7)
  void passwordFlood() throws IOException {
    Map<String, Double> m = medians(smoke("password-flood"));
    assertThat(m.get("attack.rate")).isPositive();
    assertThat(m.get("cpu.during")).isPositive();
    assertThat(m).containsKeys("before.ms", "new.ms", "probe.p99", "cpu.after", "cpu.idleAfter");
  }
}
