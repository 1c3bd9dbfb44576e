package io.chatrelay.tchatator.codec;

import io.chatrelay.tchatator.codec.DecoderHarness.Recorder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import static io.chatrelay.tchatator.codec.Command.BAN_USER;
import static io.chatrelay.tchatator.codec.Command.BLOCK_USER;
import static io.chatrelay.tchatator.codec.Command.DEL_MSG;
import static io.chatrelay.tchatator.codec.Command.DISCONNECTED;
import static io.chatrelay.tchatator.codec.Command.GET_HISTORY;
import static io.chatrelay.tchatator.codec.Command.GET_UNREAD;
import static io.chatrelay.tchatator.codec.Command.LOGIN;
import static io.chatrelay.tchatator.codec.Command.SEND_MSG;
import static io.chatrelay.tchatator.codec.Command.SUBSCRIBE;
import static io.chatrelay.tchatator.codec.Command.UNBAN_USER;
import static io.chatrelay.tchatator.codec.Command.UNBLOCK_USER;
import static io.chatrelay.tchatator.codec.Command.UNSUBSCRIBE;
import static io.chatrelay.tchatator.codec.Command.UPDT_MSG;
import static io.chatrelay.tchatator.codec.DecoderHarness.DEFAULT_LIMITS;
import static io.chatrelay.tchatator.codec.DecoderHarness.bad;
import static io.chatrelay.tchatator.codec.DecoderHarness.bytes;
import static io.chatrelay.tchatator.codec.DecoderHarness.req;
import static io.chatrelay.tchatator.codec.Parameter.API_TOKEN;
import static io.chatrelay.tchatator.codec.Parameter.BEFORE_MESSAGE_ID;
import static io.chatrelay.tchatator.codec.Parameter.CONTENT;
import static io.chatrelay.tchatator.codec.Parameter.FOR_USER_ID;
import static io.chatrelay.tchatator.codec.Parameter.MESSAGE_ID;
import static io.chatrelay.tchatator.codec.Parameter.MESSAGE_LENGTH;
import static io.chatrelay.tchatator.codec.Parameter.RECIPIENT_ID;
import static io.chatrelay.tchatator.codec.Parameter.TOKEN;
import static io.chatrelay.tchatator.codec.Parameter.USER_ID;
import static org.assertj.core.api.Assertions.assertThat;

class TchatatorDecoderTest {
  static final String KEY = "3f9a1c0b7d2e4f6a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a";
  static final String DOC_KEY = "b0wv0hMUifIjxAFA1CXI5mcR8pB41L697FfdXjQvs5bG...";
  static final String DOC_TEXT = "Bonjour, comment ça va ?";
  /** 170 characters as the C client sends them: a line break inserted after every 80. */
  static final String WRAPPED = "a".repeat(80) + "\n" + "b".repeat(80) + "\n" + "c".repeat(10);
  /** 161 bytes wrapped as 80 + 80 + 1: the first two lines with their break also measure 161. */
  static final String WRAPPED_TRAP = "x".repeat(80) + "\n" + "y".repeat(80) + "\n" + "z";
  static final String ACCENTED = "é".repeat(80) + "\n" + "è".repeat(5);

  /** One way a client writes a request (in LF form) and what the decoder must make of it. */
  record Form(String name, String input, List<Object> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Form form(String name, String input, Object... expected) {
    return new Form(name, input, List.of(expected));
  }

  /** Every request form of the reference page: the document's, then the C client's exact bytes. */
  static List<Form> referenceForms() {
    return List.of(
      form("doc LOGIN", "LOGIN\napi-token:" + DOC_KEY + "\n", req(LOGIN, API_TOKEN, DOC_KEY)),
      form("doc SEND_MSG, length in characters (24)",
        "SEND_MSG\ntoken:" + DOC_KEY + "\nrecipient-id:42\nmessage-length:24\ncontent:" + DOC_TEXT + "\n",
        req(SEND_MSG, TOKEN, DOC_KEY, RECIPIENT_ID, 42L, MESSAGE_LENGTH, 24L, CONTENT, DOC_TEXT)),
      form("doc SEND_MSG, length in bytes (25)",
        "SEND_MSG\ntoken:" + DOC_KEY + "\nrecipient-id:42\nmessage-length:25\ncontent:" + DOC_TEXT + "\n",
        req(SEND_MSG, TOKEN, DOC_KEY, RECIPIENT_ID, 42L, MESSAGE_LENGTH, 25L, CONTENT, DOC_TEXT)),
      form("doc LOGIN then SEND_MSG separated by a blank line",
        "LOGIN\napi-token:" + DOC_KEY + "\n\nSEND_MSG\ntoken:" + DOC_KEY + "\nrecipient-id:42\nmessage-length:24\ncontent:"
          + DOC_TEXT + "\n",
        req(LOGIN, API_TOKEN, DOC_KEY),
        req(SEND_MSG, TOKEN, DOC_KEY, RECIPIENT_ID, 42L, MESSAGE_LENGTH, 24L, CONTENT, DOC_TEXT)),
      form("doc UPDT_MSG without length", "UPDT_MSG\ntoken:" + KEY + "\nmessage-id:7\ncontent:Nouveau texte\n",
        req(UPDT_MSG, TOKEN, KEY, MESSAGE_ID, 7L, CONTENT, "Nouveau texte")),
      form("doc DEL_MSG", "DEL_MSG\ntoken:" + KEY + "\nmessage-id:7\n", req(DEL_MSG, TOKEN, KEY, MESSAGE_ID, 7L)),
      form("doc BLOCK_USER without for-user-id", "BLOCK_USER\ntoken:" + KEY + "\nuser-id:5\n",
        req(BLOCK_USER, TOKEN, KEY, USER_ID, 5L)),
      form("doc BAN_USER", "BAN_USER\ntoken:" + KEY + "\nuser-id:5\n", req(BAN_USER, TOKEN, KEY, USER_ID, 5L)),
      form("doc SEND_MSG without message-length: one line of content",
        "SEND_MSG\ntoken:" + KEY + "\nrecipient-id:3\ncontent:salut\n",
        req(SEND_MSG, TOKEN, KEY, RECIPIENT_ID, 3L, CONTENT, "salut")),

      form("C LOGIN", "LOGIN\napi-token:" + KEY + "\n", req(LOGIN, API_TOKEN, KEY)),
      form("C SEND_MSG, UTF-8 bytes", "SEND_MSG\ntoken:" + KEY + "\nmessage-length:25\nreceiver-id:3\ncontent:" + DOC_TEXT + "\n",
        req(SEND_MSG, TOKEN, KEY, RECIPIENT_ID, 3L, MESSAGE_LENGTH, 25L, CONTENT, DOC_TEXT)),
      form("C SEND_MSG wrapped, breaks not counted", "SEND_MSG\ntoken:" + KEY + "\nmessage-length:170\nreceiver-id:3\ncontent:" + WRAPPED + "\n",
        req(SEND_MSG, TOKEN, KEY, RECIPIENT_ID, 3L, MESSAGE_LENGTH, 170L, CONTENT, WRAPPED)),
      form("C SEND_MSG wrapped, breaks counted", "SEND_MSG\ntoken:" + KEY + "\nmessage-length:172\nreceiver-id:3\ncontent:" + WRAPPED + "\n",
        req(SEND_MSG, TOKEN, KEY, RECIPIENT_ID, 3L, MESSAGE_LENGTH, 172L, CONTENT, WRAPPED)),
      form("C SEND_MSG wrapped whose first lines also match", "SEND_MSG\ntoken:" + KEY + "\nmessage-length:161\nreceiver-id:3\ncontent:" + WRAPPED_TRAP + "\n",
        req(SEND_MSG, TOKEN, KEY, RECIPIENT_ID, 3L, MESSAGE_LENGTH, 161L, CONTENT, WRAPPED_TRAP)),
      form("C SEND_MSG wrapped accented, bytes", "SEND_MSG\ntoken:" + KEY + "\nmessage-length:170\nreceiver-id:3\ncontent:" + ACCENTED + "\n",
        req(SEND_MSG, TOKEN, KEY, RECIPIENT_ID, 3L, MESSAGE_LENGTH, 170L, CONTENT, ACCENTED)),
      form("C SEND_MSG wrapped accented, characters with breaks", "SEND_MSG\ntoken:" + KEY + "\nmessage-length:86\nreceiver-id:3\ncontent:" + ACCENTED + "\n",
        req(SEND_MSG, TOKEN, KEY, RECIPIENT_ID, 3L, MESSAGE_LENGTH, 86L, CONTENT, ACCENTED)),
      form("C UPDT_MSG", "UPDT_MSG\ntoken:" + KEY + "\nmessage-id:9\nmessage-length:14\ncontent:Texte corrigé\n",
        req(UPDT_MSG, TOKEN, KEY, MESSAGE_ID, 9L, MESSAGE_LENGTH, 14L, CONTENT, "Texte corrigé")),
      form("C DEL_MSG", "DEL_MSG\ntoken:" + KEY + "\nmessage-id:9\n", req(DEL_MSG, TOKEN, KEY, MESSAGE_ID, 9L)),
      form("C BLOCK_USER with for-user-id", "BLOCK_USER\ntoken:" + KEY + "\nuser-id:5\nfor-user-id:2\n",
        req(BLOCK_USER, TOKEN, KEY, USER_ID, 5L, FOR_USER_ID, 2L)),
      form("C BAN_USER", "BAN_USER\ntoken:" + KEY + "\nuser-id:5\n", req(BAN_USER, TOKEN, KEY, USER_ID, 5L)),
      form("C DISCONNECTED", "DISCONNECTED\n", req(DISCONNECTED)),

      form("content with a blank line inside", "SEND_MSG\ntoken:" + KEY + "\nrecipient-id:3\nmessage-length:4\ncontent:ab\n\ncd\n",
        req(SEND_MSG, TOKEN, KEY, RECIPIENT_ID, 3L, MESSAGE_LENGTH, 4L, CONTENT, "ab\n\ncd")),
      form("content holding a command name before its length is reached",
        "SEND_MSG\ntoken:" + KEY + "\nrecipient-id:3\nmessage-length:10\ncontent:hi\nDEL_MSG\n",
        req(SEND_MSG, TOKEN, KEY, RECIPIENT_ID, 3L, MESSAGE_LENGTH, 10L, CONTENT, "hi\nDEL_MSG")),
      form("empty content with length 0", "SEND_MSG\ntoken:" + KEY + "\nrecipient-id:3\nmessage-length:0\ncontent:\n",
        req(SEND_MSG, TOKEN, KEY, RECIPIENT_ID, 3L, MESSAGE_LENGTH, 0L, CONTENT, "")),
      form("content keeps its colons and spaces", "SEND_MSG\ntoken:" + KEY + "\nrecipient-id:3\ncontent: a:b \n",
        req(SEND_MSG, TOKEN, KEY, RECIPIENT_ID, 3L, CONTENT, " a:b ")),
      form("GET_UNREAD", "GET_UNREAD\ntoken:" + KEY + "\n", req(GET_UNREAD, TOKEN, KEY)),
      form("GET_HISTORY", "GET_HISTORY\ntoken:" + KEY + "\n", req(GET_HISTORY, TOKEN, KEY)),
      form("GET_HISTORY before a message", "GET_HISTORY\ntoken:" + KEY + "\nbefore-message-id:31\n",
        req(GET_HISTORY, TOKEN, KEY, BEFORE_MESSAGE_ID, 31L)),
      form("UNBLOCK_USER", "UNBLOCK_USER\ntoken:" + KEY + "\nuser-id:5\nfor-user-id:0\n",
        req(UNBLOCK_USER, TOKEN, KEY, USER_ID, 5L, FOR_USER_ID, 0L)),
      form("UNBAN_USER", "UNBAN_USER\ntoken:" + KEY + "\nuser-id:5\n", req(UNBAN_USER, TOKEN, KEY, USER_ID, 5L)),
      form("SUBSCRIBE", "SUBSCRIBE\ntoken:" + KEY + "\n", req(SUBSCRIBE, TOKEN, KEY)),
      form("UNSUBSCRIBE", "UNSUBSCRIBE\ntoken:" + KEY + "\n", req(UNSUBSCRIBE, TOKEN, KEY)));
  }

  enum LineEnd {
    LF, CRLF;

    String apply(String lfForm) {
      return this == LF ? lfForm : lfForm.replace("\n", "\r\n");
    }
  }

  enum Feeding {
    WHOLE((in, limits) -> DecoderHarness.whole(in, limits)),
    BYTE_BY_BYTE((in, limits) -> DecoderHarness.byteByByte(in, limits)),
    RANDOM_CHUNKS((in, limits) -> DecoderHarness.randomChunks(in, limits, in.hashCode()));

    final BiFunction<String, DecoderLimits, List<Object>> run;

    Feeding(BiFunction<String, DecoderLimits, List<Object>> run) {
      this.run = run;
    }
  }

  static Stream<Arguments> everyFormLineEndAndFeeding() {
    List<Arguments> out = new ArrayList<>();
    for (Form f : referenceForms()) {
      for (LineEnd end : LineEnd.values()) for (Feeding feeding : Feeding.values()) out.add(Arguments.of(f, end, feeding));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} / {1} / {2}")
  @MethodSource("everyFormLineEndAndFeeding")
  void decodesEveryReferenceForm(Form form, LineEnd end, Feeding feeding) {
    assertThat(feeding.run.apply(end.apply(form.input()), DEFAULT_LIMITS)).isEqualTo(form.expected());
  }

  static Stream<Arguments> lineEndsAndFeedings() {
    List<Arguments> out = new ArrayList<>();
    for (LineEnd end : LineEnd.values()) for (Feeding feeding : Feeding.values()) out.add(Arguments.of(end, feeding));
    return out.stream();
  }

  @ParameterizedTest(name = "{0} / {1}")
  @MethodSource("lineEndsAndFeedings")
  void decodesEveryReferenceFormBackToBackInOneStream(LineEnd end, Feeding feeding) {
    StringBuilder input = new StringBuilder();
    List<Object> expected = new ArrayList<>();
    for (Form f : referenceForms()) {
      input.append(f.input());
      expected.addAll(f.expected());
    }
    assertThat(feeding.run.apply(end.apply(input.toString()), DEFAULT_LIMITS)).isEqualTo(expected);
  }

  static Stream<Arguments> parameterOrders() {
    String token = "token:" + KEY;
    String length = "message-length:5";
    String recipient = "receiver-id:3";
    return Stream.of(
      List.of(token, length, recipient), List.of(token, recipient, length), List.of(length, token, recipient),
      List.of(length, recipient, token), List.of(recipient, token, length), List.of(recipient, length, token))
      .map(order -> Arguments.of(String.join(",", order.stream().map(l -> l.substring(0, l.indexOf(':'))).toList()), order));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("parameterOrders")
  void acceptsParametersInAnyOrderBeforeContent(String name, List<String> order) {
    String input = "SEND_MSG\n" + String.join("\n", order) + "\ncontent:hello\n";
    assertThat(DecoderHarness.whole(input, DEFAULT_LIMITS))
      .containsExactly(req(SEND_MSG, TOKEN, KEY, RECIPIENT_ID, 3L, MESSAGE_LENGTH, 5L, CONTENT, "hello"));
  }

  static final String NEXT = "DEL_MSG\ntoken:" + KEY + "\nmessage-id:1\n";
  static final TchatatorRequest NEXT_DECODED = req(DEL_MSG, TOKEN, KEY, MESSAGE_ID, 1L);
  static final DecoderLimits SMALL = new DecoderLimits(128, 400);

  static Stream<Arguments> malformedInputs() {
    String send = "SEND_MSG\ntoken:" + KEY + "\nrecipient-id:3\n";
    return Stream.of(
      Arguments.of("unknown command", "HELLO\n", List.of(bad("unknown-command"))),
      Arguments.of("unknown command with parameters", "HELLO\ntoken:x\nuser-id:3\n", List.of(bad("unknown-command"))),
      Arguments.of("lower-case command", "login\napi-token:" + KEY + "\n", List.of(bad("unknown-command"))),
      Arguments.of("parameter without command", "token:" + KEY + "\n", List.of(bad("missing-command"))),
      Arguments.of("missing parameter, ended by a blank line", "DEL_MSG\ntoken:" + KEY + "\n\n", List.of(bad("missing-parameter"))),
      Arguments.of("missing parameter, ended by content", "SEND_MSG\ntoken:" + KEY + "\ncontent:hi\nreceiver-id:3\n",
        List.of(bad("missing-parameter"))),
      Arguments.of("missing parameter, ended by the next command", "DEL_MSG\ntoken:" + KEY + "\n", List.of(bad("missing-parameter"))),
      Arguments.of("bad number", "DEL_MSG\ntoken:" + KEY + "\nmessage-id:abc\n", List.of(bad("bad-number"))),
      Arguments.of("negative number", "DEL_MSG\ntoken:" + KEY + "\nmessage-id:-4\n", List.of(bad("bad-number"))),
      Arguments.of("number too large", "DEL_MSG\ntoken:" + KEY + "\nmessage-id:9999999999999999999\n", List.of(bad("bad-number"))),
      Arguments.of("empty number", "DEL_MSG\ntoken:" + KEY + "\nmessage-id:\n", List.of(bad("bad-number"))),
      Arguments.of("empty token", "DEL_MSG\ntoken: \nmessage-id:1\n", List.of(bad("empty-parameter"))),
      Arguments.of("unknown parameter", "DEL_MSG\ntoken:" + KEY + "\ncolor:red\n", List.of(bad("unknown-parameter"))),
      Arguments.of("parameter of another command", "DEL_MSG\ntoken:" + KEY + "\nuser-id:3\n", List.of(bad("unknown-parameter"))),
      Arguments.of("duplicate parameter (alias)", "SEND_MSG\ntoken:" + KEY + "\nreceiver-id:3\nrecipient-id:4\ncontent:x\n",
        List.of(bad("duplicate-parameter"))),
      Arguments.of("line without colon", "DEL_MSG\nno colon here\n", List.of(bad("bad-line"))),
      Arguments.of("length that cannot match", send + "message-length:3\ncontent:hello\n", List.of(bad("length-mismatch"))),
      Arguments.of("length never reached on a later line", send + "message-length:8\ncontent:hello\nworld\n",
        List.of(bad("length-mismatch"))),
      Arguments.of("a line after a content that reached its length", send + "message-length:5\ncontent:hello\ngarbage\n",
        List.of(req(SEND_MSG, TOKEN, KEY, RECIPIENT_ID, 3L, MESSAGE_LENGTH, 5L, CONTENT, "hello"), bad("unknown-command"))),
      Arguments.of("a line after a content at a candidate end that it cannot extend",
        send + "message-length:6\ncontent:ab\ncde\ngarbage\n",
        List.of(req(SEND_MSG, TOKEN, KEY, RECIPIENT_ID, 3L, MESSAGE_LENGTH, 6L, CONTENT, "ab\ncde"), bad("unexpected-line"))),
      Arguments.of("over-long line", "DEL_MSG\ntoken:" + "x".repeat(200) + "\nmessage-id:1\n", List.of(bad("line-too-long"))),
      Arguments.of("over-long line first thing", "y".repeat(300) + "\n", List.of(bad("line-too-long"))),
      Arguments.of("over-size request", send + "message-length:390\ncontent:" + ("z".repeat(100) + "\n").repeat(4),
        List.of(bad("request-too-long"))),
      Arguments.of("message-length beyond the request limit", send + "message-length:100000\ncontent:hi\n",
        List.of(bad("request-too-long"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedInputs")
  void rejectsMalformedInputAndResynchronizes(String name, String input, List<Object> expectedFirst) {
    List<Object> expected = new ArrayList<>(expectedFirst);
    expected.add(NEXT_DECODED);
    for (Feeding feeding : Feeding.values()) {
      assertThat(feeding.run.apply(input + NEXT, SMALL)).as(feeding.name()).isEqualTo(expected);
    }
  }

  @Test
  void rejectsContentThatIsNotUtf8() {
    byte[] head = bytes("SEND_MSG\ntoken:" + KEY + "\nrecipient-id:3\ncontent:caf");
    byte[] tail = bytes("\n" + NEXT);
    byte[] input = new byte[head.length + 1 + tail.length];
    System.arraycopy(head, 0, input, 0, head.length);
    input[head.length] = (byte) 0xFF;
    System.arraycopy(tail, 0, input, head.length + 1, tail.length);
    Recorder r = new Recorder(SMALL);
    r.feed(input);
    assertThat(r.out()).containsExactly(bad("bad-encoding"), NEXT_DECODED);
  }

  @Test
  void requestWithOnlyRequiredParametersEndsWhenTheInputPauses() {
    Recorder r = new Recorder(DEFAULT_LIMITS);
    r.feed("BLOCK_USER\ntoken:" + KEY + "\nuser-id:5\n");
    assertThat(r.out()).as("for-user-id may still come").isEmpty();
    r.pause();
    assertThat(r.out()).containsExactly(req(BLOCK_USER, TOKEN, KEY, USER_ID, 5L));
  }

  @Test
  void pauseInsideALineWaitsForTheRestOfIt() {
    Recorder r = new Recorder(DEFAULT_LIMITS);
    r.feed("GET_HISTORY\ntoken:" + KEY + "\nbefore-mess");
    r.pause();
    assertThat(r.out()).isEmpty();
    r.feed("age-id:8\n");
    assertThat(r.out()).containsExactly(req(GET_HISTORY, TOKEN, KEY, BEFORE_MESSAGE_ID, 8L));
  }

  @Test
  void contentWithAMatchingLengthWaitsForTheNextLineOrAPause() {
    String firstTwoLines = "SEND_MSG\ntoken:" + KEY + "\nreceiver-id:3\nmessage-length:161\ncontent:" + WRAPPED_TRAP.substring(0, 162);
    Recorder r = new Recorder(DEFAULT_LIMITS);
    r.feed(firstTwoLines);
    assertThat(r.out()).as("a line of content may follow").isEmpty();
    r.feed("z\n");
    r.pause();
    assertThat(r.out()).containsExactly(req(SEND_MSG, TOKEN, KEY, RECIPIENT_ID, 3L, MESSAGE_LENGTH, 161L, CONTENT, WRAPPED_TRAP));

    r.decoded.clear();
    r.feed(firstTwoLines);
    r.pause();
    assertThat(r.out()).as("nothing more in hand: the candidate end is the end")
      .containsExactly(req(SEND_MSG, TOKEN, KEY, RECIPIENT_ID, 3L, MESSAGE_LENGTH, 161L, CONTENT, WRAPPED_TRAP.substring(0, 161)));
  }

  @Test
  void contentWithoutAMatchYetWaitsOverPauses() {
    Recorder r = new Recorder(DEFAULT_LIMITS);
    r.feed("SEND_MSG\ntoken:" + KEY + "\nreceiver-id:3\nmessage-length:170\ncontent:" + "a".repeat(80) + "\n");
    r.pause();
    assertThat(r.out()).isEmpty();
    r.feed(WRAPPED.substring(81) + "\n");
    r.pause();
    assertThat(r.out()).hasSize(1);
  }

  @Test
  void afterAPauseTheLinesFollowingARejectedRequestAreJudgedAgain() {
    Recorder r = new Recorder(DEFAULT_LIMITS);
    r.feed("HELLO\ntoken:x\n");
    r.pause();
    r.feed("HELLO\n");
    r.pause();
    r.feed("token:x\n\ntoken:y\n");
    assertThat(r.out()).containsExactly(bad("unknown-command"), bad("unknown-command"), bad("missing-command"), bad("missing-command"));
  }

  @Test
  void limitsAreReadAtEveryFeed() {
    AtomicReference<DecoderLimits> limits = new AtomicReference<>(DEFAULT_LIMITS);
    Recorder r = new Recorder(limits::get);
    String longToken = "k".repeat(500);
    r.feed("GET_UNREAD\ntoken:" + longToken + "\n");
    limits.set(SMALL);
    r.feed("GET_UNREAD\ntoken:" + longToken + "\n" + NEXT);
    assertThat(r.out()).containsExactly(req(GET_UNREAD, TOKEN, longToken), bad("line-too-long"), NEXT_DECODED);
  }

  @Test
  void overLongLineWithoutEndIsReportedAtOnceAndOnlyOnce() {
    Recorder r = new Recorder(SMALL);
    for (int i = 0; i < 20; i++) r.feed("w".repeat(100));
    assertThat(r.out()).containsExactly(bad("line-too-long"));
    r.feed("\n" + NEXT);
    assertThat(r.out()).containsExactly(bad("line-too-long"), NEXT_DECODED);
  }

  @Test
  void malformedRequestNamesTheCommandBeingRead() {
    Recorder r = new Recorder(DEFAULT_LIMITS);
    r.feed("DEL_MSG\ntoken:" + KEY + "\nmessage-id:x\n");
    assertThat(r.decoded).singleElement().isInstanceOfSatisfying(Malformed.class, m -> {
      assertThat(m.command()).isEqualTo(DEL_MSG);
      assertThat(m.detail()).contains("message-id");
    });
  }

  @Test
  void errorDetailsNeverEchoAnApiKeySentInTheWrongPlace() {
    Recorder r = new Recorder(DEFAULT_LIMITS);
    r.feed(KEY + "\nDEL_MSG\n" + KEY + "\nDEL_MSG\ntoken:" + KEY + "\nmessage-id:" + KEY + "\n");
    assertThat(r.decoded).hasSize(3).allSatisfy(d -> assertThat(((Malformed) d).detail()).doesNotContain(KEY.substring(0, 8)));
  }

  @Test
  void logFormMasksApiKeysAndContent() {
    assertThat(req(SEND_MSG, TOKEN, KEY, RECIPIENT_ID, 3L, CONTENT, "secret text").toString())
      .isEqualTo("SEND_MSG token:*** recipient-id:3 content:(11 chars)")
      .doesNotContain(KEY);
    assertThat(req(LOGIN, API_TOKEN, KEY).toString()).isEqualTo("LOGIN api-token:***");
  }

  @Test
  void everyCommandIsCovered() {
    List<Command> covered = referenceForms().stream().flatMap(f -> f.expected().stream())
      .filter(TchatatorRequest.class::isInstance).map(r -> ((TchatatorRequest) r).command()).distinct().toList();
    assertThat(covered).containsExactlyInAnyOrder(Command.values());
  }

}
