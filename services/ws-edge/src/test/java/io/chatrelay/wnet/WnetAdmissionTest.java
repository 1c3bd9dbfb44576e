package io.chatrelay.wnet;

import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.ops.ChatrelayMeters;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.wnet.testing.Await;
import io.chatrelay.wnet.testing.LogLines;
import io.chatrelay.wnet.testing.RawSocket;
import io.chatrelay.wnet.testing.WnetStack;
import io.chatrelay.wnet.testing.WsPeer;

import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Who gets a connection, counted from the TCP connection: the handshake deadline (sockets trickling header bytes
 * are closed), the per-address limit on connections not yet upgraded, the process-wide cap, and how refusals are
 * counted and logged.
 */
@ExtendWith(VertxExtension.class)
class WnetAdmissionTest {

  private static WnetStack stack(Vertx vertx, Map<String, Object> settings) {
    var config = TestConfigs.local();
    for (var e : settings.entrySet()) config = config.with(e.getKey(), e.getValue());
    return WnetStack.start(vertx, new LocalClusterView(), config, true);
  }

  private static double refusals(WnetStack stack, String reason) {
    return stack.context().meters().connectionRefusals(ChatrelayMeters.PROTOCOL_WNET, reason).count();
  }

  /** Writes one byte of a never-ending header to each socket every 100 ms, on its own thread, until closed. */
  private static final class Trickler implements AutoCloseable {
    private final List<RawSocket> sockets = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean stop;

    Trickler() {
      thread = new Thread(() -> {
        byte[] header = "GET /wnet/ws HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.ISO_8859_1);
        // bounded: a test that needs longer has failed
        for (int i = 0; !stop && i < 300; i++) {
          for (RawSocket s : sockets) s.tryWrite(new byte[] {i < header.length ? header[i] : (byte) 'a'});
          try {
            Thread.sleep(100);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "trickler");
      thread.setDaemon(true);
      thread.start();
    }

    RawSocket open(int port) {
      RawSocket s = RawSocket.open(port);
      sockets.add(s);
      return s;
    }

    @Override
    public void close() {
      stop = true;
      sockets.forEach(RawSocket::close);
    }
  }

  @Test
  void socketsTricklingHeaderBytesAreClosedAtTheHandshakeDeadline(Vertx vertx) {
    WnetStack stack = stack(vertx, Map.of("wnet.handshake-timeout-ms", 1000));
    try (Trickler trickler = new Trickler()) {
      List<RawSocket> slow = new ArrayList<>();
      for (int i = 0; i < 5; i++) slow.add(trickler.open(stack.port()));
      long start = System.nanoTime();
      for (RawSocket s : slow) assertThat(s.awaitEof(5_000)).as("a trickling socket is closed").isTrue();
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(tookMs).as("closed at the 1 s deadline, although bytes kept coming").isLessThan(4_000);
    }
    assertThat(refusals(stack, WsServerVerticle.REFUSED_HANDSHAKE_TIMEOUT)).isEqualTo(5.0);
    // an honest peer is not affected by the deadline once upgraded
    WsPeer peer = stack.anonymous();
    peer.send("search@");
    peer.expect("list@");
  }

  @Test
  void connectionsNotYetUpgradedCountAgainstThePerAddressLimit(Vertx vertx) {
    WnetStack stack = stack(vertx, Map.of("wnet.max-connections-per-address", 3, "wnet.handshake-timeout-ms", 1500));
    try (LogLines log = LogLines.of(WsServerVerticle.class); Trickler trickler = new Trickler()) {
      for (int i = 0; i < 3; i++) trickler.open(stack.port());
      // three sockets that never finish their handshake fill the address's quota
      Await.until("the fourth connection from the address is refused", () -> {
        try (WsPeer ignored = stack.anonymous()) {
          return false;
        } catch (UpgradeRejectedException e) {
          assertThat(e.getStatus()).isEqualTo(429);
          return true;
        }
      });
      try (RawSocket fifth = RawSocket.open(stack.port())) {
        assertThat(fifth.handshake()).isEqualTo(429);
        assertThat(fifth.awaitEof(Await.DEADLINE_MS)).as("a refused connection is closed").isTrue();
      }
      // once the deadline has closed them, the address may connect again
      Await.until("a connection is accepted after the tricklers are gone", () -> {
        try (WsPeer ok = stack.anonymous()) {
          return true;
        } catch (UpgradeRejectedException e) {
          return false;
        }
      });
      assertThat(refusals(stack, WsServerVerticle.REFUSED_PER_ADDRESS)).isGreaterThanOrEqualTo(2.0);
      assertThat(log.matching("wnet connection from 127.0.0.1 refused (per-address-limit)"))
        .as("logged once a minute per address, however often refused").hasSize(1);
    }
  }

  @Test
  void theProcessWideCapRefusesWith503BeforeTheUpgrade(Vertx vertx) {
    WnetStack stack = stack(vertx, Map.of("wnet.max-connections", 2, "wnet.max-connections-per-address", 0));
    RawSocket idle = RawSocket.open(stack.port());
    WsPeer upgraded = stack.anonymous();
    try (RawSocket third = RawSocket.open(stack.port())) {
      assertThat(third.handshake()).isEqualTo(503);
      assertThat(third.awaitEof(Await.DEADLINE_MS)).isTrue();
    }
    assertThatThrownBy(stack::anonymous).isInstanceOfSatisfying(UpgradeRejectedException.class,
      e -> assertThat(e.getStatus()).isEqualTo(503));
    assertThat(refusals(stack, WsServerVerticle.REFUSED_MAX_CONNECTIONS)).isEqualTo(2.0);
    upgraded.send("search@");
    upgraded.expect("list@");

    // a closed connection, upgraded or not, frees its place
    idle.close();
    Await.until("a place is free after a raw socket closed", () -> {
      try (RawSocket next = RawSocket.open(stack.port())) {
        return next.handshake() == 101;
      }
    });
    upgraded.close();
    WsPeer again = stack.anonymous();
    again.send("search@");
    again.expect("list@");
  }

  @Test
  void aRefusedConnectionThatSendsNothingIsClosedSoon(Vertx vertx) {
    WnetStack stack = stack(vertx, Map.of("wnet.max-connections", 1));
    try (RawSocket first = RawSocket.open(stack.port())) {
      assertThat(first.handshake()).isEqualTo(101);
      try (RawSocket silent = RawSocket.open(stack.port())) {
        long start = System.nanoTime();
        assertThat(silent.awaitEof(Await.DEADLINE_MS)).isTrue();
        assertThat((System.nanoTime() - start) / 1_000_000).as("closed after the refusal grace, not the handshake timeout")
          .isLessThan(WsServerVerticle.REFUSAL_GRACE_MS + 2_000);
      }
    }
  }
}
