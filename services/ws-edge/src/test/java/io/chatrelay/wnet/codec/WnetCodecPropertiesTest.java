package io.chatrelay.wnet.codec;

import io.chatrelay.wnet.codec.WnetCommand.Add;
import io.chatrelay.wnet.codec.WnetCommand.Alive;
import io.chatrelay.wnet.codec.WnetCommand.Connect;
import io.chatrelay.wnet.codec.WnetCommand.CsSend;
import io.chatrelay.wnet.codec.WnetCommand.Disconnect;
import io.chatrelay.wnet.codec.WnetCommand.Invalid;
import io.chatrelay.wnet.codec.WnetCommand.ScSend;
import io.chatrelay.wnet.codec.WnetCommand.Search;
import io.chatrelay.wnet.codec.WnetCommand.Unknown;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of the wnet codec over generated frames: decoding never throws and never yields more than the
 * frame held (fields are parts of it, echoed words are cut, bot names keep their rule), and every well-formed
 * command survives encode then decode, the message keeping every {@code @} after the second one.
 */
class WnetCodecPropertiesTest {
  /** The largest frame the edge passes to the codec by default ({@code wnet.max-frame-bytes}). */
  private static final int MAX_FRAME = 65_536;
  /** Longest error text the codec writes itself (its fixed texts plus a word cut to 32 characters). */
  private static final int MAX_REASON = 120;
  private static final List<String> WORDS = List.of("add", "alive", "scsend", "search", "connect", "cssend", "disconnect");

  /** Any text, biased to what breaks parsers: '@' runs, a command word in front, control and non-BMP characters. */
  @Provide
  Arbitrary<String> frames() {
    Arbitrary<String> noise = Arbitraries.strings().all().ofMaxLength(300);
    Arbitrary<String> ats = Arbitraries.strings().withChars("@@@aZ9 é🙂\u0000").ofMaxLength(100);
    Arbitrary<String> commandLike = Combinators.combine(Arbitraries.of(WORDS), Arbitraries.of("", "@", "@@"), Arbitraries.oneOf(noise, ats))
      .as((w, sep, rest) -> w + sep + rest);
    Arbitrary<String> huge = Arbitraries.strings().withChars("@aB").ofMinLength(MAX_FRAME - 100).ofMaxLength(MAX_FRAME);
    return Arbitraries.frequencyOf(
      net.jqwik.api.Tuple.of(4, noise), net.jqwik.api.Tuple.of(3, ats), net.jqwik.api.Tuple.of(6, commandLike),
      net.jqwik.api.Tuple.of(1, huge));
  }

  @Property(tries = 3000)
  void decodingNeverThrowsAndStaysWithinTheFrame(@ForAll("frames") String frame) {
    WnetCommand command = WnetCodec.decode(frame);
    assertThat(command).isNotNull();
    if (command instanceof WnetCommand.Rejected r) {
      assertThat(r.reason()).isNotEmpty().hasSizeLessThanOrEqualTo(MAX_REASON);
      if (r instanceof Unknown u) assertThat(u.command().length()).isLessThanOrEqualTo(WnetCodec.MAX_ECHOED_COMMAND);
      if (r instanceof Invalid i) assertThat(WORDS).contains(i.command());
      return;
    }
    // a decoded command is exactly its frame: nothing added, nothing dropped
    assertThat(WnetCodec.encode(command)).isEqualTo(frame);
    if (command instanceof Add a) assertThat(a.name()).matches("[A-Za-z]{1,18}");
    if (command instanceof Connect c) assertThat(c.bot()).matches("[A-Za-z]{1,18}");
    if (command instanceof Disconnect d) assertThat(d.bot()).matches("[A-Za-z]{1,18}");
    if (command instanceof CsSend c) assertThat(c.bot()).matches("[A-Za-z]{1,18}");
    if (command instanceof ScSend s) assertThat(s.sid()).isNotEmpty().doesNotContain("@");
    if (command instanceof Search s) assertThat(s.prefix()).doesNotContain("@");
  }

  @Provide
  Arbitrary<String> botNames() {
    return Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').ofMinLength(1).ofMaxLength(18);
  }

  /** Messages: anything, with plenty of '@' (the part the protocol never escapes). */
  @Provide
  Arbitrary<String> messages() {
    return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(200),
      Arbitraries.strings().withChars("@ a\n🙂").ofMaxLength(60));
  }

  @Provide
  Arbitrary<WnetCommand> commands() {
    Arbitrary<String> sids = Arbitraries.strings().all().ofMinLength(1).ofMaxLength(30).filter(s -> s.indexOf('@') < 0);
    Arbitrary<String> prefixes = Arbitraries.strings().all().ofMaxLength(20).filter(s -> s.indexOf('@') < 0);
    return Arbitraries.oneOf(
      botNames().map(Add::new),
      Arbitraries.just(new Alive()),
      Combinators.combine(sids, messages()).as(ScSend::new),
      prefixes.map(Search::new),
      botNames().map(Connect::new),
      Combinators.combine(botNames(), messages()).as(CsSend::new),
      botNames().map(Disconnect::new));
  }

  @Property(tries = 3000)
  void everyWellFormedCommandRoundTrips(@ForAll("commands") WnetCommand command) {
    assertThat(WnetCodec.decode(WnetCodec.encode(command))).isEqualTo(command);
  }

  @Property(tries = 2000)
  void theMessageIsEverythingAfterTheSecondAt(@ForAll("botNames") String bot, @ForAll("messages") String message) {
    String frame = "cssend@" + bot + "@" + message;
    assertThat(WnetCodec.decode(frame)).isEqualTo(new CsSend(bot, message));
    // and what the other side gets is rebuilt the same way every public peer does it
    String relayed = new WnetReply.Mess(bot, message).frame();
    String[] parts = relayed.split("@", 3);
    assertThat(parts[2]).isEqualTo(message);
  }
}
