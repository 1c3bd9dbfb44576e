package io.chatrelay.launcher;

import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.ops.NodeOps;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * The admin HTTP server (settings {@code admin.*}), for Kubernetes probes and Prometheus:
 * <ul>
 *   <li>{@code GET /health/live}: 200 while the process's event loop answers (liveness and startup probes);</li>
 *   <li>{@code GET /health/ready}: 200 when every readiness condition of the node holds (services started and not
 *   stopping, the cluster condition of {@link ClusterReadiness}, each service's own conditions), else 503 (500 if
 *   a check errs or times out); the JSON body names each condition and why it fails;</li>
 *   <li>{@code GET /metrics}: Vert.x, JVM and chatrelay meters in the Prometheus text format (404 when
 *   {@code admin.metrics-enabled} is false);</li>
 *   <li>{@code /} and {@code /api/...}: the operators' page and its JSON API ({@link OperatorsConsole}).</li>
 * </ul>
 * Deployed before the services and closed with Vert.x, so the probes answer during start and shutdown.
 */
public final class AdminServer extends VerticleBase {
  public static final String LIVE_PATH = "/health/live";
  public static final String READY_PATH = "/health/ready";
  public static final String METRICS_PATH = "/metrics";
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

  private final String host;
  private final int port;
  /** The operators' page and API ({@link OperatorsConsole}), mounted next to the probes. */
  private final Consumer<Router> console;
  private HttpServer server;

  AdminServer(ChatrelayConfig cfg, Consumer<Router> console) {
    this.host = cfg.admin().host();
    this.port = cfg.admin().port();
    this.console = console;
  }

  @Override
  public Future<?> start() {
    NodeOps ops = NodeOps.of(vertx);
    Router router = Router.router(vertx);
    // Answering at all proves the event loop runs; nothing else (database, cluster) may restart the process.
    HealthChecks live = HealthChecks.create(vertx).register("event-loop", promise -> promise.complete(Status.OK()));
    router.get(LIVE_PATH + "*").handler(HealthCheckHandler.createWithHealthChecks(live));
    router.get(READY_PATH + "*").handler(HealthCheckHandler.createWithHealthChecks(ops.readiness().healthChecks()));
    if (ops.meters().registry() instanceof PrometheusMeterRegistry prometheus) {
      router.get(METRICS_PATH).handler(PrometheusScrapingHandler.create(prometheus));
    }
    console.accept(router);
    return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
      .requestHandler(router)
      .listen()
      .onSuccess(s -> {
        server = s;
        LOG.info("admin server on {}:{} ({}, {}, {})", host, s.actualPort(), LIVE_PATH, READY_PATH, METRICS_PATH);
      })
      .recover(err -> Future.failedFuture(new IllegalStateException(
        "admin server cannot listen on " + host + ":" + port + " (admin.host/admin.port): " + err.getMessage(), err)));
  }

  /** The port it listens on (the chosen one when {@code admin.port} is 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
