package io.chatrelay.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One figure over the runs: its value in each run, the median and the spread (min–max). */
record Stat(List<Double> values) {
  Stat {
    values = List.copyOf(values);
  }

  double median() {
    if (values.isEmpty()) return Double.NaN;
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  double min() {
    return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  double max() {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  /** The run-by-run ratio of this figure to {@code reference} (of the medians when they have unlike counts). */
  Stat over(Stat reference) {
    if (values.size() != reference.values.size()) return new Stat(List.of(median() / reference.median()));
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < Math.min(values.size(), reference.values.size()); i++) {
      ratios.add(values.get(i) / reference.values.get(i));
    }
    return new Stat(ratios);
  }

  JsonObject json() {
    return new JsonObject().put("median", clean(median())).put("min", clean(min())).put("max", clean(max()))
      .put("values", new JsonArray(values.stream().map(Stat::clean).toList()));
  }

  static Stat fromJson(JsonObject json) {
    return new Stat(json.getJsonArray("values").stream().map(v -> v == null ? Double.NaN : ((Number) v).doubleValue()).toList());
  }

  /** "812 (770–910)"; one value alone when all runs agree or there is one run. */
  String text() {
    if (values.isEmpty()) return "-";
    String median = number(median());
    String min = number(min());
    String max = number(max());
    return min.equals(max) ? median : median + " (" + min + "–" + max + ")";
  }

  /** Three significant digits, thousands grouped: 12,300 / 812 / 81.2 / 8.12 / 0.812. */
  static String number(double v) {
    if (Double.isNaN(v)) return "n/a";
    if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
    double a = Math.abs(v);
    if (a >= 1000) return String.format(Locale.ROOT, "%,.0f", (double) Math.round(v / Math.pow(10, digits(a) - 3)) * Math.pow(10, digits(a) - 3));
    if (a >= 100) return String.format(Locale.ROOT, "%.0f", v);
    if (a >= 10) return String.format(Locale.ROOT, "%.1f", v);
    if (a >= 1) return String.format(Locale.ROOT, "%.2f", v);
    if (a == 0) return "0";
    return String.format(Locale.ROOT, "%.3g", v);
  }

  private static int digits(double a) {
    return (int) Math.floor(Math.log10(a)) + 1;
  }

  private static Double clean(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
