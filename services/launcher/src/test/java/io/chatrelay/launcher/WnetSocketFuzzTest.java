package io.chatrelay.launcher;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The wnet socket fuzzer at CI size: 20 000 random and mutated handshakes and frames against one {@code serve}
 * process, checked after each batch of 5 000 (see {@link WnetSocketFuzzer}). The long profile is
 * {@link WnetSocketFuzzLongProfile}, run by name.
 */
@ExtendWith(VertxExtension.class)
class WnetSocketFuzzTest {

  @Test
  void twentyThousandHostileInputsLeaveServeHealthy(Vertx vertx, @TempDir Path dir) throws Exception {
    new WnetSocketFuzzer(WnetSocketFuzzer.seed(), 20_000, 5_000).run(vertx, dir);
  }
}
