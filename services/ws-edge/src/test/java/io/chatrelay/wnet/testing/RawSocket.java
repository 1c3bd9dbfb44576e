package io.chatrelay.wnet.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A blocking TCP socket to the edge on 127.0.0.1, driven byte by byte from the test thread, for what no
 * WebSocket library sends: PROXY headers, handshakes with chosen (or trickled) headers, and frames with any
 * header bits. Reads wait at most {@link Await#DEADLINE_MS}.
 */
public final class RawSocket implements AutoCloseable {
  /** One frame from the server: FIN/RSV/opcode byte and payload. */
  public record Frame(int head, byte[] payload) {
    public int opcode() {
      return head & 0x0f;
    }

    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The status code of a close frame (1005, "no status", when it has none). */
    public int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
    }
  }

  public static final int OP_CONTINUATION = 0x0;
  public static final int OP_TEXT = 0x1;
  public static final int OP_CLOSE = 0x8;
  public static final int OP_PING = 0x9;
  public static final int FIN = 0x80;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final int port;

  private RawSocket(Socket socket, int port) throws IOException {
    this.socket = socket;
    this.port = port;
    socket.setSoTimeout((int) Await.DEADLINE_MS);
    socket.setTcpNoDelay(true);
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  public static RawSocket open(int port) {
    try {
      return new RawSocket(new Socket("127.0.0.1", port), port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The upgrade request of a WebSocket handshake on {@code /wnet/ws} with {@code headers} added (in order). */
  public String upgradeRequest(Map<String, String> headers) {
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    Map<String, String> all = new LinkedHashMap<>();
    all.put("Host", "127.0.0.1:" + port);
    all.put("Upgrade", "websocket");
    all.put("Connection", "Upgrade");
    all.put("Sec-WebSocket-Key", Base64.getEncoder().encodeToString(nonce));
    all.put("Sec-WebSocket-Version", "13");
    all.putAll(headers);
    StringBuilder request = new StringBuilder("GET /wnet/ws HTTP/1.1\r\n");
    all.forEach((name, value) -> {
      if (value != null) request.append(name).append(": ").append(value).append("\r\n");
    });
    return request.append("\r\n").toString();
  }

  /** Sends the upgrade request and returns the status of the answer (101 when upgraded). */
  public int handshake(Map<String, String> headers) {
    write(upgradeRequest(headers));
    return status(readHead());
  }

  public int handshake() {
    return handshake(Map.of());
  }

  public static int status(String head) {
    String[] statusLine = head.split("\r\n", 2)[0].split(" ");
    return Integer.parseInt(statusLine[1]);
  }

  public RawSocket write(String ascii) {
    return write(ascii.getBytes(StandardCharsets.ISO_8859_1));
  }

  public RawSocket write(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Tries to write; false when the server has closed the connection. */
  public boolean tryWrite(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The head of the next HTTP response (up to the blank line), as ISO-8859-1 text. */
  public String readHead() {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    try {
      while (true) {
        int b = in.read();
        if (b < 0) throw new AssertionError("connection closed before a full response head; got: " + head);
        head.write(b);
        byte[] h = head.toByteArray();
        int n = h.length;
        if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
          return head.toString(StandardCharsets.ISO_8859_1);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads (and drops) until the server closes the connection: true, or false if it is still open after {@code ms}. */
  public boolean awaitEof(long ms) {
    long deadline = System.currentTimeMillis() + ms;
    try {
      while (true) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) return false;
        socket.setSoTimeout((int) left);
        try {
          if (in.read() < 0) return true;
        } catch (SocketTimeoutException stillOpen) {
          return false;
        }
      }
    } catch (IOException reset) {
      return true;
    }
  }

  /** Sends one client frame: {@code head} is the first byte (FIN, RSV1-3, opcode); masked as a client must. */
  public RawSocket sendFrame(int head, byte[] payload) {
    return write(frame(head, payload, true));
  }

  /** The bytes of one frame with a minimal length encoding. */
  public static byte[] frame(int head, byte[] payload, boolean masked) {
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.write(head);
    int mask = masked ? 0x80 : 0;
    if (payload.length < 126) {
      f.write(mask | payload.length);
    } else if (payload.length < 65536) {
      f.write(mask | 126);
      f.write(payload.length >> 8);
      f.write(payload.length & 0xff);
    } else {
      f.write(mask | 127);
      for (int shift = 56; shift >= 0; shift -= 8) f.write((int) ((long) payload.length >> shift) & 0xff);
    }
    byte[] key = new byte[4];
    if (masked) {
      ThreadLocalRandom.current().nextBytes(key);
      f.writeBytes(key);
    }
    for (int i = 0; i < payload.length; i++) f.write(payload[i] ^ (masked ? key[i % 4] : 0));
    return f.toByteArray();
  }

  public RawSocket sendText(String text) {
    return sendFrame(FIN | OP_TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /** The next frame from the server (unmasked, as a server sends them); null once the connection is closed. */
  public Frame nextFrame() {
    try {
      socket.setSoTimeout((int) Await.DEADLINE_MS);
      int head = in.read();
      if (head < 0) return null;
      int len = in.read() & 0x7f;
      if (len == 126) {
        len = (in.read() << 8) | in.read();
      } else if (len == 127) {
        long l = 0;
        for (int i = 0; i < 8; i++) l = (l << 8) | in.read();
        len = Math.toIntExact(l);
      }
      byte[] payload = in.readNBytes(len);
      if (payload.length < len) return null;
      return new Frame(head, payload);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no frame within " + Await.DEADLINE_MS + " ms", e);
    } catch (IOException reset) {
      return null;
    }
  }

  /** The next text frame's text (pings and pongs skipped); fails on a close. */
  public String nextText() {
    for (Frame f = nextFrame(); f != null; f = nextFrame()) {
      if (f.opcode() == OP_TEXT) return f.text();
      if (f.opcode() == OP_CLOSE) throw new AssertionError("closed with " + f.closeCode() + " instead of a text frame");
    }
    throw new AssertionError("connection ended instead of a text frame");
  }

  /** Skips frames until the server's close frame and returns its status code; fails if the connection just ends. */
  public int awaitCloseCode() {
    for (Frame f = nextFrame(); f != null; f = nextFrame()) {
      if (f.opcode() == OP_CLOSE) return f.closeCode();
    }
    throw new AssertionError("connection ended without a close frame");
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
