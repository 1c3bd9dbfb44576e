package io.chatrelay.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;

/**
 * A wnet peer on a blocking socket to a {@code serve} process, speaking WebSocket by hand so it can send what no
 * library would: the fuzzer's connections, and the plain bot and client that check a fresh session works.
 */
final class WnetWirePeer implements AutoCloseable {
  static final int FIN = 0x80;
  static final int OP_TEXT = 0x1;
  static final int OP_CLOSE = 0x8;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private boolean closed;

  private WnetWirePeer(Socket socket) throws IOException {
    this.socket = socket;
    socket.setTcpNoDelay(true);
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  static WnetWirePeer open(int port) throws IOException {
    return new WnetWirePeer(new Socket("127.0.0.1", port));
  }

  /** A complete upgrade request for {@code /wnet/ws} with an optional {@code Cookie} header. */
  static String upgradeRequest(int port, String cookie, Random random) {
    byte[] nonce = new byte[16];
    random.nextBytes(nonce);
    return "GET /wnet/ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n"
      + (cookie == null ? "" : "Cookie: " + cookie + "\r\n") + "\r\n";
  }

  /** Opens a connection and upgrades it; fails unless the server answers 101. */
  static WnetWirePeer upgraded(int port, String cookie, Random random, Duration timeout) throws IOException {
    WnetWirePeer peer = open(port);
    peer.write(upgradeRequest(port, cookie, random).getBytes(StandardCharsets.ISO_8859_1));
    String head = peer.readHead(timeout);
    if (!head.startsWith("HTTP/1.1 101")) {
      peer.close();
      throw new IOException("upgrade refused: " + head.lines().findFirst().orElse(head));
    }
    return peer;
  }

  /** The Python peers' cookie form for a password login. */
  static String passwordCookie(String user, String password) {
    String json = "{\"username\": \"" + user + "\", \"password\": \"" + password + "\"}";
    return "auth=\"type=password&auth=" + java.net.URLEncoder.encode(json, StandardCharsets.UTF_8) + "\"";
  }

  /** Writes; false once the server has closed the connection (nothing more is sent then). */
  boolean write(byte[] bytes) {
    if (closed) return false;
    try {
      out.write(bytes);
      out.flush();
      return true;
    } catch (IOException e) {
      closed = true;
      return false;
    }
  }

  /** Reads and drops whatever has arrived, without waiting; notices a closed connection. */
  void drain() {
    if (closed) return;
    try {
      byte[] buffer = new byte[16384];
      while (in.available() > 0) {
        if (in.read(buffer) < 0) {
          closed = true;
          return;
        }
      }
    } catch (IOException e) {
      closed = true;
    }
  }

  boolean isClosed() {
    return closed || socket.isClosed();
  }

  /** The head of the HTTP response (through the blank line), or what came before the timeout or the end. */
  String readHead(Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    try {
      while (true) {
        int b = in.read();
        if (b < 0) break;
        head.write(b);
        byte[] h = head.toByteArray();
        int n = h.length;
        if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') break;
      }
    } catch (SocketTimeoutException e) {
      // what came so far
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /** One masked client frame, the length in its shortest form. */
  static byte[] frame(int head, byte[] payload, Random random) {
    ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
    f.write(head);
    if (payload.length < 126) {
      f.write(0x80 | payload.length);
    } else if (payload.length < 65536) {
      f.write(0x80 | 126);
      f.write(payload.length >> 8);
      f.write(payload.length);
    } else {
      f.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) f.write((int) ((long) payload.length >>> shift));
    }
    byte[] key = new byte[4];
    random.nextBytes(key);
    f.writeBytes(key);
    for (int i = 0; i < payload.length; i++) f.write(payload[i] ^ key[i & 3]);
    return f.toByteArray();
  }

  void sendText(String text, Random random) {
    write(frame(FIN | OP_TEXT, text.getBytes(StandardCharsets.UTF_8), random));
  }

  /** The next text frame from the server, skipping control frames; fails at the timeout or on a close. */
  String nextText(Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
    while (true) {
      int head = in.read();
      if (head < 0) throw new IOException("connection closed while waiting for a text frame");
      long len = in.read() & 0x7f;
      if (len == 126) {
        len = (in.read() << 8) | in.read();
      } else if (len == 127) {
        len = 0;
        for (int i = 0; i < 8; i++) len = (len << 8) | in.read();
      }
      byte[] payload = in.readNBytes(Math.toIntExact(len));
      int opcode = head & 0x0f;
      if (opcode == OP_TEXT) return new String(payload, StandardCharsets.UTF_8);
      if (opcode == OP_CLOSE) throw new IOException("closed by the server while waiting for a text frame");
    }
  }

  /** Sends a close frame and gives the server a moment to finish with this connection. */
  void closeGracefully(Random random, Duration wait) {
    if (write(frame(FIN | OP_CLOSE, new byte[] {0x03, (byte) 0xe8}, random))) {
      try {
        socket.setSoTimeout((int) wait.toMillis());
        while (in.read() >= 0) {
          // drop until the server closes
        }
      } catch (IOException e) {
        // timed out or reset: closing anyway
      }
    }
    close();
  }

  @Override
  public void close() {
    closed = true;
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
