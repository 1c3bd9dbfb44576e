package io.chatrelay.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.http.HttpServerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The reference WebSocket server: bare Vert.x, every text frame echoed back, one server instance per core on a
 * shared port (as chatrelay's {@code wnet.server-instances: 0}). Run by the bench as its own process:
 * {@code java -cp chatrelay-bench.jar io.chatrelay.bench.EchoServer --port N} (or the {@code echo-server} command);
 * prints {@code echo-server listening on <port>} when it accepts connections.
 */
@Command(name = "echo-server", mixinStandardHelpOptions = true,
  description = "A bare Vert.x WebSocket echo server (the reference of the wnet scenarios); runs until killed.")
public final class EchoServer implements Callable<Integer> {
  private static volatile boolean serving;

  @Option(names = "--port", required = true, description = "Port on 127.0.0.1.")
  int port;

  @Option(names = "--instances", description = "Server instances (0: one per core). Default: ${DEFAULT-VALUE}.")
  int instances;

  public static void main(String[] args) {
    BenchMain.main(prepend(args));
  }

  private static String[] prepend(String[] args) {
    String[] all = new String[args.length + 1];
    all[0] = "echo-server";
    System.arraycopy(args, 0, all, 1, args.length);
    return all;
  }

  /** Starts the echo server as its own process (same JVM options as the chatrelay servers) and waits until it listens. */
  static Started start(BenchEnv env, String label) throws IOException, InterruptedException {
    int port = Ports.free();
    // absolute entries: the server runs in its own directory
    String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
      .map(e -> Path.of(e).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator));
    List<String> rest = List.of("-cp", classPath, EchoServer.class.getName(), "--port",
      String.valueOf(port));
    ServerProcess p = ServerProcess.start(label, ServerProcess.java(env.serverJvm(label), rest), env.workDir().resolve(label),
      env.logDir().resolve(label + ".log"), Map.of());
    p.awaitLine(l -> l.startsWith("echo-server listening"), Duration.ofSeconds(60));
    return new Started(p, new Endpoint("127.0.0.1", port, "/"));
  }

  /** A running echo server process and where it listens. */
  record Started(ServerProcess process, Endpoint endpoint) {
  }

  static boolean isServing() {
    return serving;
  }

  @Override
  public Integer call() {
    int count = instances > 0 ? instances : Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(() -> new Echo(port), new DeploymentOptions().setInstances(count))
      .await();
    serving = true;
    System.out.println("echo-server listening on " + port + " (" + count + " instances)");
    return 0;
  }

  /** One server instance: accepts every WebSocket, writes back each text message it receives. */
  static final class Echo extends VerticleBase {
    private final int port;

    Echo(int port) {
      this.port = port;
    }

    @Override
    public Future<?> start() {
      return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setTcpNoDelay(true))
        .webSocketHandler(ws -> ws.textMessageHandler(ws::writeTextMessage))
        .listen();
    }
  }
}
