package io.chatrelay.store;

import io.vertx.core.buffer.Buffer;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Counts the round trips PostgreSQL clients make, from the bytes they send (a {@link CuttableProxy} tap): each
 * frontend {@code Sync} (the end of an extended-protocol exchange: Parse/Bind/Execute...) and each simple
 * {@code Query} is one request the client then waits for. Every connection's stream is parsed on its own: the
 * startup packet (no type byte), then messages of a type byte and a 4-byte length that counts itself.
 */
final class PgRoundTrips {
  private final AtomicLong count = new AtomicLong();

  long count() {
    return count.get();
  }

  /** A parser for one connection's client-to-server bytes. */
  Consumer<Buffer> newConnection() {
    return new Consumer<>() {
      private Buffer pending = Buffer.buffer();
      private boolean started;

      @Override
      public void accept(Buffer bytes) {
        pending.appendBuffer(bytes);
        int at = 0;
        while (true) {
          int header = started ? 5 : 4;
          if (pending.length() - at < header) break;
          int length = pending.getInt(at + header - 4);
          int total = (started ? 1 : 0) + length;
          if (pending.length() - at < total) break;
          if (started) {
            byte type = pending.getByte(at);
            if (type == 'S' || type == 'Q') count.incrementAndGet();
          }
          started = true;
          at += total;
        }
        pending = pending.getBuffer(at, pending.length());
      }
    };
  }
}
