package io.chatrelay.launcher;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The wnet socket fuzzer's long profile: 1 000 000 inputs (or {@code -Dwnet.fuzz.inputs}) in batches of 50 000,
 * each batch checked as at CI size. Left out of {@code mvn -B verify} (the name does not end in Test); run it with
 * {@code mvn -B -pl services/launcher -am verify -Dtest=WnetSocketFuzzLongProfile -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@ExtendWith(VertxExtension.class)
class WnetSocketFuzzLongProfile {

  @Test
  void aMillionHostileInputsLeaveServeHealthy(Vertx vertx, @TempDir Path dir) throws Exception {
    int inputs = Integer.getInteger("wnet.fuzz.inputs", 1_000_000);
    new WnetSocketFuzzer(WnetSocketFuzzer.seed(), inputs, Math.min(inputs, 50_000)).run(vertx, dir);
  }
}
