package io.chatrelay.launcher;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Tchatator socket fuzzer at CI size: 20 000 random and mutated requests against a real {@code serve} process,
 * checked after each of 10 batches (see {@link TchatatorFuzzer}). The seed is printed; set
 * {@code -Dchatrelay.fuzz.seed=<n>} to replay a run. The long profile is {@link TchatatorFuzzBenchmark}.
 */
@ExtendWith(VertxExtension.class)
class TchatatorFuzzTest {
  static final long INPUTS = 20_000;

  @Test
  void twentyThousandFuzzedInputsLeaveTheEdgeAliveReadyAndServing(Vertx vertx, @TempDir Path dir) throws Exception {
    long seed = Long.getLong("chatrelay.fuzz.seed", System.nanoTime());
    System.out.println("Tchatator fuzz seed " + seed);
    TchatatorFuzzer.Figures figures = new TchatatorFuzzer(vertx, dir, seed).run(INPUTS, INPUTS / 10);
    System.out.println("Tchatator fuzz: " + figures);
    assertThat(figures.inputs()).isEqualTo(INPUTS);
    assertThat(figures.bytesReceived()).as("the edge answered").isPositive();
  }
}
