package io.chatrelay.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results of one scenario: samples per run are collected under keys, then each figure is printed with its
 * median and spread next to its reference (measured in the same run) and the ratio, and all of it is written to
 * {@code <out>/<scenario>.json}.
 */
final class Report {
  private final BenchEnv env;
  private final PrintStream out;
  private final JsonObject json;
  private final Map<String, List<Double>> samples = new LinkedHashMap<>();
  private final JsonArray figures = new JsonArray();
  private final JsonArray notes = new JsonArray();
  private final JsonObject charts = new JsonObject();
  private final long started = System.nanoTime();

  Report(BenchEnv env, String title, JsonObject settings) {
    this.env = env;
    this.out = System.out;
    JsonObject machine = Machine.describe(env);
    json = new JsonObject().put("scenario", env.scenario()).put("title", title).put("date", Instant.now().toString())
      .put("runs", env.runs()).put("smoke", env.smoke()).put("machine", machine).put("settings", settings)
      .put("figures", figures).put("notes", notes).put("charts", charts);
    out.println("== " + env.scenario() + ": " + title);
    out.println(Machine.line(machine));
    out.println("settings: " + settings.encode());
    out.println("runs: " + env.runs() + " (each figure: median of the runs, spread min–max)");
  }

  /** A value of figure {@code key} in the current run. */
  void sample(String key, double value) {
    samples.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
  }

  Stat stat(String key) {
    return new Stat(samples.getOrDefault(key, List.of()));
  }

  /** Prints a progress line (also kept in the JSON notes). */
  void note(String text) {
    out.println("  " + text);
    notes.add(text);
  }

  /** A figure without a reference. */
  void figure(String key, String label, String unit) {
    figure(key, label, unit, null, null);
  }

  /** A figure and its reference (another key of this report); the ratio is taken run by run. */
  void figure(String key, String label, String unit, String referenceKey, String referenceLabel) {
    Stat value = stat(key);
    JsonObject f = new JsonObject().put("key", key).put("label", label).put("unit", unit).mergeIn(value.json());
    StringBuilder line = new StringBuilder(String.format("%-58s %s %s", label, value.text(), unit));
    if (referenceKey != null) {
      Stat ref = stat(referenceKey);
      Stat ratio = value.over(ref);
      f.put("reference", new JsonObject().put("key", referenceKey).put("label", referenceLabel).mergeIn(ref.json()));
      f.put("ratio", ratio.json());
      line.append(String.format("  | %s: %s  | ratio %s", referenceLabel, ref.text(), ratio.text()));
    }
    figures.add(f);
    out.println(line);
  }

  /** A point (x, y) of series {@code series} on chart {@code chart} (medians over the runs of two keys). */
  void chartPoint(String chart, String title, String xLabel, String yLabel, String series, String xKey, String yKey, String label) {
    JsonObject c = charts.getJsonObject(chart);
    if (c == null) {
      c = new JsonObject().put("title", title).put("x", xLabel).put("y", yLabel).put("series", new JsonObject());
      charts.put(chart, c);
    }
    JsonObject all = c.getJsonObject("series");
    JsonArray points = all.getJsonArray(series);
    if (points == null) {
      points = new JsonArray();
      all.put(series, points);
    }
    points.add(new JsonObject().put("x", stat(xKey).median()).put("y", stat(yKey).median()).put("label", label));
  }

  /** Anything else the scenario wants kept (profiles, histograms). */
  void put(String key, Object value) {
    json.put(key, value);
  }

  /** Writes {@code <out>/<scenario>.json} and returns its path. */
  Path write() {
    json.put("seconds", (System.nanoTime() - started) / 1e9);
    json.put("loadAverageAtEnd", Machine.loadAverage());
    JsonObject raw = new JsonObject();
    samples.forEach((k, v) -> raw.put(k, new JsonArray(new ArrayList<>(v))));
    json.put("samples", raw);
    Path file = env.out().resolve(env.scenario() + ".json");
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, json.encodePrettily());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.printf("results: %s (%.0f s)%n", file, (System.nanoTime() - started) / 1e9);
    return file;
  }
}
