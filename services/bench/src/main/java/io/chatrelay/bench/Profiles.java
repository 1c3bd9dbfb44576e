package io.chatrelay.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * With {@code --jfr} every server runs under a flight recording ({@code -XX:StartFlightRecording}); after the
 * scenario this summarises each recording's {@code jdk.ExecutionSample} events: the hottest methods (top frame)
 * and the hottest chatrelay methods (first {@code io.chatrelay} frame of each sample), the same as
 * {@code jfr print --events jdk.ExecutionSample <file>} counted by frame.
 */
final class Profiles {
  private static final int TOP = 15;

  private Profiles() {
  }

  static void attach(BenchEnv env, Report report) {
    JsonObject all = new JsonObject();
    for (Path file : env.recordings()) {
      if (!Files.isRegularFile(file)) continue;
      try {
        JsonObject summary = summarise(file);
        all.put(file.getFileName().toString(), summary);
        report.note("profile " + file + " (" + summary.getLong("samples") + " execution samples):");
        print(report, "hottest methods", summary.getJsonArray("topFrames"));
        print(report, "hottest chatrelay methods", summary.getJsonArray("topChatrelayFrames"));
        print(report, "threads", summary.getJsonArray("threads"));
      } catch (IOException e) {
        report.note("profile " + file + " unreadable: " + e.getMessage());
      }
    }
    if (!all.isEmpty()) report.put("profiles", all);
  }

  private static void print(Report report, String title, JsonArray rows) {
    report.note("  " + title + ":");
    for (Object o : rows) {
      JsonObject r = (JsonObject) o;
      report.note(String.format("    %5.1f%%  %s", 100 * r.getDouble("share"), r.getString("name")));
    }
  }

  static JsonObject summarise(Path file) throws IOException {
    Map<String, Long> top = new HashMap<>();
    Map<String, Long> ours = new HashMap<>();
    Map<String, Long> threads = new HashMap<>();
    long samples = 0;
    try (RecordingFile rf = new RecordingFile(file)) {
      while (rf.hasMoreEvents()) {
        RecordedEvent e = rf.readEvent();
        if (!e.getEventType().getName().equals("jdk.ExecutionSample")) continue;
        RecordedStackTrace st = e.getStackTrace();
        if (st == null || st.getFrames().isEmpty()) continue;
        samples++;
        List<RecordedFrame> frames = st.getFrames();
        top.merge(name(frames.get(0)), 1L, Long::sum);
        frames.stream().filter(f -> f.getMethod().getType().getName().startsWith("io.chatrelay")).findFirst()
          .ifPresent(f -> ours.merge(name(f), 1L, Long::sum));
        String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
        threads.merge(thread == null ? "?" : thread.replaceAll("-[0-9]+$", "-N"), 1L, Long::sum);
      }
    }
    return new JsonObject().put("samples", samples).put("topFrames", rank(top, samples))
      .put("topChatrelayFrames", rank(ours, samples)).put("threads", rank(threads, samples));
  }

  private static String name(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  private static JsonArray rank(Map<String, Long> counts, long total) {
    JsonArray out = new JsonArray();
    counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(TOP)
      .forEach(e -> out.add(new JsonObject().put("name", e.getKey()).put("samples", e.getValue())
        .put("share", total == 0 ? 0.0 : (double) e.getValue() / total)));
    return out;
  }
}
