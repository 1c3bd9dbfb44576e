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

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class WnetCodecTest {
  private static final String SID = "q1w2E3r4T5y6U7i8O9p0-_";
  private static final String BAD_NAME = "Bot name must be 1 to 18 letters a-z or A-Z";

  static Stream<Arguments> frames() {
    return Stream.of(
      // add@<name>: letters only, 1..18
      arguments("add@EchoBot", new Add("EchoBot")),
      arguments("add@a", new Add("a")),
      arguments("add@abcdefghijklmnopqR", new Add("abcdefghijklmnopqR")),
      arguments("add@abcdefghijklmnopqrS", new Invalid("add", BAD_NAME)),
      arguments("add@Bot1", new Invalid("add", BAD_NAME)),
      arguments("add@my_bot", new Invalid("add", BAD_NAME)),
      arguments("add@Bot@x", new Invalid("add", BAD_NAME)),
      arguments("add@Bоt", new Invalid("add", BAD_NAME)),
      arguments("add@", new Invalid("add", BAD_NAME)),
      arguments("add", new Invalid("add", "add needs a bot name: add@<name>")),
      // alive: no fields at all
      arguments("alive", new Alive()),
      arguments("alive@", new Invalid("alive", "alive takes no fields")),
      arguments("alive@yes", new Invalid("alive", "alive takes no fields")),
      // scsend@<sid>@<message>: the message is everything after the second @, byte for byte
      arguments("scsend@" + SID + "@Hello from bot! You said: hi", new ScSend(SID, "Hello from bot! You said: hi")),
      arguments("scsend@" + SID + "@", new ScSend(SID, "")),
      arguments("scsend@" + SID + "@a@b@@c@", new ScSend(SID, "a@b@@c@")),
      arguments("scsend@" + SID + "@@", new ScSend(SID, "@")),
      arguments("scsend@" + SID + "@ spaces  \tand\nnewline ", new ScSend(SID, " spaces  \tand\nnewline ")),
      arguments("scsend@" + SID, new Invalid("scsend", "scsend needs a client sid and a message: scsend@<sid>@<message>")),
      arguments("scsend@@hello", new Invalid("scsend", "scsend needs a client sid and a message: scsend@<sid>@<message>")),
      arguments("scsend", new Invalid("scsend", "scsend needs a client sid and a message: scsend@<sid>@<message>")),
      // search@<prefix>: empty prefix matches all
      arguments("search@", new Search("")),
      arguments("search@Ec", new Search("Ec")),
      arguments("search@12", new Search("12")),
      arguments("search@E@x", new Invalid("search", "A search prefix cannot contain @")),
      arguments("search", new Invalid("search", "search needs a prefix (may be empty): search@<prefix>")),
      // connect@<bot>
      arguments("connect@EchoBot", new Connect("EchoBot")),
      arguments("connect@", new Invalid("connect", BAD_NAME)),
      arguments("connect@Echo7", new Invalid("connect", BAD_NAME)),
      arguments("connect@EchoBot@x", new Invalid("connect", BAD_NAME)),
      arguments("connect", new Invalid("connect", "connect needs a bot name: connect@<bot>")),
      // cssend@<bot>@<message>
      arguments("cssend@EchoBot@hi", new CsSend("EchoBot", "hi")),
      arguments("cssend@EchoBot@", new CsSend("EchoBot", "")),
      arguments("cssend@EchoBot@@@", new CsSend("EchoBot", "@@")),
      arguments("cssend@EchoBot@user@example.org wrote @ 10:00", new CsSend("EchoBot", "user@example.org wrote @ 10:00")),
      arguments("cssend@EchoBot@привет 🙂", new CsSend("EchoBot", "привет 🙂")),
      arguments("cssend@EchoBot", new Invalid("cssend", "cssend needs a bot name and a message: cssend@<bot>@<message>")),
      arguments("cssend", new Invalid("cssend", "cssend needs a bot name and a message: cssend@<bot>@<message>")),
      arguments("cssend@@hi", new Invalid("cssend", BAD_NAME)),
      arguments("cssend@Echo9@hi", new Invalid("cssend", BAD_NAME)),
      // disconnect@<bot>
      arguments("disconnect@EchoBot", new Disconnect("EchoBot")),
      arguments("disconnect@", new Invalid("disconnect", BAD_NAME)),
      arguments("disconnect", new Invalid("disconnect", "disconnect needs a bot name: disconnect@<bot>")),
      // anything else, including the words the server sends and other cases
      arguments("", new Unknown("")),
      arguments("@", new Unknown("")),
      arguments("hello", new Unknown("hello")),
      arguments("ADD@EchoBot", new Unknown("ADD")),
      arguments("add @EchoBot", new Unknown("add ")),
      arguments("list@@EchoBot", new Unknown("list")),
      arguments("mess@EchoBot@hi", new Unknown("mess")),
      arguments("isalive", new Unknown("isalive")),
      arguments("x".repeat(100) + "@y", new Unknown("x".repeat(32))));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("frames")
  void decodesEveryFrameOfTheReference(String frame, WnetCommand expected) {
    assertThat(WnetCodec.decode(frame)).isEqualTo(expected);
  }

  static Stream<Arguments> rejectionTexts() {
    return Stream.of(
      arguments("", "Empty command"),
      arguments("hello@x", "Unknown command hello"),
      arguments("add@Bot1", BAD_NAME),
      arguments("alive@x", "alive takes no fields"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("rejectionTexts")
  void rejectionsCarryTheErrorText(String frame, String reason) {
    assertThat(WnetCodec.decode(frame)).isInstanceOfSatisfying(WnetCommand.Rejected.class,
      r -> assertThat(r.reason()).isEqualTo(reason));
  }

  static Stream<Arguments> replies() {
    return Stream.of(
      arguments(new WnetReply.AddedAsBot(), "info@You added as bot"),
      arguments(new WnetReply.Error("Such bot connected. Sending ping to confirm that bot is alive."),
        "error@Such bot connected. Sending ping to confirm that bot is alive."),
      arguments(new WnetReply.Error(""), "error@"),
      arguments(new WnetReply.IsAlive(), "isalive"),
      arguments(new WnetReply.Mess("EchoBot", "Hello from bot! You said: hi"), "mess@EchoBot@Hello from bot! You said: hi"),
      arguments(new WnetReply.Mess(SID, "a@b@@c@"), "mess@" + SID + "@a@b@@c@"),
      arguments(new WnetReply.Mess(SID, ""), "mess@" + SID + "@"),
      arguments(new WnetReply.BotList("Ec", List.of("EchoBot", "Ecology")), "list@Ec@EchoBot@Ecology"),
      arguments(new WnetReply.BotList("", List.of("A", "B")), "list@@A@B"),
      arguments(new WnetReply.BotList("Zz", List.of()), "list@Zz"),
      arguments(new WnetReply.BotList("", List.of()), "list@"),
      arguments(new WnetReply.ConnectedTo("EchoBot"), "connectedto@EchoBot"),
      arguments(new WnetReply.Connection(SID, "alice"), "connection@" + SID + "@alice"),
      arguments(new WnetReply.Connection(SID, null), "connection@" + SID + "@None"),
      arguments(new WnetReply.DisconnectedFrom("EchoBot"), "disconnectedfrom@EchoBot"),
      arguments(new WnetReply.Disconnected(SID), "disconnected@" + SID));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("replies")
  void encodesEveryReplyOfTheReference(WnetReply reply, String frame) {
    assertThat(reply.frame()).isEqualTo(frame);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "@", "@@@", "a@", "@a", "x@y@z", "mail: a@b.c", "\u0000@\uffff", "🙂@🙂"})
  void aMessageCrossesCsSendToMessUnchanged(String message) {
    WnetCommand cmd = WnetCodec.decode("cssend@EchoBot@" + message);
    assertThat(cmd).isEqualTo(new CsSend("EchoBot", message));
    String relayed = new WnetReply.Mess(SID, ((CsSend) cmd).message()).frame();
    assertThat(relayed.substring(("mess@" + SID + "@").length())).isEqualTo(message);
  }
}
