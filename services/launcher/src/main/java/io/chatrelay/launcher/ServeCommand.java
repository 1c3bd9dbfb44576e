package io.chatrelay.launcher;

import io.chatrelay.shared.config.ChatrelayConfig;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** {@code serve}: starts the chosen services in this process and runs until SIGTERM/SIGINT. */
@Command(name = "serve", mixinStandardHelpOptions = true,
  description = "Start services in this process. Without options: all four services, one process, embedded database.")
final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
  private static volatile boolean serving;

  @Mixin
  SettingsOptions settings;

  @Option(names = "--services", paramLabel = "LIST", split = ",",
    description = "Services to start (comma separated): message-store, bot-registry, ws-edge, tcp-edge, or all. Default: all.")
  List<String> services = List.of("all");

  @Option(names = "--cluster", description = "Join a Hazelcast cluster (cluster.enabled=true).")
  boolean cluster;

  @Option(names = "--cluster-members", paramLabel = "HOST:PORT,...", description = "Hazelcast TCP-IP join list (cluster.members).")
  String members;

  @Option(names = "--cluster-port", paramLabel = "PORT", description = "Hazelcast member port (cluster.port).")
  Integer clusterPort;

  @Option(names = "--cluster-interface", paramLabel = "ADDRESS", description = "Interface Hazelcast binds to (cluster.interface).")
  String clusterInterface;

  @Option(names = "--eventbus-host", paramLabel = "HOST", description = "Host other members reach this event bus at (cluster.eventbus-host).")
  String eventbusHost;

  @Option(names = "--eventbus-port", paramLabel = "PORT", description = "Event-bus port (cluster.eventbus-port).")
  Integer eventbusPort;

  @Option(names = "--verbose", description = "Also print the Tchatator log on the console (tchatator.log-to-console=true).")
  boolean verbose;

  static boolean isServing() {
    return serving;
  }

  @Override
  public Integer call() throws Exception {
    if (cluster) settings.put("cluster.enabled", true);
    if (members != null) settings.put("cluster.members", Main.split(members));
    settings.put("cluster.port", clusterPort);
    settings.put("cluster.interface", clusterInterface);
    settings.put("cluster.eventbus-host", eventbusHost);
    settings.put("cluster.eventbus-port", eventbusPort);
    if (verbose) settings.put("tchatator.log-to-console", true);
    List<ServiceCatalog> chosen = ServiceCatalog.parse(services);
    ChatrelayConfig cfg = settings.load();
    NodeNameConverter.use(cfg.node().name());

    // SIGTERM (Kubernetes stopping the pod) and SIGINT run this hook; the JVM exits when it returns.
    // Registered before starting, so a SIGTERM during start-up also stops what has started.
    CompletableFuture<ChatrelayServer> started = new CompletableFuture<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      ChatrelayServer running = started.getNow(null);
      long timeoutSeconds = (running == null ? cfg : running.config().get()).shutdown().timeoutSeconds();
      LOG.info("shutting down (at most {} s)", timeoutSeconds);
      try {
        // stop() bounds itself; the margin covers a Vert.x that no longer runs its timers.
        if (running != null) {
          running.stop().toCompletionStage().toCompletableFuture().get(timeoutSeconds + 2, TimeUnit.SECONDS);
        }
        LOG.info("stopped");
      } catch (Exception e) {
        LOG.warn("shutdown did not complete cleanly: {}", e.toString());
      }
    }, "chatrelay-shutdown"));

    ChatrelayServer server;
    try {
      server = ChatrelayServer.start(cfg, chosen, settings::load, settings.configFile)
        .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      LOG.error("start failed: {}", e.getCause().getMessage(), e.getCause());
      return 1;
    }
    started.complete(server);
    serving = true;
    LOG.info("chatrelay serving {} (node {}{})", String.join(",", chosen.stream().map(ServiceCatalog::serviceName).toList()),
      server.node().cluster().nodeId(), server.node().cluster().clustered() ? ", clustered" : ", local");

    Signal.handle(new Signal("HUP"), sig -> {
      LOG.info("SIGHUP: reloading settings");
      server.reloader().reload();
    });
    return 0;
  }
}
