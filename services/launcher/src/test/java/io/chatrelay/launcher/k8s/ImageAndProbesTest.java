package io.chatrelay.launcher.k8s;

import io.chatrelay.launcher.ChatrelayServer;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.shared.testing.TestPorts;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Probe;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** What the manifests expect of the program and of its image: probe paths it serves, ports and user the image has. */
@ExtendWith(VertxExtension.class)
class ImageAndProbesTest {

  private static List<Container> chatrelayContainers(String install) {
    List<Container> out = new ArrayList<>();
    for (var w : Manifests.render(install).workloads()) w.container("chatrelay").ifPresent(out::add);
    return out;
  }

  @Test
  void everyProbePathIsServedByARunningServer(Vertx vertx) throws Exception {
    Set<String> paths = new TreeSet<>();
    for (String install : List.of(Manifests.BASE, Manifests.SINGLE_NODE, Manifests.TLS)) {
      for (Container c : chatrelayContainers(install)) {
        for (Probe p : List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe())) paths.add(p.getHttpGet().getPath());
      }
    }
    assertThat(paths).isNotEmpty();
    ChatrelayConfig cfg = TestConfigs.local().with("admin.host", "127.0.0.1").with("admin.port", TestPorts.free());
    ChatrelayServer server = ChatrelayServer.start(cfg, List.of(), () -> cfg, null).await(60, TimeUnit.SECONDS);
    HttpClient client = vertx.createHttpClient();
    try {
      for (String path : paths) {
        int status = client.request(HttpMethod.GET, server.adminPort(), "127.0.0.1", path)
          .compose(req -> req.send().map(resp -> resp.statusCode())).await(10, TimeUnit.SECONDS);
        assertThat(status).as(path).isEqualTo(200);
      }
    } finally {
      server.stop().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void theImageExposesThePortsRunsAsThePodsUserAndSizesTheHeapFromTheLimit() throws Exception {
    String dockerfile = Files.readString(Manifests.repositoryRoot().resolve("Dockerfile"));
    Set<Integer> exposed = new TreeSet<>();
    Matcher expose = Pattern.compile("(?m)^EXPOSE\\s+(.+)$").matcher(dockerfile);
    while (expose.find()) for (String port : expose.group(1).trim().split("\\s+")) exposed.add(Integer.parseInt(port));
    Set<Integer> declared = new TreeSet<>();
    for (String install : List.of(Manifests.BASE, Manifests.SINGLE_NODE, Manifests.TLS)) {
      chatrelayContainers(install).forEach(c -> c.getPorts().stream().map(ContainerPort::getContainerPort).forEach(declared::add));
    }
    assertThat(exposed).isEqualTo(declared);

    Matcher user = Pattern.compile("(?m)^USER\\s+(\\d+):(\\d+)\\s*$").matcher(dockerfile);
    assertThat(user.find()).as("a numeric USER uid:gid").isTrue();
    assertThat(user.group(1)).isEqualTo("10001");
    for (var w : ManifestsTest.chatrelayWorkloads(Manifests.render(Manifests.BASE))) {
      var security = w.template().getSpec().getSecurityContext();
      assertThat(security.getRunAsNonRoot()).isTrue();
      assertThat(security.getRunAsUser()).isEqualTo(Long.parseLong(user.group(1))).isNotZero();
      assertThat(security.getRunAsGroup()).isEqualTo(Long.parseLong(user.group(2)));
    }
    assertThat(dockerfile).containsPattern("(?m)^FROM eclipse-temurin:17-jre\\s*$")
      .contains("-DskipTests")
      .contains("\"-XX:MaxRAMPercentage=60\"")
      // The shaded jar the launcher's build produces, where the ENTRYPOINT runs it.
      .contains("COPY --from=build /src/services/launcher/target/chatrelay.jar /app/chatrelay.jar")
      .contains("\"-jar\", \"/app/chatrelay.jar\"");
    // The operator's secrets (k8s/base/secrets/) never enter the build context, hence no image layer.
    assertThat(Files.readAllLines(Manifests.repositoryRoot().resolve(".dockerignore"))).contains("k8s");
    assertThat(Files.readString(Manifests.repositoryRoot().resolve("services/launcher/pom.xml")))
      .contains("<finalName>chatrelay</finalName>");
  }
}
