package io.chatrelay.launcher;

import io.chatrelay.launcher.TchatatorSocket.Reply;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tchatator senders for the fault tests: one thread and one connection per member, each sending SEND_MSG with a
 * fresh {@code client-id} as soon as the previous one was acknowledged, as a careful client would: a {@code 503}
 * is retried with the same {@code client-id} after the advised {@code retry-after-ms} (capped, to keep the load
 * up), a lost connection is retried on the first edge that takes a new one (its home edge first). Every request
 * and its outcome is recorded; every acknowledged {@code client-id -> message-id} too.
 */
final class TchatatorSendLoad implements AutoCloseable {
  /** Longest pause between a 503 and its retry, whatever the advice. */
  private static final long MAX_RETRY_PAUSE_MS = 300;

  /** One request: when it was written, how long its answer took, and the answer (or the connection's failure). */
  record Outcome(long sender, int port, String command, long startedNanos, long tookMs, String status, String reason,
                 String retryAfterMs, boolean replayed, String failure) {
    boolean ok() {
      return "200/OK".equals(status);
    }

    boolean answered() {
      return status != null;
    }

    @Override
    public String toString() {
      return command + " of " + sender + " on :" + port + " " + (answered() ? status + " reason:" + reason
        + " retry-after-ms:" + retryAfterMs : "no answer (" + failure + ")") + " in " + tookMs + " ms";
    }
  }

  private final String tag;
  private final List<LauncherCli.Created> senders;
  private final long recipientId;
  private final List<Integer> ports;
  private final long pauseMs;
  private final List<Thread> threads = new ArrayList<>();
  private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
  /** sender id -> (client-id -> message-id) of every acknowledged send. */
  private final Map<Long, Map<String, String>> acked = new ConcurrentHashMap<>();
  private final AtomicInteger replays = new AtomicInteger();
  private volatile boolean stopping;

  /**
   * {@code senders} send to {@code recipientId}, sender {@code i} at home on {@code ports[i % n]}, pausing
   * {@code pauseMs} between acknowledged sends; every client-id starts with {@code tag-} (one tag per load).
   */
  TchatatorSendLoad(String tag, List<LauncherCli.Created> senders, long recipientId, List<Integer> ports, long pauseMs) {
    this.tag = tag;
    this.senders = senders;
    this.recipientId = recipientId;
    this.ports = ports;
    this.pauseMs = pauseMs;
  }

  TchatatorSendLoad start() {
    for (int i = 0; i < senders.size(); i++) {
      LauncherCli.Created sender = senders.get(i);
      acked.put(sender.id(), new ConcurrentHashMap<>());
      int home = i % ports.size();
      Thread t = new Thread(() -> run(sender, home), "send-load-" + sender.name());
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    return this;
  }

  private void run(LauncherCli.Created sender, int home) {
    TchatatorSocket socket = null;
    int port = -1;
    int seq = 0;
    String clientId = null;
    // a send under way is finished (acknowledged) even after stop() was asked, so no client-id is left in doubt
    while (!stopping || clientId != null) {
      try {
        if (socket == null) {
          for (int k = 0; k < ports.size() && socket == null; k++) {
            port = ports.get((home + k) % ports.size());
            try {
              socket = TchatatorSocket.connect(port);
            } catch (IOException refused) {
              // that edge is gone: the next one
            }
          }
          if (socket == null) {
            pause(MAX_RETRY_PAUSE_MS);
            continue;
          }
          Outcome login = timed(sender, port, "LOGIN", socket, TchatatorSocket.login(sender.apiKey()));
          if (!login.ok()) {
            socket.close();
            socket = null;
            pause(retryPause(login));
            continue;
          }
        }
        if (clientId == null) clientId = tag + "-" + sender.id() + "-" + (++seq);
        Outcome sent = timed(sender, port, "SEND_MSG", socket,
          TchatatorSocket.sendMessage(sender.apiKey(), recipientId, clientId, "fault load " + clientId));
        if (sent.ok()) {
          clientId = null;
          pause(pauseMs);
        } else {
          pause(retryPause(sent));
        }
      } catch (IOException lost) {
        // the edge went away under the request: a new connection, the same client-id
        closeQuietly(socket);
        socket = null;
      }
    }
    closeQuietly(socket);
  }

  /** Writes one request and records its outcome; a lost connection is recorded and rethrown. */
  private Outcome timed(LauncherCli.Created sender, int port, String command, TchatatorSocket socket, String request)
    throws IOException {
    long started = System.nanoTime();
    try {
      Reply reply = socket.request(request);
      long took = (System.nanoTime() - started) / 1_000_000;
      boolean replayed = "true".equals(reply.field("replayed"));
      Outcome o = new Outcome(sender.id(), port, command, started, took, reply.status(), reply.field("reason"),
        reply.field("retry-after-ms"), replayed, null);
      outcomes.add(o);
      if (o.ok() && command.equals("SEND_MSG")) {
        String clientId = request.lines().filter(l -> l.startsWith("client-id:")).findFirst().orElseThrow().substring(10);
        String previous = acked.get(sender.id()).put(clientId, reply.field("message-id"));
        if (replayed) replays.incrementAndGet();
        if (previous != null && !previous.equals(reply.field("message-id"))) {
          outcomes.add(new Outcome(sender.id(), port, command, started, took, "MISMATCH", "client-id " + clientId
            + " acknowledged as " + previous + " then " + reply.field("message-id"), null, replayed, null));
        }
      }
      return o;
    } catch (IOException e) {
      outcomes.add(new Outcome(sender.id(), port, command, started, (System.nanoTime() - started) / 1_000_000,
        null, null, null, false, e.toString()));
      throw e;
    }
  }

  private static long retryPause(Outcome o) {
    try {
      return Math.min(MAX_RETRY_PAUSE_MS, Long.parseLong(o.retryAfterMs()));
    } catch (NumberFormatException e) {
      return MAX_RETRY_PAUSE_MS;
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(TchatatorSocket socket) {
    try {
      if (socket != null) socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  String tag() {
    return tag;
  }

  /** Every request so far. */
  List<Outcome> outcomes() {
    return List.copyOf(outcomes);
  }

  /** The requests written at or after {@code nanos}. */
  List<Outcome> since(long nanos) {
    return outcomes().stream().filter(o -> o.startedNanos() - nanos >= 0).toList();
  }

  /** Acknowledged sends: sender id -> (client-id -> message-id). */
  Map<Long, Map<String, String>> acked() {
    return acked;
  }

  int ackedCount() {
    return acked.values().stream().mapToInt(Map::size).sum();
  }

  /** Acknowledgements that were replays of a send stored before ({@code replayed:true}). */
  int replays() {
    return replays.get();
  }

  /** Stops taking new client-ids; each sender finishes its send under way (retrying) within {@code within}. */
  void stop(Duration within) throws InterruptedException {
    stopping = true;
    long deadline = System.nanoTime() + within.toNanos();
    for (Thread t : threads) {
      t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      if (t.isAlive()) throw new AssertionError(t.getName() + " did not finish its last send within " + within);
    }
  }

  @Override
  public void close() {
    stopping = true;
    threads.forEach(Thread::interrupt);
  }
}
