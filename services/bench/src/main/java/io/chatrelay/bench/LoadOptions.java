package io.chatrelay.bench;

import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;

/** The measured window of each load level and its warm-up (a picocli mixin of the load scenarios). */
final class LoadOptions {
  @Option(names = "--seconds", description = "Measured seconds per level. Default: ${DEFAULT-VALUE}.")
  double seconds = 3;

  @Option(names = "--warmup", description = "Warm-up seconds before each measured window. Default: ${DEFAULT-VALUE}.")
  double warmup = 1;

  /** The sizes of a smoke run. */
  void smoke() {
    seconds = 0.4;
    warmup = 0.2;
  }

  Duration window() {
    return Duration.ofMillis((long) (seconds * 1000));
  }

  Duration warm() {
    return Duration.ofMillis((long) (warmup * 1000));
  }

  /** The relay scenarios' options: echo bots, open-loop rates, message size. */
  static final class Relay {
    @Option(names = "--bots", description = "Echo bots (client i talks to bot i mod B). Default: ${DEFAULT-VALUE}.")
    int bots = 4;

    @Option(names = "--open-load", split = ",",
      description = "Open-loop rates as fractions of the best closed-loop rate of the reference setup. Default: ${DEFAULT-VALUE}.")
    List<Double> openLoad = List.of(0.5);

    @Option(names = "--message-bytes", description = "Size of each message. Default: ${DEFAULT-VALUE}.")
    int messageBytes = 100;
  }
}
