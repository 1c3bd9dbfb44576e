package io.chatrelay.tchatator.codec;

import io.chatrelay.shared.bus.MessageView;
import io.chatrelay.tchatator.codec.DecoderHarness.QuietClock;

import io.vertx.core.buffer.Buffer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of the Tchatator codecs (issue 7, the proof suite), with jqwik: decoding never throws and never holds
 * more than the limits, whatever the bytes and however they are cut and paused; any valid stream decodes to the
 * requests it was written from, split anywhere, with or without pauses; replies round-trip through the encoder
 * and a client's reading.
 */
class TchatatorCodecPropertiesTest {
  static final long QUIET_MS = 50;
  static final String CONTENT_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789 ,.'?!";
  static final String ACCENTS = "éèàçôœ€";

  /** One request as a client writes it (LF line ends) and what it must decode to. */
  record Written(String text, TchatatorRequest expected) {
    @Override
    public String toString() {
      return text.replace("\n", "\\n");
    }
  }

  // ---- generators -------------------------------------------------------------------------------------------

  static Arbitrary<String> keys() {
    return Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9').withChars("._-")
      .ofMinLength(1).ofMaxLength(64);
  }

  static Arbitrary<Long> ids() {
    return Arbitraries.longs().between(0, 999_999_999_999_999_999L);
  }

  /** A content and the message-length a client may announce for it (null: none, so one line). */
  record Content(String text, Long length) {
  }

  static Arbitrary<String> contentLine(boolean accents) {
    Arbitrary<Character> first = Arbitraries.chars().range('a', 'z');
    Arbitrary<String> rest = Arbitraries.strings().withChars(CONTENT_CHARS + (accents ? ACCENTS : "")).ofMaxLength(30);
    return Combinators.combine(first, rest).as((f, r) -> f + r);
  }

  static Arbitrary<Content> contents() {
    Arbitrary<Content> oneLineWithoutLength = Arbitraries.strings().withChars(CONTENT_CHARS + ACCENTS + ":\t").ofMaxLength(40)
      .map(t -> new Content(t, null));
    // with a length: 1 to 3 lines, counted as the C client (bytes) or the document (characters) count, breaks or not;
    // accents only where the count is in bytes or the content is one line (see ContentAccumulator's preference)
    Arbitrary<Content> withLength = Arbitraries.integers().between(0, 3).flatMap(measure -> {
      boolean bytes = measure % 2 == 0;
      boolean breaks = measure >= 2;
      return Arbitraries.integers().between(1, 3).flatMap(lineCount -> contentLine(bytes || lineCount == 1).list().ofSize(lineCount)
        .map(lines -> {
          String text = String.join("\n", lines);
          long size = bytes ? text.getBytes(StandardCharsets.UTF_8).length - (lineCount - 1) : text.codePointCount(0, text.length()) - (lineCount - 1);
          return new Content(text, size + (breaks ? lineCount - 1 : 0));
        }));
    });
    return Arbitraries.oneOf(oneLineWithoutLength, withLength);
  }

  /** A parameter line of the request being built and its decoded value. */
  record Line(String text, Parameter p, Object value) {
  }

  static Arbitrary<Written> requests() {
    return Arbitraries.of(Command.values()).flatMap(command -> {
      List<Arbitrary<List<Line>>> parts = new ArrayList<>();
      if (command == Command.LOGIN) parts.add(keys().map(k -> List.of(new Line("api-token:" + k, Parameter.API_TOKEN, k))));
      if (command.needsToken()) parts.add(keys().map(k -> List.of(new Line("token:" + k, Parameter.TOKEN, k))));
      for (Parameter p : new Parameter[] {Parameter.RECIPIENT_ID, Parameter.MESSAGE_ID, Parameter.USER_ID}) {
        if (command.required().contains(p)) {
          Arbitrary<String> name = p == Parameter.RECIPIENT_ID ? Arbitraries.of("recipient-id", "receiver-id") : Arbitraries.just(p.wire());
          parts.add(Combinators.combine(name, ids()).as((n, id) -> List.of(new Line(n + ":" + id, p, id))));
        }
      }
      for (Parameter p : new Parameter[] {Parameter.FOR_USER_ID, Parameter.BEFORE_MESSAGE_ID}) {
        if (command.accepts(p)) {
          parts.add(ids().map(id -> List.of(new Line(p.wire() + ":" + id, p, id))).injectNull(0.5).map(l -> l == null ? List.of() : l));
        }
      }
      if (command.accepts(Parameter.CLIENT_ID)) {
        parts.add(keys().map(k -> List.of(new Line("client-id:" + k, Parameter.CLIENT_ID, k))).injectNull(0.5)
          .map(l -> l == null ? List.of() : l));
      }
      Arbitrary<Content> content = command.accepts(Parameter.CONTENT) ? contents() : Arbitraries.just(null);
      Arbitrary<List<List<Line>>> all = parts.isEmpty() ? Arbitraries.just(List.of()) : Combinators.combine(parts).as(l -> l);
      return Combinators.combine(all, content, Arbitraries.randoms()).as((lists, c, random) -> {
        List<Line> lines = new ArrayList<>();
        lists.forEach(lines::addAll);
        if (c != null && c.length() != null) lines.add(new Line("message-length:" + c.length(), Parameter.MESSAGE_LENGTH, c.length()));
        Collections.shuffle(lines, random);
        if (c != null) lines.add(new Line("content:" + c.text(), Parameter.CONTENT, c.text()));
        StringBuilder text = new StringBuilder(command.name()).append('\n');
        Map<Parameter, Object> values = new EnumMap<>(Parameter.class);
        for (Line l : lines) {
          text.append(l.text()).append('\n');
          values.put(l.p(), l.value());
        }
        return new Written(text.toString(), TchatatorRequest.of(command, values));
      });
    });
  }

  /** Cut points in a stream, each with the pause before the next part: none, short or long. */
  record Cut(int at, long pauseMs) {
  }

  /**
   * {@code count} cuts of {@code all}; with {@code longPauses}, a pause longer than the quiet time may fall inside a
   * line or after a blank line, never between two lines of one request (there it rightly ends the request).
   */
  static List<Cut> cuts(Random random, byte[] all, int count, boolean longPauses) {
    List<Cut> cuts = new ArrayList<>();
    random.ints(count, 1, Math.max(2, all.length)).distinct().sorted().forEach(at -> {
      boolean betweenLines = all[at - 1] == '\n';
      boolean afterBlankLine = betweenLines && at >= 2 && (all[at - 2] == '\n' || at >= 4 && all[at - 3] == '\n' && all[at - 2] == '\r');
      boolean longAllowed = longPauses && (!betweenLines || afterBlankLine);
      long pause = switch (random.nextInt(longAllowed ? 3 : 2)) {
        case 0 -> 0;
        case 1 -> QUIET_MS - 1;
        default -> QUIET_MS * 3;
      };
      cuts.add(new Cut(at, pause));
    });
    return cuts;
  }

  static List<Object> decode(byte[] all, List<Cut> cuts) {
    QuietClock clock = new QuietClock(DecoderHarness.DEFAULT_LIMITS, QUIET_MS);
    int from = 0;
    for (Cut c : cuts) {
      if (c.at() >= all.length) break;
      clock.feed(all, from, c.at() - from).pause(c.pauseMs());
      from = c.at();
    }
    return clock.feed(all, from, all.length - from).pause(QUIET_MS).out();
  }

  // ---- properties --------------------------------------------------------------------------------------------

  /** Any valid stream, split anywhere with no pause or pauses shorter than the quiet time, gives its requests. */
  @Property(tries = 300)
  void aValidStreamSplitAnywhereWithShortPausesGivesItsRequests(@ForAll("streams") @Size(min = 1, max = 8) List<Written> stream,
                                                                @ForAll boolean crlf, @ForAll Random random,
                                                                @ForAll @IntRange(min = 0, max = 12) int cutCount) {
    byte[] all = bytes(stream, crlf, false);
    List<Object> expected = stream.stream().map(w -> (Object) w.expected()).toList();
    assertThat(decode(all, List.of())).as("unsplit").isEqualTo(expected);
    assertThat(decode(all, cuts(random, all, cutCount, false))).as("split").isEqualTo(expected);
  }

  /**
   * With a blank line after each request, even pauses longer than the quiet time inside lines and between requests
   * change nothing.
   */
  @Property(tries = 300)
  void aBlankLineTerminatedStreamSplitAnywhereWithAnyPausesGivesItsRequests(
    @ForAll("streams") @Size(min = 1, max = 8) List<Written> stream, @ForAll boolean crlf, @ForAll Random random,
    @ForAll @IntRange(min = 0, max = 12) int cutCount) {
    byte[] all = bytes(stream, crlf, true);
    List<Object> expected = stream.stream().map(w -> (Object) w.expected()).toList();
    assertThat(decode(all, cuts(random, all, cutCount, true))).isEqualTo(expected);
  }

  @Provide
  Arbitrary<List<Written>> streams() {
    return requests().list();
  }

  /**
   * Any bytes — garbage, fragments of the grammar, over-long lines — cut and paused anyhow: the decoder never
   * throws, never holds more than one line plus one request, and hands out at most one result per line (plus
   * one at the end).
   */
  @Property(tries = 500)
  void decodingAnyBytesNeverThrowsNorHoldsMoreThanTheLimits(@ForAll("noise") List<byte[]> fragments,
                                                            @ForAll @IntRange(min = 64, max = 300) int maxLine,
                                                            @ForAll @IntRange(min = 64, max = 900) int maxRequest,
                                                            @ForAll Random random) {
    DecoderLimits limits = new DecoderLimits(maxLine, maxRequest);
    List<Decoded> out = new ArrayList<>();
    TchatatorDecoder decoder = new TchatatorDecoder(() -> limits, out::add);
    int lineEnds = 0;
    for (byte[] f : fragments) {
      for (byte b : f) if (b == '\n') lineEnds++;
      int at = 0;
      while (at < f.length) {
        int n = Math.min(f.length - at, 1 + random.nextInt(64));
        decoder.feed(f, at, n);
        decoder.readEnded();
        at += n;
        assertThat(decoder.heldBytes()).isLessThanOrEqualTo(limits.maxLineBytes() + 1 + limits.maxRequestBytes());
        if (random.nextInt(4) == 0 && decoder.awaitsQuietTime()) decoder.quietTimeElapsed();
      }
    }
    decoder.quietTimeElapsed();
    // a line hands out at most two results (the request it ends, and its own), an over-long line one
    int longLines = fragments.stream().mapToInt(f -> f.length / limits.maxLineBytes() + 1).sum();
    assertThat(out.size()).isLessThanOrEqualTo(2 * (lineEnds + longLines) + 1);
    assertThat(out).allSatisfy(d -> {
      if (d instanceof Malformed m) assertThat(m.reason()).isNotBlank();
    });
  }

  @Provide
  Arbitrary<List<byte[]>> noise() {
    Arbitrary<byte[]> garbage = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
    Arbitrary<byte[]> grammar = requests().map(w -> w.text().getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> words = Arbitraries.of("LOGIN\n", "SEND_MSG\n", "BLOCK_USER\n", "\n", "\r\n", "content:", "message-length:",
      "message-length:99999999\n", "token:", "user-id:-1\n", ":", "\r", "é", "\u00ff", "DISCONNECTED\n", "x".repeat(500))
      .map(s -> s.getBytes(StandardCharsets.UTF_8));
    return Arbitraries.frequencyOf(
      net.jqwik.api.Tuple.of(2, garbage), net.jqwik.api.Tuple.of(3, grammar), net.jqwik.api.Tuple.of(4, words)).list().ofMaxSize(30);
  }

  /** Replies round-trip: what the encoder writes, a client reading as the protocol page says gets back. */
  @Property(tries = 500)
  void repliesRoundTripThroughTheEncoderAndAClientsReading(@ForAll("replies") TchatatorReply reply, @ForAll Random random) {
    Buffer encoded = ReplyEncoder.encode(reply);
    ReplyReader reader = new ReplyReader();
    List<TchatatorReply> read = new ArrayList<>();
    int at = 0;
    while (at < encoded.length()) {
      int n = Math.min(encoded.length() - at, 1 + random.nextInt(40));
      read.addAll(reader.feed(encoded.getBuffer(at, at + n)));
      at += n;
    }
    assertThat(read).containsExactly(reply);
  }

  @Provide
  Arbitrary<TchatatorReply> replies() {
    Arbitrary<String> values = Arbitraries.strings().withChars(CONTENT_CHARS + ACCENTS + ":-_/").ofMaxLength(40);
    Arbitrary<String> fieldKeys = Arbitraries.strings().withCharRange('a', 'z').withChars("-").ofMinLength(1).ofMaxLength(15)
      .filter(k -> !k.equals("count"));
    Arbitrary<TchatatorReply.Field> fields = Combinators.combine(fieldKeys, values).as(TchatatorReply.Field::new);
    Arbitrary<String> anyContent = Arbitraries.strings().withChars(CONTENT_CHARS + ACCENTS + "\n\r:").ofMaxLength(120);
    Arbitrary<Long> instants = Arbitraries.longs().between(0, 4_000_000_000_000L);
    Arbitrary<MessageView> messages = Combinators.combine(ids(), ids(), ids(), Arbitraries.of("sent", "received"), anyContent,
        instants, instants.injectNull(0.5), Arbitraries.of(true, false))
      .as((id, from, to, direction, content, sent, modified, read) ->
        new MessageView(id, from, to, direction, content, sent, modified, modified == null ? null : "modifié il y a 2 heures", read));
    return Combinators.combine(Arbitraries.of(ReplyStatus.values()), values, fields.list().ofMaxSize(5),
        messages.list().ofMaxSize(3).injectNull(0.5))
      .as((status, text, more, listed) -> {
        List<TchatatorReply.Field> all = new ArrayList<>();
        all.add(new TchatatorReply.Field("message", text));
        all.addAll(more);
        return new TchatatorReply(status, all, listed);
      });
  }

  /** A value with a line break cannot break the reply's framing: it is written with spaces instead. */
  @Property(tries = 200)
  void lineBreaksInFieldValuesNeverSplitAReply(@ForAll("valuesWithBreaks") String value) {
    TchatatorReply reply = TchatatorReply.of(ReplyStatus.OK, "ok").with("note", value);
    List<TchatatorReply> read = new ReplyReader().feed(ReplyEncoder.encode(reply));
    assertThat(read).hasSize(1);
    assertThat(read.get(0).field("note")).isEqualTo(value.replace('\r', ' ').replace('\n', ' '));
  }

  @Provide
  Arbitrary<String> valuesWithBreaks() {
    return Arbitraries.strings().withChars(CONTENT_CHARS + ACCENTS + "\r\n").ofMaxLength(40);
  }

  private static byte[] bytes(List<Written> stream, boolean crlf, boolean blankAfterEach) {
    StringBuilder text = new StringBuilder();
    for (Written w : stream) {
      text.append(w.text());
      if (blankAfterEach) text.append('\n');
    }
    String lf = text.toString();
    return (crlf ? lf.replace("\n", "\r\n") : lf).getBytes(StandardCharsets.UTF_8);
  }
}
