package io.chatrelay.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * Draws throughput against p99 latency (log scale) from the results' JSON: one panel per chart the scenarios
 * filled ({@code tchatator}: sends per second of chatrelay on PostgreSQL and H2 and of pgbench; {@code wnet}:
 * server frames per second of the relay, the echo server and the two-member cluster), side by side in one PNG.
 */
@Command(name = "chart", mixinStandardHelpOptions = true,
  description = "Draw the throughput vs p99 chart (PNG) from the JSON results.")
final class ChartCommand implements Callable<Integer> {
  private static final List<String> ORDER = List.of("tchatator", "wnet");

  @Option(names = "--out", description = "Results directory to read. Default: ${DEFAULT-VALUE}.")
  Path out = Path.of("services/bench/target/bench-results");

  @Option(names = "--png", description = "The PNG to write. Default: ${DEFAULT-VALUE}.")
  Path png = Path.of("docs/benchmarks-throughput-p99.png");

  @Override
  public Integer call() throws IOException {
    return draw(out, png) ? 0 : 1;
  }

  /** Draws every chart found in {@code results}/*.json into {@code png}; false when there was nothing to draw. */
  static boolean draw(Path results, Path png) throws IOException {
    Map<String, JsonObject> charts = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(results)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        JsonObject json = new JsonObject(Files.readString(f));
        JsonObject found = json.getJsonObject("charts", new JsonObject());
        for (String id : found.fieldNames()) {
          JsonObject c = found.getJsonObject(id);
          JsonObject into = charts.computeIfAbsent(id, k -> c.copy().put("series", new JsonObject()));
          into.getJsonObject("series").mergeIn(c.getJsonObject("series"));
          into.put("from", (into.getString("from") == null ? "" : into.getString("from") + ", ")
            + json.getString("scenario") + " " + json.getString("date", "").replaceFirst("T.*", ""));
        }
      }
    }
    if (charts.isEmpty()) {
      System.err.println("no charts in " + results.toAbsolutePath() + " (run tchatator-send / wnet-relay first)");
      return false;
    }
    List<BufferedImage> panels = new ArrayList<>();
    List<String> ids = new ArrayList<>(charts.keySet());
    ids.sort((a, b) -> Integer.compare(rank(a), rank(b)));
    for (String id : ids) panels.add(BitmapEncoder.getBufferedImage(panel(charts.get(id))));
    int width = panels.stream().mapToInt(BufferedImage::getWidth).sum();
    int height = panels.stream().mapToInt(BufferedImage::getHeight).max().orElse(0);
    BufferedImage all = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = all.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    int x = 0;
    for (BufferedImage p : panels) {
      g.drawImage(p, x, 0, null);
      x += p.getWidth();
    }
    g.dispose();
    if (png.getParent() != null) Files.createDirectories(png.getParent());
    ImageIO.write(all, "png", png.toFile());
    System.out.println("chart: " + png.toAbsolutePath());
    return true;
  }

  private static int rank(String id) {
    int i = ORDER.indexOf(id);
    return i < 0 ? ORDER.size() : i;
  }

  private static XYChart panel(JsonObject c) {
    XYChart chart = new XYChartBuilder().width(760).height(560).title(c.getString("title"))
      .xAxisTitle(c.getString("x") + ", log scale").yAxisTitle(c.getString("y") + ", log scale").build();
    XYStyler s = chart.getStyler();
    // both axes logarithmic: chatrelay's hundreds of sends/s and pgbench's thousands must both be readable
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotBackgroundColor(Color.WHITE);
    chart.getStyler().setAnnotationTextFontColor(Color.DARK_GRAY);
    s.setToolTipsEnabled(false);
    s.setXAxisDecimalPattern("#,###");
    s.setYAxisDecimalPattern("#,##0.##");
    JsonObject series = c.getJsonObject("series");
    double[] range = {Double.MAX_VALUE, 0, Double.MAX_VALUE, 0};
    for (String name : series.fieldNames()) {
      JsonArray points = series.getJsonArray(name);
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      List<String> labels = new ArrayList<>();
      for (Object o : points) {
        JsonObject p = (JsonObject) o;
        Double px = p.getDouble("x");
        Double py = p.getDouble("y");
        if (px == null || py == null || !(py > 0)) continue;
        if (!(px > 0)) continue;
        xs.add(px);
        ys.add(py);
        range[0] = Math.min(range[0], px);
        range[1] = Math.max(range[1], px);
        range[2] = Math.min(range[2], py);
        range[3] = Math.max(range[3], py);
        labels.add(p.getString("label"));
      }
      if (xs.isEmpty()) continue;
      XYSeries line = chart.addSeries(name, xs, ys);
      line.setMarker(SeriesMarkers.CIRCLE);
      for (int i = 0; i < xs.size(); i++) chart.addAnnotation(new AnnotationText(labels.get(i), xs.get(i), ys.get(i) * 1.12, false));
    }
    if (range[1] > 0) {
      // XChart's automatic log ranges can cut points off; a margin of a decade's fraction on each side
      s.setXAxisMin(range[0] / 1.5);
      s.setXAxisMax(range[1] * 1.5);
      s.setYAxisMin(range[2] / 1.5);
      s.setYAxisMax(range[3] * 2);
    }
    if (c.getString("from") != null) chart.setTitle(c.getString("title") + " (" + c.getString("from") + ")");
    return chart;
  }
}
