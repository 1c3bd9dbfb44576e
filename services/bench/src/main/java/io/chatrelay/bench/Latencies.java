package io.chatrelay.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.TimeUnit;

/** Latencies recorded from any thread into an HdrHistogram (3 significant digits, up to 2 minutes). */
final class Latencies {
  private static final long HIGHEST = TimeUnit.MINUTES.toNanos(2);
  private final Recorder recorder = new Recorder(HIGHEST, 3);

  void record(long nanos) {
    recorder.recordValue(Math.max(0, Math.min(nanos, HIGHEST)));
  }

  /** Everything recorded since the last call (and resets). */
  Histogram take() {
    return recorder.getIntervalHistogram();
  }

  /** The latency at {@code percentile} (0-100) in milliseconds. */
  static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e6;
  }
}
