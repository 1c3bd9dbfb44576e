package io.chatrelay.launcher;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Tchatator client on a plain blocking socket, for process-level tests: it writes exactly the bytes the original
 * C client writes (one write per request, {@code \n} line ends, nothing after the last line) and reads replies
 * as a client following the protocol page would: lines up to the blank line, and for a listed message exactly
 * {@code content-length} bytes after {@code content:}.
 */
public final class TchatatorSocket implements AutoCloseable {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(15);

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private TchatatorSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  public static TchatatorSocket connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
    return new TchatatorSocket(socket);
  }

  /** A reply: its status line ({@code 200/OK}) and its {@code key:value} lines in order. */
  public record Reply(String status, List<Map.Entry<String, String>> fields) {
    /** The first value of {@code key}, or null. */
    public String field(String key) {
      return fields.stream().filter(f -> f.getKey().equals(key)).map(Map.Entry::getValue).findFirst().orElse(null);
    }

    /** The listed messages (after {@code count}), each as its fields in order. */
    public List<Map<String, String>> messages() {
      List<Map<String, String>> messages = new ArrayList<>();
      boolean listing = false;
      for (Map.Entry<String, String> f : fields) {
        if (f.getKey().equals("count")) listing = true;
        else if (listing && f.getKey().equals("message-id")) messages.add(new LinkedHashMap<>());
        if (listing && !messages.isEmpty()) messages.get(messages.size() - 1).put(f.getKey(), f.getValue());
      }
      return messages;
    }

    /** The contents of the listed messages, in the reply's order. */
    public List<String> contents() {
      return messages().stream().map(m -> m.get("content")).toList();
    }

    @Override
    public String toString() {
      StringBuilder text = new StringBuilder(status);
      fields.forEach(f -> text.append('\n').append(f.getKey()).append(':').append(f.getValue()));
      return text.toString();
    }
  }

  // The requests as the C client writes them.

  public static String login(String apiKey) {
    return "LOGIN\napi-token:" + apiKey + "\n";
  }

  public static String sendMessage(String apiKey, long recipientId, String content) {
    return "SEND_MSG\ntoken:" + apiKey + "\nmessage-length:" + content.getBytes(StandardCharsets.UTF_8).length
      + "\nreceiver-id:" + recipientId + "\ncontent:" + content + "\n";
  }

  /** SEND_MSG with chatrelay's {@code client-id} extension (a retry with the same key stores nothing twice). */
  public static String sendMessage(String apiKey, long recipientId, String clientId, String content) {
    return "SEND_MSG\ntoken:" + apiKey + "\nmessage-length:" + content.getBytes(StandardCharsets.UTF_8).length
      + "\nreceiver-id:" + recipientId + "\nclient-id:" + clientId + "\ncontent:" + content + "\n";
  }

  public static String unread(String apiKey) {
    return "GET_UNREAD\ntoken:" + apiKey + "\n";
  }

  public static String history(String apiKey) {
    return "GET_HISTORY\ntoken:" + apiKey + "\n";
  }

  public static String subscribe(String apiKey) {
    return "SUBSCRIBE\ntoken:" + apiKey + "\n";
  }

  /** Writes {@code request} in one write and reads its reply. */
  public Reply request(String request) throws IOException {
    out.write(request.getBytes(StandardCharsets.UTF_8));
    out.flush();
    return next();
  }

  /** LOGIN that must succeed; returns the reply (user-id, name, role). */
  public Reply loginOk(String apiKey) throws IOException {
    Reply reply = request(login(apiKey));
    if (!reply.status().equals("200/OK")) throw new AssertionError("LOGIN refused: " + reply);
    return reply;
  }

  /** Reads the next reply-shaped block: the answer to a request, or a {@code 100/PUSH} in real-time mode. */
  public Reply next() throws IOException {
    String status = readLine();
    List<Map.Entry<String, String>> fields = new ArrayList<>();
    long contentLength = -1;
    while (true) {
      if (contentLength >= 0) {
        // "content:" then exactly content-length bytes (they may hold line breaks), then one '\n'
        String prefix = new String(in.readNBytes(8), StandardCharsets.UTF_8);
        if (!prefix.equals("content:")) throw new IOException("expected content: after content-length, got " + prefix);
        byte[] content = in.readNBytes((int) contentLength);
        if (content.length != contentLength || in.read() != '\n') throw new EOFException("content cut short");
        fields.add(Map.entry("content", new String(content, StandardCharsets.UTF_8)));
        contentLength = -1;
        continue;
      }
      String line = readLine();
      if (line.isEmpty()) return new Reply(status, fields);
      int colon = line.indexOf(':');
      if (colon < 0) throw new IOException("not a key:value line in a reply: " + line);
      String key = line.substring(0, colon);
      String value = line.substring(colon + 1);
      fields.add(Map.entry(key, value));
      if (key.equals("content-length")) contentLength = Long.parseLong(value);
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) throw new EOFException("connection closed by the edge; line so far: " + line.toString(StandardCharsets.UTF_8));
      line.write(b);
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
