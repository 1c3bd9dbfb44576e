package io.chatrelay.launcher;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Real HTTP requests to an admin server on 127.0.0.1, as a kubelet probe or Prometheus would make them. */
public final class AdminProbe {
  private final Vertx vertx;
  private final HttpClient client;
  private final int port;

  public AdminProbe(Vertx vertx, int port) {
    this.vertx = vertx;
    this.port = port;
    // A new connection per request, like kubelet's probes.
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
  }

  public record Reply(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    /** The status ("UP"/"DOWN") of one named check in a health reply, or null if it is not listed. */
    public String check(String id) {
      JsonArray checks = json().getJsonArray("checks", new JsonArray());
      for (int i = 0; i < checks.size(); i++) {
        JsonObject check = checks.getJsonObject(i);
        if (id.equals(check.getString("id"))) return check.getString("status");
      }
      return null;
    }
  }

  Future<Reply> get(String path) {
    return client.request(HttpMethod.GET, port, "127.0.0.1", path)
      .compose(req -> req.send().compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), b.toString()))));
  }

  Reply getNow(String path) throws Exception {
    return get(path).await(10, TimeUnit.SECONDS);
  }

  /** Asks every 100 ms until a reply matches, failing after {@code within}; connection errors count as no match. */
  public Reply awaitReply(String path, Predicate<Reply> wanted, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    Reply last = null;
    Throwable lastError = null;
    while (System.nanoTime() < deadline) {
      try {
        last = getNow(path);
        if (wanted.test(last)) return last;
      } catch (Exception e) {
        lastError = e;
      }
      vertx.timer(100).await(1, TimeUnit.SECONDS);
    }
    throw new AssertionError("no matching reply from " + path + " within " + within + "; last: "
      + (last != null ? last : lastError));
  }

  /** One probe of {@code /health/ready} on {@code port}, asked until a reply matches (see {@link #awaitReply}). */
  public static Reply awaitReadiness(Vertx vertx, int port, Predicate<Reply> wanted, Duration within) throws Exception {
    AdminProbe probe = new AdminProbe(vertx, port);
    try {
      return probe.awaitReply(AdminServer.READY_PATH, wanted, within);
    } finally {
      probe.close();
    }
  }

  public Future<Void> close() {
    return client.close();
  }
}
