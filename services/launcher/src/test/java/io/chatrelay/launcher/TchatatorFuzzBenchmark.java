package io.chatrelay.launcher;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The Tchatator socket fuzzer's long profile: 1 000 000 inputs (or {@code -Dchatrelay.fuzz.inputs=<n>}) in batches
 * of 20 000, each followed by the health checks of {@link TchatatorFuzzer}. Left out of {@code mvn -B verify}; run:
 * {@code mvn -B -pl services/launcher -am verify -Dtest=TchatatorFuzzBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * and read {@code services/launcher/target/surefire-reports/io.chatrelay.launcher.TchatatorFuzzBenchmark-output.txt}.
 */
@ExtendWith(VertxExtension.class)
class TchatatorFuzzBenchmark {
  @Test
  void aMillionFuzzedInputs(Vertx vertx, @TempDir Path dir) throws Exception {
    long inputs = Long.getLong("chatrelay.fuzz.inputs", 1_000_000);
    long seed = Long.getLong("chatrelay.fuzz.seed", System.nanoTime());
    System.out.println("Tchatator fuzz (long profile) seed " + seed);
    System.out.println("Tchatator fuzz (long profile): " + new TchatatorFuzzer(vertx, dir, seed).run(inputs, 20_000));
  }
}
