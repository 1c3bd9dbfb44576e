package io.chatrelay.tchatator;

import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.config.LiveConfig;
import io.chatrelay.shared.ops.ChatrelayMeters;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.tchatator.codec.ReplyStatus;
import io.chatrelay.tchatator.codec.TchatatorReply;

import ch.qos.logback.classic.Level;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.chatrelay.tchatator.EdgeFixture.expect;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tchatator.proxy-protocol: true} (issue 7, item 11): behind a load balancer each connection starts with a
 * PROXY header, v1 (text) or v2 (binary), written here byte for byte as HAProxy writes them; the per-address limit,
 * the refusal meter and log, and the Tchatator log file see the client's address from the header, not the proxy's
 * (every test connection comes from 127.0.0.1).
 */
@ExtendWith(VertxExtension.class)
class TchatatorProxyProtocolTest {
  static final String CLIENT = "203.0.113.7";
  static final String OTHER_CLIENT = "198.51.100.9";

  @TempDir
  Path dir;
  LiveConfig config;
  ServiceContext ctx;
  Path logFile;
  int port;
  @RegisterExtension
  final CapturedLog logged = new CapturedLog();

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    logFile = dir.resolve("tchatator.log");
    config = new LiveConfig(TestConfigs.local().with("tchatator.proxy-protocol", true)
      .with("tchatator.max-connections-per-address", 1).with("tchatator.log-file", logFile.toString()));
    ctx = EdgeFixture.context(vertx, config, new LocalClusterView());
    port = EdgeFixture.port(config.get());
    vertx.deployVerticle(new TchatatorEdgeVerticle(ctx)).onComplete(test.succeedingThenComplete());
  }

  /** {@code PROXY TCP4 <src> <dst> <srcport> <dstport>\r\n} */
  static Buffer v1(String source, int destinationPort) {
    return Buffer.buffer("PROXY TCP4 " + source + " 127.0.0.1 40001 " + destinationPort + "\r\n", "US-ASCII");
  }

  /** The 12-byte signature, version 2 + PROXY, TCP over IPv4, 12 bytes of addresses and ports. */
  static Buffer v2(String source, int destinationPort) throws Exception {
    Buffer b = Buffer.buffer(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
    b.appendByte((byte) 0x21).appendByte((byte) 0x11).appendShort((short) 12);
    b.appendBytes(InetAddress.getByName(source).getAddress()).appendBytes(InetAddress.getByName("127.0.0.1").getAddress());
    return b.appendShort((short) 40002).appendShort((short) destinationPort);
  }

  private Future<TchatatorClient> through(Vertx vertx, Buffer header) {
    return TchatatorClient.connect(vertx, port).compose(c -> c.write(header).map(c));
  }

  private static Future<TchatatorReply> within(Future<TchatatorReply> reply) {
    return reply.timeout(5, TimeUnit.SECONDS);
  }

  @Test
  void theLimitsAndTheLogSeeTheAddressFromTheHeader(Vertx vertx, VertxTestContext test) throws Exception {
    Buffer v2Same = v2(CLIENT, port);
    Buffer v2Other = v2(OTHER_CLIENT, port);
    double before = ctx.meters().connectionRefusals(ChatrelayMeters.PROTOCOL_TCHATATOR, "per-address-limit").count();
    through(vertx, v1(CLIENT, port))
      .compose(first -> within(first.send("GET_UNREAD\ntoken:x\n")).map(r -> expect(r, ReplyStatus.DENIED, "not-logged-in")))
      // one connection per address: the second from the same client (v2 this time) is refused ...
      .compose(r -> through(vertx, v2Same)).compose(second -> within(second.next()).compose(r -> second.closed().map(r)))
      .map(refusal -> expect(refusal, ReplyStatus.DENIED, "too-many-connections"))
      // ... one from another client through the same proxy address is not
      .compose(r -> through(vertx, v2Other)).compose(third -> within(third.send("GET_UNREAD\ntoken:x\n")))
      .map(r -> expect(r, ReplyStatus.DENIED, "not-logged-in"))
      .compose(r -> TchatatorSessionTest.poll(vertx, () -> vertx.fileSystem().readFile(logFile.toString())
        .map(b -> b.toString(StandardCharsets.UTF_8)), text -> text.contains("[" + OTHER_CLIENT + "] received"), 5000))
      .onComplete(test.succeeding(log -> test.verify(() -> {
        assertThat(log).contains("[] [" + CLIENT + "] connected").contains("[] [" + CLIENT + "] refused: more than 1")
          .doesNotContain("[127.0.0.1]");
        assertThat(ctx.meters().connectionRefusals(ChatrelayMeters.PROTOCOL_TCHATATOR, "per-address-limit").count() - before)
          .isEqualTo(1.0);
        assertThat(logged.hasLine(Level.INFO, "Tchatator connection from " + CLIENT + " refused (per-address-limit)"))
          .as("%s", logged.events()).isTrue();
        test.completeNow();
      })));
  }

  /** With the setting on, a connection without a header never becomes a session. */
  @Test
  void aConnectionWithoutAHeaderIsNotServed(Vertx vertx, VertxTestContext test) {
    TchatatorClient.connect(vertx, port)
      .compose(c -> c.send("GET_UNREAD\ntoken:x\n").map(r -> "answered: " + r).recover(e -> c.closed().map("closed")))
      .onComplete(test.succeeding(outcome -> test.verify(() -> {
        assertThat(outcome).isEqualTo("closed");
        test.completeNow();
      })));
  }
}
