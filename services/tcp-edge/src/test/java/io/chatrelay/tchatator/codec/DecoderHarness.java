package io.chatrelay.tchatator.codec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Feeds a decoder the ways a socket may deliver bytes and gives what came out, malformed ones as {@link Bad}. */
final class DecoderHarness {
  /** A malformed request, by its reason only (the detail text is for people). */
  record Bad(String reason) {
  }

  static final DecoderLimits DEFAULT_LIMITS = new DecoderLimits(8192, 16384);

  private DecoderHarness() {
  }

  /** All bytes in one feed, then the input pauses. */
  static List<Object> whole(String input, DecoderLimits limits) {
    return run(limits, d -> d.feed(bytes(input)));
  }

  /** One byte per feed, then the input pauses. */
  static List<Object> byteByByte(String input, DecoderLimits limits) {
    byte[] all = bytes(input);
    return run(limits, d -> {
      for (int i = 0; i < all.length; i++) d.feed(all, i, 1);
    });
  }

  /** Chunks of random sizes (fixed seed), then the input pauses. */
  static List<Object> randomChunks(String input, DecoderLimits limits, long seed) {
    byte[] all = bytes(input);
    Random random = new Random(seed);
    return run(limits, d -> {
      int at = 0;
      while (at < all.length) {
        int n = Math.min(all.length - at, 1 + random.nextInt(23));
        d.feed(all, at, n);
        at += n;
      }
    });
  }

  private static List<Object> run(DecoderLimits limits, java.util.function.Consumer<TchatatorDecoder> feeding) {
    Recorder r = new Recorder(() -> limits);
    feeding.accept(r.decoder);
    r.pause();
    return r.out();
  }

  /** A decoder and what it has handed out so far. */
  static final class Recorder {
    final TchatatorDecoder decoder;
    final List<Decoded> decoded = new ArrayList<>();

    Recorder(java.util.function.Supplier<DecoderLimits> limits) {
      decoder = new TchatatorDecoder(limits, decoded::add);
    }

    Recorder(DecoderLimits limits) {
      this(() -> limits);
    }

    Recorder feed(byte[] bytes) {
      decoder.feed(bytes);
      return this;
    }

    Recorder feed(String text) {
      return feed(bytes(text));
    }

    /** The end of a read and of the quiet time after it. */
    Recorder pause() {
      decoder.readEnded();
      decoder.quietTimeElapsed();
      return this;
    }

    /** What came out, malformed requests as {@link Bad}. */
    List<Object> out() {
      return decoded.stream().map(d -> d instanceof Malformed m ? (Object) new Bad(m.reason()) : d).toList();
    }
  }

  /**
   * A decoder driven as the session drives it, on a fake clock: each feed is one read; after it, if the decoder
   * awaits the quiet time, a timer is (re)armed for {@code quietMs}; {@link #pause} moves the clock and fires the timer when due.
   */
  static final class QuietClock {
    final Recorder recorder;
    private final long quietMs;
    private long now;
    private long deadline = -1;

    QuietClock(DecoderLimits limits, long quietMs) {
      this.recorder = new Recorder(limits);
      this.quietMs = quietMs;
    }

    QuietClock feed(byte[] data, int offset, int length) {
      recorder.decoder.feed(data, offset, length);
      recorder.decoder.readEnded();
      deadline = recorder.decoder.awaitsQuietTime() ? now + quietMs : -1;
      return this;
    }

    QuietClock feed(String text) {
      byte[] b = bytes(text);
      return feed(b, 0, b.length);
    }

    /** No byte for {@code ms}: the timer fires if it was due meanwhile. */
    QuietClock pause(long ms) {
      now += ms;
      if (deadline >= 0 && now >= deadline) {
        deadline = -1;
        recorder.decoder.quietTimeElapsed();
      }
      return this;
    }

    boolean timerArmed() {
      return deadline >= 0;
    }

    List<Object> out() {
      return recorder.out();
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code req(SEND_MSG, TOKEN, "k", RECIPIENT_ID, 42L, CONTENT, "hi")} */
  static TchatatorRequest req(Command command, Object... keyValues) {
    Map<Parameter, Object> values = new EnumMap<>(Parameter.class);
    for (int i = 0; i < keyValues.length; i += 2) values.put((Parameter) keyValues[i], keyValues[i + 1]);
    return TchatatorRequest.of(command, values);
  }

  static Bad bad(String reason) {
    return new Bad(reason);
  }
}
