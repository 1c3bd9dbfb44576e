package io.chatrelay.launcher.k8s;

import io.chatrelay.launcher.ServiceCatalog;
import io.chatrelay.launcher.k8s.KubernetesObjects.Workload;
import io.chatrelay.launcher.k8s.NetworkPolicies.Destination;
import io.chatrelay.launcher.k8s.NetworkPolicies.Source;
import io.chatrelay.shared.config.ChatrelayConfig;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The NetworkPolicies allow exactly the flows docs/security.md ("Network") lists, and nothing else: every source
 * that matters (each chatrelay pod, the database, the namespace's monitoring, a stranger pod in the namespace, a pod
 * of another namespace wearing chatrelay's labels, the world outside) against every port every pod declares.
 */
class NetworkPoliciesTest {
  private static final String NAMESPACE = "chatrelay";
  private static final Map<String, String> MONITORING = Map.of("app.kubernetes.io/name", "prometheus", "chatrelay.io/monitoring", "true");
  private static final PodLaunch.Pod POD = new PodLaunch.Pod("10.1.2.3", "chatrelay-pod-0");

  @TempDir
  Path scratch;

  private Map<String, ChatrelayConfig> settingsByWorkload(KubernetesObjects k8s) {
    Map<String, ChatrelayConfig> out = new HashMap<>();
    for (PodLaunch launch : PodLaunch.of(k8s, POD)) out.put(launch.workload(), launch.settings(scratch.resolve(launch.workload())));
    return out;
  }

  /** Which sources may reach {@code port} of {@code destination}, by the documented rules. */
  private static boolean documented(String source, Workload destination, int port, Map<String, ChatrelayConfig> settings,
                                    KubernetesObjects k8s) {
    Set<String> chatrelayPods = settings.keySet();
    ChatrelayConfig cfg = settings.get(destination.name());
    if (cfg == null) {
      // The bundled database: from the message store only.
      ChatrelayConfig store = settings.get(ManifestsTest.workloadOf(k8s, ServiceCatalog.MESSAGE_STORE).name());
      return port == store.getInt("database.postgres.port") && source.equals(ManifestsTest.workloadOf(k8s, ServiceCatalog.MESSAGE_STORE).name());
    }
    if (port == cfg.getInt("cluster.port") || port == cfg.getInt("cluster.eventbus-port")) return chatrelayPods.contains(source);
    if (port == cfg.getInt("admin.port")) return source.equals("monitoring");
    if (destination.name().equals(ManifestsTest.workloadOf(k8s, ServiceCatalog.WS_EDGE).name()) && port == cfg.getInt("wnet.port")) return true;
    if (destination.name().equals(ManifestsTest.workloadOf(k8s, ServiceCatalog.TCP_EDGE).name()) && port == cfg.getInt("tchatator.port")) return true;
    // the TLS ports (k8s/overlays/tls), from anywhere like the plain ones beside them
    if (destination.name().equals(ManifestsTest.workloadOf(k8s, ServiceCatalog.WS_EDGE).name()) && port == cfg.getInt("wnet.tls.port")) return true;
    if (destination.name().equals(ManifestsTest.workloadOf(k8s, ServiceCatalog.TCP_EDGE).name()) && port == cfg.getInt("tchatator.tls.port")) return true;
    return false;
  }

  private static Map<String, Source> sources(KubernetesObjects k8s) {
    Map<String, Source> out = new LinkedHashMap<>();
    for (Workload w : k8s.workloads()) out.put(w.name(), Source.pod(NAMESPACE, w.labels()));
    out.put("monitoring", Source.pod(NAMESPACE, MONITORING));
    out.put("stranger in the namespace", Source.pod(NAMESPACE, Map.of("app.kubernetes.io/name", "debug-shell")));
    Map<String, String> impostor = new HashMap<>(ManifestsTest.workloadOf(k8s, ServiceCatalog.MESSAGE_STORE).labels());
    impostor.putAll(MONITORING);
    out.put("chatrelay look-alike in another namespace", Source.pod("elsewhere", impostor));
    out.put("outside the cluster", Source.OUTSIDE);
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE, Manifests.TLS})
  void thePoliciesAllowExactlyTheDocumentedFlows(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    NetworkPolicies policies = new NetworkPolicies(k8s.all(NetworkPolicy.class));
    Map<String, ChatrelayConfig> settings = settingsByWorkload(k8s);
    List<String> wrong = new ArrayList<>();
    int allowed = 0;
    int refused = 0;
    for (Workload destination : k8s.workloads()) {
      assertThat(destination.object().getMetadata().getNamespace()).isEqualTo(NAMESPACE);
      for (Container c : destination.template().getSpec().getContainers()) {
        for (ContainerPort declared : c.getPorts()) {
          int port = declared.getContainerPort();
          for (Map.Entry<String, Source> source : sources(k8s).entrySet()) {
            boolean expected = documented(source.getKey(), destination, port, settings, k8s);
            boolean actual = policies.allows(source.getValue(), new Destination(NAMESPACE, destination.labels(), c), port);
            if (expected != actual) wrong.add(source.getKey() + " -> " + destination.name() + ":" + port + (actual ? " allowed" : " refused"));
            if (actual) allowed++;
            else refused++;
          }
        }
      }
    }
    assertThat(wrong).as("flows that differ from docs/security.md").isEmpty();
    assertThat(allowed).isPositive();
    assertThat(refused).isPositive();
    // No chatrelay port is left out of the rules above: each is one the documented flows name.
    settings.forEach((name, cfg) -> assertThat(k8s.workload(name).container("chatrelay").orElseThrow().getPorts())
      .extracting(ContainerPort::getContainerPort).allSatisfy(port -> assertThat(port).isIn(cfg.getInt("cluster.port"),
        cfg.getInt("cluster.eventbus-port"), cfg.getInt("admin.port"), cfg.getInt("wnet.port"), cfg.getInt("tchatator.port"),
        cfg.getInt("wnet.tls.port"), cfg.getInt("tchatator.tls.port"))));
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE, Manifests.TLS})
  void anyOtherPodOfTheNamespaceRefusesEverythingAndEachPolicyIsNeeded(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    List<NetworkPolicy> all = k8s.all(NetworkPolicy.class);
    Container anything = new Container();
    anything.setPorts(List.of());
    Destination stranger = new Destination(NAMESPACE, Map.of("app.kubernetes.io/name", "debug-shell"), anything);
    for (Source source : sources(k8s).values()) {
      for (int port : List.of(22, 80, 5432, 5701, 9400)) {
        assertThat(new NetworkPolicies(all).allows(source, stranger, port)).as("default deny, " + source + " port " + port).isFalse();
      }
    }
    // Without the default deny, that pod would be open: the policy is what closes it.
    List<NetworkPolicy> withoutDefaultDeny = all.stream().filter(p -> !p.getMetadata().getName().equals("chatrelay-default-deny")).toList();
    assertThat(new NetworkPolicies(withoutDefaultDeny).allows(Source.OUTSIDE, stranger, 80)).isTrue();
    // Without the cluster policy, members could not reach each other's Hazelcast: it is what lets them in.
    Workload store = ManifestsTest.workloadOf(k8s, ServiceCatalog.MESSAGE_STORE);
    Workload registry = ManifestsTest.workloadOf(k8s, ServiceCatalog.BOT_REGISTRY);
    Destination registryPod = new Destination(NAMESPACE, registry.labels(), registry.container("chatrelay").orElseThrow());
    Source storePod = Source.pod(NAMESPACE, store.labels());
    assertThat(new NetworkPolicies(all).allows(storePod, registryPod, 5701)).isTrue();
    List<NetworkPolicy> withoutCluster = all.stream().filter(p -> !p.getMetadata().getName().equals("chatrelay-cluster")).toList();
    assertThat(new NetworkPolicies(withoutCluster).allows(storePod, registryPod, 5701)).isFalse();
  }
}
