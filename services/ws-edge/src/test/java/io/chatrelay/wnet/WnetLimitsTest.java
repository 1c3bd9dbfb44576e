package io.chatrelay.wnet;

import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.wnet.testing.Await;
import io.chatrelay.wnet.testing.RawWsPeer;
import io.chatrelay.wnet.testing.WnetStack;
import io.chatrelay.wnet.testing.WsPeer;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a peer may not do, each with the close code or refusal it gets; every test has the settings it needs. */
@ExtendWith(VertxExtension.class)
class WnetLimitsTest {

  private static WnetStack stack(Vertx vertx, Map<String, Object> settings) {
    var config = TestConfigs.local();
    for (var e : settings.entrySet()) config = config.with(e.getKey(), e.getValue());
    WnetStack stack = WnetStack.start(vertx, new LocalClusterView(), config, true);
    stack.createAccount("alice", "alice-pass");
    return stack;
  }

  @Test
  void aFrameOverTheLimitClosesWith1009(Vertx vertx) {
    WnetStack stack = stack(vertx, Map.of("wnet.max-frame-bytes", 4096));
    WsPeer peer = stack.anonymous();
    peer.send("cssend@EchoBot@" + "x".repeat(4096));
    assertThat(peer.awaitClose()).isEqualTo((short) 1009);
  }

  @Test
  void aMessageInSeveralFramesOverTheLimitClosesWith1009(Vertx vertx) {
    WnetStack stack = stack(vertx, Map.of("wnet.max-frame-bytes", 4096));
    WsPeer peer = stack.anonymous();
    peer.socket().writeFrame(WebSocketFrame.textFrame("cssend@EchoBot@" + "x".repeat(3000), false));
    peer.socket().writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("y".repeat(3000)), true));
    assertThat(peer.awaitClose()).isEqualTo((short) 1009);
  }

  @Test
  void aMessageInSeveralFramesWithinTheLimitIsOneCommand(Vertx vertx) {
    WnetStack stack = stack(vertx, Map.of("wnet.max-frame-bytes", 4096));
    WsPeer bot = stack.bot("EchoBot", "alice", "alice-pass");
    WsPeer client = stack.anonymous();
    String sid = client.connectTo(bot, "EchoBot", "None");
    client.socket().writeFrame(WebSocketFrame.textFrame("cssend@Echo", false));
    client.socket().writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("Bot@a@"), false));
    client.socket().writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("b"), true));
    bot.expect("mess@" + sid + "@a@b");
  }

  @Test
  void aMessageTooLongToRelayGetsAnError(Vertx vertx) {
    WnetStack stack = stack(vertx, Map.of("wnet.max-frame-bytes", 4096));
    WsPeer bot = stack.bot("EchoBot", "alice", "alice-pass");
    WsPeer client = stack.anonymous();
    String sid = client.connectTo(bot, "EchoBot", "None");
    // fits in the client's frame, but mess@<22-character sid>@ is longer than cssend@EchoBot@
    client.send("cssend@EchoBot@" + "x".repeat(4096 - "cssend@EchoBot@".length()));
    client.expect("error@Message too long: the frame to the bot would exceed 4096 bytes");
    int room = 4096 - ("mess@" + sid + "@").length();
    String longest = "x".repeat(room);
    client.send("cssend@EchoBot@" + longest);
    bot.expect("mess@" + sid + "@" + longest);
    // the limit is in bytes: 'é' is two of them in UTF-8
    String accented = "é".repeat(room / 2);
    client.send("cssend@EchoBot@" + accented + "x".repeat(room % 2 + 1));
    client.expect("error@Message too long: the frame to the bot would exceed 4096 bytes");
    client.send("cssend@EchoBot@" + accented + "x".repeat(room % 2));
    bot.expect("mess@" + sid + "@" + accented + "x".repeat(room % 2));
  }

  @Test
  void aBinaryFrameClosesWith1003(Vertx vertx) {
    WnetStack stack = stack(vertx, Map.of());
    WsPeer peer = stack.anonymous();
    peer.sendBinary(Buffer.buffer("search@"));
    assertThat(peer.awaitClose()).isEqualTo((short) 1003);
  }

  @Test
  void tooManyFramesPerSecondCloseWith1008(Vertx vertx) {
    WnetStack stack = stack(vertx, Map.of("wnet.max-frames-per-second", 5));
    WsPeer peer = stack.anonymous();
    for (int i = 0; i < 50; i++) peer.send("search@");
    assertThat(peer.awaitClose()).isEqualTo((short) 1008);
  }

  @Test
  void connectionsFromOneAddressAreLimited(Vertx vertx) {
    WnetStack stack = stack(vertx, Map.of("wnet.max-connections-per-address", 2));
    WsPeer first = stack.anonymous();
    stack.anonymous();
    assertThatThrownBy(stack::anonymous).isInstanceOfSatisfying(UpgradeRejectedException.class,
      e -> assertThat(e.getStatus()).isEqualTo(429));
    first.close();
    Await.until("a slot is free again after a close", () -> {
      try {
        stack.anonymous();
        return true;
      } catch (UpgradeRejectedException stillFull) {
        return false;
      }
    });
  }

  @Test
  void aPeerThatDoesNotReadIsClosedAndCannotGrowMemory(Vertx vertx) {
    WnetStack stack = stack(vertx, Map.of("wnet.max-queued-bytes", 65536, "wnet.max-frames-per-second", 0));
    WsPeer bot = stack.bot("FloodBot", "alice", "alice-pass");
    RawWsPeer slow = RawWsPeer.connect(vertx, stack.port());
    slow.sendText("connect@FloodBot");
    String sid = bot.expectPrefix("connection@").substring(0, 22);
    slow.stopReading();
    String chunk = "z".repeat(16 * 1024);
    // far more than the kernel buffers and the 64 KiB queue hold: the edge must give up on the reader first
    boolean told = false;
    for (int i = 0; i < 4000 && !told; i++) {
      bot.send("scsend@" + sid + "@" + chunk);
      if (i % 50 == 49) told = bot.framesBeforeProbe().contains("disconnected@" + sid);
    }
    assertThat(told).as("the bot is told that the client which stopped reading is gone").isTrue();
    bot.send("scsend@" + sid + "@more");
    bot.expect("error@No client with that sid is connected to bot FloodBot");
  }

  @Test
  void aPeerThatStopsAnsweringPingsIsClosed(Vertx vertx) {
    WnetStack stack = stack(vertx, Map.of("wnet.ping-interval-ms", 100, "wnet.dead-after-ms", 600));
    WsPeer bot = stack.bot("PingBot", "alice", "alice-pass");
    RawWsPeer silent = RawWsPeer.connect(vertx, stack.port());
    silent.sendText("connect@PingBot");
    String sid = bot.expectPrefix("connection@").substring(0, 22);
    bot.expect("disconnected@" + sid);
    Await.until("the silent peer's socket is closed", silent::isClosed);
    // the bot answers pings (its client library does): it outlived the dead-after window and still works
    bot.expectNothingElse();
  }
}
