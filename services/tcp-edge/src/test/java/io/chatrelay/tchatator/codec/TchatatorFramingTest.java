package io.chatrelay.tchatator.codec;

import io.chatrelay.tchatator.codec.DecoderHarness.QuietClock;
import io.chatrelay.tchatator.codec.TchatatorDecoderTest.Form;
import io.chatrelay.tchatator.codec.TchatatorDecoderTest.LineEnd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.chatrelay.tchatator.codec.Command.BLOCK_USER;
import static io.chatrelay.tchatator.codec.Command.DEL_MSG;
import static io.chatrelay.tchatator.codec.Command.GET_HISTORY;
import static io.chatrelay.tchatator.codec.Command.SEND_MSG;
import static io.chatrelay.tchatator.codec.DecoderHarness.DEFAULT_LIMITS;
import static io.chatrelay.tchatator.codec.DecoderHarness.bad;
import static io.chatrelay.tchatator.codec.DecoderHarness.bytes;
import static io.chatrelay.tchatator.codec.DecoderHarness.req;
import static io.chatrelay.tchatator.codec.Parameter.BEFORE_MESSAGE_ID;
import static io.chatrelay.tchatator.codec.Parameter.CLIENT_ID;
import static io.chatrelay.tchatator.codec.Parameter.CONTENT;
import static io.chatrelay.tchatator.codec.Parameter.FOR_USER_ID;
import static io.chatrelay.tchatator.codec.Parameter.MESSAGE_ID;
import static io.chatrelay.tchatator.codec.Parameter.MESSAGE_LENGTH;
import static io.chatrelay.tchatator.codec.Parameter.RECIPIENT_ID;
import static io.chatrelay.tchatator.codec.Parameter.TOKEN;
import static io.chatrelay.tchatator.codec.Parameter.USER_ID;
import static io.chatrelay.tchatator.codec.TchatatorDecoderTest.KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Framing does not depend on how TCP splits the bytes (issue 7, item 8): every request of the reference page,
 * split at every byte boundary with a pause shorter than the quiet time between the two parts, decodes exactly as
 * the unsplit stream; a request with all its parameters ends at once (the C client's one write is never held);
 * one whose optional parameter may still come ends only at a blank line, a command line or the quiet time.
 * The session's timer is played by {@link QuietClock} (a fake clock).
 */
class TchatatorFramingTest {
  static final long QUIET_MS = 50;
  /** A pause a TCP segment boundary may bring: shorter than the quiet time. */
  static final long SHORT_PAUSE_MS = QUIET_MS - 1;

  static Stream<Arguments> everyFormAndLineEnd() {
    List<Arguments> out = new ArrayList<>();
    for (Form f : TchatatorDecoderTest.referenceForms()) {
      for (LineEnd end : LineEnd.values()) out.add(Arguments.of(f, end));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} / {1}")
  @MethodSource("everyFormAndLineEnd")
  void splitAtEveryByteWithAShortPauseDecodesAsTheUnsplitStream(Form form, LineEnd end) {
    byte[] all = bytes(end.apply(form.input()));
    List<Object> unsplit = new QuietClock(DEFAULT_LIMITS, QUIET_MS).feed(all, 0, all.length).pause(QUIET_MS).out();
    assertThat(unsplit).isEqualTo(form.expected());
    for (int cut = 1; cut < all.length; cut++) {
      List<Object> split = new QuietClock(DEFAULT_LIMITS, QUIET_MS)
        .feed(all, 0, cut).pause(SHORT_PAUSE_MS).feed(all, cut, all.length - cut).pause(QUIET_MS).out();
      assertThat(split).as("split after byte %d of %d", cut, all.length).isEqualTo(unsplit);
    }
  }

  /** Every reference form back to back, split at every byte: the requests around each cut are not merged or cut. */
  @Test
  void theWholeReferenceStreamSplitAtEveryByteDecodesAsUnsplit() {
    StringBuilder input = new StringBuilder();
    List<Object> expected = new ArrayList<>();
    for (Form f : TchatatorDecoderTest.referenceForms()) {
      input.append(f.input());
      expected.addAll(f.expected());
    }
    byte[] all = bytes(input.toString());
    for (int cut = 1; cut < all.length; cut++) {
      List<Object> split = new QuietClock(DEFAULT_LIMITS, QUIET_MS)
        .feed(all, 0, cut).pause(SHORT_PAUSE_MS).feed(all, cut, all.length - cut).pause(QUIET_MS).out();
      assertThat(split).as("split after byte %d", cut).isEqualTo(expected);
    }
  }

  /** A pause longer than the quiet time inside a line never ends anything: the line is waited for. */
  @ParameterizedTest(name = "{0} / {1}")
  @MethodSource("everyFormAndLineEnd")
  void aLongPauseInsideALineChangesNothing(Form form, LineEnd end) {
    byte[] all = bytes(end.apply(form.input()));
    for (int cut = 1; cut < all.length; cut++) {
      if (all[cut - 1] == '\n') continue; // a cut at a line end: the quiet time may rightly end a request there
      List<Object> split = new QuietClock(DEFAULT_LIMITS, QUIET_MS)
        .feed(all, 0, cut).pause(10 * QUIET_MS).feed(all, cut, all.length - cut).pause(QUIET_MS).out();
      assertThat(split).as("long pause after byte %d", cut).isEqualTo(form.expected());
    }
  }

  /** The C client's exact bytes, one write per request: decoded at once, no timer armed. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cClientForms")
  void aRequestWithAllItsParametersEndsAtOnce(Form form) {
    QuietClock clock = new QuietClock(DEFAULT_LIMITS, QUIET_MS).feed(form.input());
    assertThat(clock.out()).isEqualTo(form.expected());
    assertThat(clock.timerArmed()).isFalse();
  }

  static Stream<Form> cClientForms() {
    return TchatatorDecoderTest.referenceForms().stream()
      .filter(f -> f.name().startsWith("C ") && !f.name().contains("characters"));
  }

  /** Issue 7's example: for-user-id in a second TCP segment is the block's, not a new request. */
  @Test
  void anOptionalParameterInALaterSegmentBelongsToTheRequest() {
    QuietClock clock = new QuietClock(DEFAULT_LIMITS, QUIET_MS).feed("BLOCK_USER\ntoken:" + KEY + "\nuser-id:7\n");
    assertThat(clock.out()).as("for-user-id may still come").isEmpty();
    assertThat(clock.timerArmed()).isTrue();
    clock.pause(SHORT_PAUSE_MS).feed("for-user-id:3\n");
    assertThat(clock.out()).containsExactly(req(BLOCK_USER, TOKEN, KEY, USER_ID, 7L, FOR_USER_ID, 3L));
    assertThat(clock.timerArmed()).isFalse();
  }

  @Test
  void aRequestWithoutItsOptionalParameterEndsAtTheQuietTimeABlankLineOrTheNextCommand() {
    String block = "BLOCK_USER\ntoken:" + KEY + "\nuser-id:7\n";
    TchatatorRequest blockAll = req(BLOCK_USER, TOKEN, KEY, USER_ID, 7L);
    QuietClock quiet = new QuietClock(DEFAULT_LIMITS, QUIET_MS).feed(block).pause(SHORT_PAUSE_MS);
    assertThat(quiet.out()).isEmpty();
    assertThat(quiet.pause(1).out()).containsExactly(blockAll);

    assertThat(new QuietClock(DEFAULT_LIMITS, QUIET_MS).feed(block + "\n").out()).containsExactly(blockAll);
    assertThat(new QuietClock(DEFAULT_LIMITS, QUIET_MS).feed(block + "GET_HISTORY\ntoken:" + KEY + "\nbefore-message-id:4\n").out())
      .containsExactly(blockAll, req(GET_HISTORY, TOKEN, KEY, BEFORE_MESSAGE_ID, 4L));
  }

  /** A content whose candidate end a further line may extend is not cut by a short pause at that line end. */
  @Test
  void aContentIsNotCutAtAPause() {
    String head = "SEND_MSG\ntoken:" + KEY + "\nreceiver-id:3\nmessage-length:161\ncontent:";
    String text = TchatatorDecoderTest.WRAPPED_TRAP;
    int afterSecondLine = text.lastIndexOf('\n') + 1;
    QuietClock clock = new QuietClock(DEFAULT_LIMITS, QUIET_MS).feed(head + text.substring(0, afterSecondLine));
    assertThat(clock.timerArmed()).as("80 + break + 80 already measures 161").isTrue();
    clock.pause(SHORT_PAUSE_MS).feed(text.substring(afterSecondLine) + "\n");
    assertThat(clock.out()).containsExactly(req(SEND_MSG, TOKEN, KEY, RECIPIENT_ID, 3L, MESSAGE_LENGTH, 161L, CONTENT, text));
  }

  @Test
  void aContentWithoutACandidateEndWaitsOverAnyPause() {
    QuietClock clock = new QuietClock(DEFAULT_LIMITS, QUIET_MS)
      .feed("SEND_MSG\ntoken:" + KEY + "\nreceiver-id:3\nmessage-length:170\ncontent:" + "a".repeat(80) + "\n");
    assertThat(clock.timerArmed()).isFalse();
    clock.pause(100 * QUIET_MS).feed(TchatatorDecoderTest.WRAPPED.substring(81) + "\n");
    assertThat(clock.out()).hasSize(1);
  }

  /** Issue 7, item 9: a request refused at its blank line skips nothing; the next block gets its own reply. */
  @Test
  void afterARequestRefusedAtABlankLineTheNextBlockIsJudged() {
    QuietClock clock = new QuietClock(DEFAULT_LIMITS, QUIET_MS).feed("DEL_MSG\ntoken:" + KEY + "\n\ntoken:x\n");
    assertThat(clock.out()).containsExactly(bad("missing-parameter"), bad("missing-command"));
  }

  @Test
  void aRequestRefusedMidwaySkipsItsRestInTheSameReadOnly() {
    QuietClock clock = new QuietClock(DEFAULT_LIMITS, QUIET_MS).feed("DEL_MSG\ntoken:" + KEY + "\nmessage-id:x\nuser-id:3\n");
    assertThat(clock.timerArmed()).isFalse();
    clock.pause(1).feed("token:y\n");
    assertThat(clock.out()).as("the line in the same read is the refused request's; the next read is new (its sender may "
      + "have read the 416 and sent its next block at once)").containsExactly(bad("bad-number"), bad("missing-command"));
  }

  @Test
  void sendMsgTakesAClientIdBeforeItsContent() {
    QuietClock clock = new QuietClock(DEFAULT_LIMITS, QUIET_MS)
      .feed("SEND_MSG\ntoken:" + KEY + "\nclient-id:retry-42\nmessage-length:5\nreceiver-id:3\ncontent:hello\n");
    assertThat(clock.out()).containsExactly(
      req(SEND_MSG, TOKEN, KEY, CLIENT_ID, "retry-42", MESSAGE_LENGTH, 5L, RECIPIENT_ID, 3L, CONTENT, "hello"));
    assertThat(req(SEND_MSG, TOKEN, KEY, CLIENT_ID, "retry-42", RECIPIENT_ID, 3L, CONTENT, "x").toString())
      .isEqualTo("SEND_MSG token:*** recipient-id:3 client-id:retry-42 content:(1 chars)");
    assertThat(new QuietClock(DEFAULT_LIMITS, QUIET_MS).feed("DEL_MSG\ntoken:" + KEY + "\nclient-id:a\n").out())
      .as("an extension of SEND_MSG only").containsExactly(bad("unknown-parameter"));
    assertThat(new QuietClock(DEFAULT_LIMITS, QUIET_MS).feed("DEL_MSG\ntoken:" + KEY + "\nmessage-id:2\n").out())
      .containsExactly(req(DEL_MSG, TOKEN, KEY, MESSAGE_ID, 2L));
  }
}
