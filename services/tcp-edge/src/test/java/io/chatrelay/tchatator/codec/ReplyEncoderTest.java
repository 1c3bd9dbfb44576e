package io.chatrelay.tchatator.codec;

import io.chatrelay.shared.bus.MessageView;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ReplyEncoderTest {
  static final long SENT = 1_767_268_800_000L; // 2026-01-01T12:00:00Z
  static final MessageView PLAIN = new MessageView(7, 3, 4, "received", "Bonjour, comment ça va ?", SENT, null, null, true);
  static final MessageView EDITED_MULTILINE = new MessageView(8, 4, 3, "sent", "ligne 1\n\nligne 3\n", SENT,
    SENT + 120_000, "modifié il y a quelques minutes", false);

  static Stream<Arguments> encodings() {
    return Stream.of(
      Arguments.of("original OK", TchatatorReply.of(ReplyStatus.OK, "Message bien reçu et traité"),
        "200/OK\nmessage:Message bien reçu et traité\n\n"),
      Arguments.of("OK with a machine field", TchatatorReply.of(ReplyStatus.OK, "Message bien reçu et traité").with("message-id", 12),
        "200/OK\nmessage:Message bien reçu et traité\nmessage-id:12\n\n"),
      Arguments.of("refusal with reason and until",
        TchatatorReply.failure(ReplyStatus.DENIED, "Vous êtes bloqué", "blocked").with("until", "2026-01-02T12:00:00Z"),
        "403/DENIED\nmessage:Vous êtes bloqué\nreason:blocked\nuntil:2026-01-02T12:00:00Z\n\n"),
      Arguments.of("field value with line breaks", TchatatorReply.failure(ReplyStatus.MISFMT, "a\nb", "bad\r\nline"),
        "416/MISFMT\nmessage:a b\nreason:bad  line\n\n"),
      Arguments.of("empty list", TchatatorReply.of(ReplyStatus.OK, "Aucun message").withMessages(List.of()),
        "200/OK\nmessage:Aucun message\ncount:0\n\n"),
      Arguments.of("list", TchatatorReply.of(ReplyStatus.OK, "Messages").withMessages(List.of(PLAIN, EDITED_MULTILINE)),
        "200/OK\nmessage:Messages\ncount:2\n"
          + "message-id:7\nsender-id:3\nrecipient-id:4\ndirection:received\nsent-at:2026-01-01T12:00:00Z\nmodified-at:\n"
          + "modified-text:\nread:true\ncontent-length:25\ncontent:Bonjour, comment ça va ?\n"
          + "message-id:8\nsender-id:4\nrecipient-id:3\ndirection:sent\nsent-at:2026-01-01T12:00:00Z\n"
          + "modified-at:2026-01-01T12:02:00Z\nmodified-text:modifié il y a quelques minutes\nread:false\n"
          + "content-length:17\ncontent:ligne 1\n\nligne 3\n\n\n"),
      Arguments.of("push", TchatatorReply.of(ReplyStatus.PUSH, "Nouveau message").withMessages(List.of(PLAIN)),
        "100/PUSH\nmessage:Nouveau message\ncount:1\n"
          + "message-id:7\nsender-id:3\nrecipient-id:4\ndirection:received\nsent-at:2026-01-01T12:00:00Z\nmodified-at:\n"
          + "modified-text:\nread:true\ncontent-length:25\ncontent:Bonjour, comment ça va ?\n\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("encodings")
  void encodesRepliesByteForByte(String name, TchatatorReply reply, String expected) {
    assertThat(ReplyEncoder.encode(reply).toString(StandardCharsets.UTF_8)).isEqualTo(expected);
  }

  @Test
  void aClientReadingByContentLengthGetsEveryReplyBackWhateverTheContent() {
    TchatatorReply list = TchatatorReply.of(ReplyStatus.OK, "Messages").withMessages(List.of(EDITED_MULTILINE, PLAIN));
    TchatatorReply refusal = TchatatorReply.failure(ReplyStatus.TOOMRQ, "Trop de messages", "rate-limited").with("until", "x");
    io.vertx.core.buffer.Buffer both = ReplyEncoder.encode(list).appendBuffer(ReplyEncoder.encode(refusal));
    ReplyReader reader = new ReplyReader();
    List<TchatatorReply> got = new java.util.ArrayList<>();
    for (int i = 0; i < both.length(); i++) got.addAll(reader.feed(both.getBuffer(i, i + 1)));
    assertThat(got).containsExactly(list, refusal);
  }
}
