package io.chatrelay.bench;

import org.HdrHistogram.Histogram;

import java.util.Locale;

/**
 * What one load level measured in its window: operations completed, seconds, latencies, failures, and the CPU
 * seconds the servers (and the database) used during the window.
 */
record LoadPoint(long ops, double seconds, Histogram latency, long failures, String firstFailure, double serverCpu,
                 double databaseCpu) {
  double perSecond() {
    return ops / seconds;
  }

  double p50() {
    return Latencies.ms(latency, 50);
  }

  double p99() {
    return Latencies.ms(latency, 99);
  }

  double p999() {
    return Latencies.ms(latency, 99.9);
  }

  String line() {
    return String.format(Locale.ROOT, "%s/s %s, p50 %s ms, p99 %s ms, p99.9 %s ms, server CPU %.2f cores%s%s",
      Stat.number(perSecond()), "(" + ops + " in " + Stat.number(seconds) + " s)", Stat.number(p50()),
      Stat.number(p99()), Stat.number(p999()), serverCpu / seconds,
      databaseCpu > 0 ? String.format(Locale.ROOT, ", PostgreSQL CPU %.2f cores", databaseCpu / seconds) : "",
      failures > 0 ? ", " + failures + " FAILED (first: " + firstFailure + ")" : "");
  }
}
