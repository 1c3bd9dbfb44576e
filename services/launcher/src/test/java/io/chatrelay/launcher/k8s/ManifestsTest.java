package io.chatrelay.launcher.k8s;

import io.chatrelay.launcher.AdminServer;
import io.chatrelay.launcher.ServiceCatalog;
import io.chatrelay.launcher.k8s.KubernetesObjects.Workload;
import io.chatrelay.shared.cluster.HazelcastSettings;
import io.chatrelay.shared.config.ChatrelayConfig;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Kubernetes manifests, rendered as {@code kubectl apply -k} would and read into the Kubernetes object model,
 * checked against what the launcher really does: its settings keys and ports, its admin server's paths, its
 * shutdown timing. Each check runs on the base and on the single-node overlay.
 */
class ManifestsTest {
  private static final PodLaunch.Pod POD = new PodLaunch.Pod("10.1.2.3", "chatrelay-pod-0");
  private static final String CHATRELAY_CONTAINER = "chatrelay";
  /** The pod label telling Hazelcast data members (the one shared disruption budget) from lite members. */
  static final String MEMBER_LABEL = "chatrelay.io/hazelcast-member";

  @TempDir
  Path scratch;

  /** Each chatrelay workload (Deployment or StatefulSet) and the settings its pod runs with (defaults, file, env). */
  private Map<Workload, ChatrelayConfig> settingsByWorkload(KubernetesObjects k8s) {
    Map<Workload, ChatrelayConfig> out = new LinkedHashMap<>();
    for (PodLaunch launch : PodLaunch.of(k8s, POD)) {
      ChatrelayConfig cfg = launch.settings(scratch.resolve(launch.workload()));
      assertThat(cfg.warnings()).as(launch.workload() + ": environment variables that match no setting").isEmpty();
      out.put(k8s.workload(launch.workload()), cfg);
    }
    return out;
  }

  private static Container chatrelay(Workload w) {
    return w.container(CHATRELAY_CONTAINER).orElseThrow(() -> new AssertionError(w.name() + ": no container named chatrelay"));
  }

  /** The workloads that run chatrelay (not the bundled database). */
  static List<Workload> chatrelayWorkloads(KubernetesObjects k8s) {
    return k8s.workloads().stream().filter(w -> w.container(CHATRELAY_CONTAINER).isPresent()).toList();
  }

  private static String service(Workload w) {
    List<String> args = chatrelay(w).getArgs();
    return args.get(args.indexOf("--services") + 1);
  }

  static Workload workloadOf(KubernetesObjects k8s, ServiceCatalog service) {
    List<Workload> found = chatrelayWorkloads(k8s).stream().filter(w -> service(w).equals(service.serviceName())).toList();
    assertThat(found).as("workloads of " + service.serviceName()).hasSize(1);
    return found.get(0);
  }

  /** The container port a Service or probe port (number or name) designates. */
  static int containerPort(Container c, IntOrString port) {
    if (port.getIntVal() != null) {
      assertThat(c.getPorts()).extracting(ContainerPort::getContainerPort).contains(port.getIntVal());
      return port.getIntVal();
    }
    return c.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName())).findFirst()
      .orElseThrow(() -> new AssertionError(c.getName() + " has no port named " + port.getStrVal())).getContainerPort();
  }

  private static int namedPort(Container c, String name) {
    return containerPort(c, new IntOrString(name));
  }

  static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return selector != null && !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE, Manifests.TLS})
  void everyServiceRunsInItsOwnWorkloadWithTheMountedSettingsFile(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    List<PodLaunch> launches = PodLaunch.of(k8s, POD);
    assertThat(launches).hasSameSizeAs(chatrelayWorkloads(k8s));
    Set<ServiceCatalog> covered = new HashSet<>();
    for (PodLaunch launch : launches) {
      assertThat(launch.args().get(0)).isEqualTo("serve");
      List<ServiceCatalog> services = ServiceCatalog.parse(List.of(launch.option("--services").split(",")));
      assertThat(services).as(launch.workload() + " runs one service").hasSize(1);
      assertThat(covered.add(services.get(0))).as("a second workload for " + services.get(0)).isTrue();
      // The settings file is a key of a ConfigMap mounted as a directory (PodLaunch refuses subPath mounts).
      assertThat(launch.files()).containsKey(launch.option("--config"));
    }
    assertThat(covered).containsExactlyInAnyOrder(ServiceCatalog.values());
    // Every chatrelay pod runs the same image, the one kustomize sets: a placeholder that can never be pulled.
    assertThat(chatrelayWorkloads(k8s)).extracting(w -> chatrelay(w).getImage()).containsOnly("registry.invalid/chatrelay:0.1.0");
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE, Manifests.TLS})
  void edgesAreLiteMembersAndTheRegistryAndStoreAreDataMembersInStatefulSets(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    Map<ServiceCatalog, Boolean> lite = Map.of(ServiceCatalog.WS_EDGE, true, ServiceCatalog.TCP_EDGE, true,
      ServiceCatalog.BOT_REGISTRY, false, ServiceCatalog.MESSAGE_STORE, false);
    Map<Workload, ChatrelayConfig> settings = settingsByWorkload(k8s);
    lite.forEach((service, isLite) -> {
      Workload w = workloadOf(k8s, service);
      ChatrelayConfig cfg = settings.get(w);
      assertThat(cfg.getBoolean("cluster.lite-member")).as(w.name()).isEqualTo(isLite);
      assertThat(HazelcastSettings.fromConfig(cfg).isLiteMember()).isEqualTo(isLite);
      assertThat(w.labels()).containsEntry(MEMBER_LABEL, isLite ? "lite" : "data");
      // Data members are StatefulSets (ordered start, one-at-a-time updates); edges Deployments (autoscaled).
      assertThat(w.kind()).isEqualTo(isLite ? "Deployment" : "StatefulSet");
      // A lite member waits for a data member at start, within the startup probe's budget.
      Probe startup = chatrelay(w).getStartupProbe();
      assertThat(cfg.getLong("cluster.data-member-wait-seconds"))
        .isLessThan((long) startup.getPeriodSeconds() * startup.getFailureThreshold());
    });
    for (StatefulSet s : k8s.all(StatefulSet.class)) {
      if (s.getMetadata().getName().equals("chatrelay-postgres")) continue;
      assertThat(s.getSpec().getPodManagementPolicy()).isEqualTo("OrderedReady");
      assertThat(s.getSpec().getVolumeClaimTemplates()).as("a data member keeps nothing on disk").isNullOrEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE, Manifests.TLS})
  void environmentVariablesNameRealSettingsAndServiceLinksAreOff(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    Set<String> settingsEnv = new HashSet<>();
    ChatrelayConfig.defaults().keys().forEach(k -> settingsEnv.add(ChatrelayConfig.envName(k)));
    for (Workload w : k8s.workloads()) {
      PodTemplateSpec template = w.template();
      assertThat(template.getSpec().getEnableServiceLinks()).as("enableServiceLinks").isFalse();
      assertThat(template.getSpec().getAutomountServiceAccountToken()).as("automountServiceAccountToken").isFalse();
      for (Container c : template.getSpec().getContainers()) {
        assertThat(c.getEnvFrom()).as("envFrom would hide which variables a pod gets").isNullOrEmpty();
        for (EnvVar e : c.getEnv()) {
          if (e.getName().startsWith(ChatrelayConfig.ENV_PREFIX)) assertThat(settingsEnv).contains(e.getName());
        }
      }
    }
    for (Workload w : chatrelayWorkloads(k8s)) {
      Map<String, EnvVar> env = new HashMap<>();
      chatrelay(w).getEnv().forEach(e -> env.put(e.getName(), e));
      // Besides settings, only the JVM's options and the namespace the discovery name is built from.
      assertThat(env.keySet().stream().filter(n -> !settingsEnv.contains(n)))
        .containsExactlyInAnyOrder("JAVA_TOOL_OPTIONS", "POD_NAMESPACE");
      for (String podIpSetting : List.of("cluster.eventbus-host", "cluster.interface")) {
        EnvVar e = env.get(ChatrelayConfig.envName(podIpSetting));
        assertThat(e).as(w.name() + ": " + podIpSetting).isNotNull();
        assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.podIP");
      }
    }
    // The pod IP reaches the settings the event bus and Hazelcast bind to.
    settingsByWorkload(k8s).values().forEach(cfg -> {
      assertThat(cfg.getString("cluster.eventbus-host")).isEqualTo(POD.ip());
      assertThat(cfg.getString("cluster.interface")).isEqualTo(POD.ip());
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE, Manifests.TLS})
  void probesAskTheAdminServerOnItsPortAndPaths(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    settingsByWorkload(k8s).forEach((w, cfg) -> {
      Container c = chatrelay(w);
      assertThat(namedPort(c, "admin")).isEqualTo(cfg.getInt("admin.port"));
      Map<Probe, String> expected = new LinkedHashMap<>();
      expected.put(c.getStartupProbe(), AdminServer.LIVE_PATH);
      expected.put(c.getLivenessProbe(), AdminServer.LIVE_PATH);
      expected.put(c.getReadinessProbe(), AdminServer.READY_PATH);
      expected.forEach((probe, path) -> {
        assertThat(probe).as(w.name() + " probe for " + path).isNotNull();
        HTTPGetAction get = probe.getHttpGet();
        assertThat(get.getPath()).isEqualTo(path);
        assertThat(get.getScheme()).isIn(null, "HTTP");
        assertThat(containerPort(c, get.getPort())).isEqualTo(cfg.getInt("admin.port"));
      });
      // Two minutes to join the cluster and start; readiness asked every 5 s.
      assertThat(c.getStartupProbe().getPeriodSeconds() * c.getStartupProbe().getFailureThreshold()).isEqualTo(120);
      assertThat(c.getReadinessProbe().getPeriodSeconds()).isEqualTo(5);
      assertThat(c.getReadinessProbe().getTimeoutSeconds()).isEqualTo(3);
      // Prometheus' conventional annotations point at the metrics the admin server serves.
      assertThat(w.template().getMetadata().getAnnotations())
        .containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/port", String.valueOf(cfg.getInt("admin.port")))
        .containsEntry("prometheus.io/path", AdminServer.METRICS_PATH);
      // A readiness check may take admin.check-timeout-ms; the probe must wait longer than that.
      assertThat(c.getReadinessProbe().getTimeoutSeconds() * 1000L).isGreaterThan(cfg.getLong("admin.check-timeout-ms"));
      assertThat(cfg.getBoolean("admin.enabled")).isTrue();
    });
    for (Workload w : k8s.workloads()) {
      for (Container c : w.template().getSpec().getContainers()) {
        assertThat(List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe())).doesNotContainNull();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE, Manifests.TLS})
  void everyContainerHasRequestsAndLimits(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    for (Workload w : k8s.workloads()) {
      for (Container c : w.template().getSpec().getContainers()) {
        ResourceRequirements r = c.getResources();
        for (String resource : List.of("cpu", "memory")) {
          Quantity request = r.getRequests().get(resource);
          Quantity limit = r.getLimits().get(resource);
          assertThat(request).as(c.getName() + " requests " + resource).isNotNull();
          assertThat(limit).as(c.getName() + " limits " + resource).isNotNull();
          assertThat(limit.getNumericalAmount()).isGreaterThanOrEqualTo(request.getNumericalAmount());
        }
      }
    }
    // The JVM sizes its heap from the memory limit: chatrelay pods are never scheduled with less than that.
    for (Workload w : chatrelayWorkloads(k8s)) {
      ResourceRequirements r = chatrelay(w).getResources();
      assertThat(r.getRequests().get("memory")).isEqualTo(r.getLimits().get("memory"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE, Manifests.TLS})
  void imagesAreRegistryQualifiedWithAnExplicitPullPolicy(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    for (Workload w : k8s.workloads()) {
      for (Container c : w.template().getSpec().getContainers()) {
        String host = c.getImage().substring(0, Math.max(0, c.getImage().indexOf('/')));
        // A first path element with a dot or port names a registry; otherwise the runtime picks one (Docker Hub).
        assertThat(host).as(c.getImage() + " names its registry").matches("localhost|.*[.:].*");
        assertThat(c.getImagePullPolicy()).as(w.name() + " imagePullPolicy").isEqualTo("IfNotPresent");
      }
    }
    assertThat(k8s.workload("chatrelay-postgres").container("postgres").orElseThrow().getImage())
      .isEqualTo("docker.io/library/postgres:16");
  }

  /** What {@code kustomize edit set image} writes into a kustomization: the chatrelay pods then run that image. */
  @ParameterizedTest
  @CsvSource({
    "newTag, 1.2.3, registry.example.com/team/chatrelay:1.2.3",
    "digest, sha256:0123abcd, registry.example.com/team/chatrelay@sha256:0123abcd",
  })
  void theImageIsSetWithKustomizeEditSetImage(String field, String value, String expected, @TempDir Path overlay)
    throws Exception {
    Files.writeString(overlay.resolve("kustomization.yaml"), String.join("\n",
      "apiVersion: kustomize.config.k8s.io/v1beta1",
      "kind: Kustomization",
      "resources:",
      "  - " + Manifests.prepared(Manifests.BASE),
      "images:",
      "  - name: registry.invalid/chatrelay",
      "    newName: registry.example.com/team/chatrelay",
      "    " + field + ": " + value, ""));
    KubernetesObjects k8s = KubernetesObjects.render(overlay);
    assertThat(chatrelayWorkloads(k8s)).hasSize(4).extracting(w -> chatrelay(w).getImage()).containsOnly(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE, Manifests.TLS})
  void selectorsMatchPodLabels(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    List<Map<String, String>> podLabels = k8s.workloads().stream().map(Workload::labels).toList();
    for (Workload w : k8s.workloads()) {
      assertThat(selects(w.selector(), w.labels())).as(w.name()).isTrue();
      for (TopologySpreadConstraint t : w.template().getSpec().getTopologySpreadConstraints() == null
        ? List.<TopologySpreadConstraint>of() : w.template().getSpec().getTopologySpreadConstraints()) {
        assertThat(selects(t.getLabelSelector().getMatchLabels(), w.labels())).isTrue();
      }
      // Selectors of different workloads never overlap.
      assertThat(k8s.workloads().stream().filter(o -> selects(w.selector(), o.labels())).count()).as(w.name()).isEqualTo(1);
    }
    for (StatefulSet s : k8s.all(StatefulSet.class)) {
      Service governing = k8s.get(Service.class, s.getSpec().getServiceName());
      assertThat(governing.getSpec().getClusterIP()).as("a governing Service is headless").isEqualTo("None");
      assertThat(selects(governing.getSpec().getSelector(), s.getSpec().getTemplate().getMetadata().getLabels())).isTrue();
    }
    for (Service svc : k8s.all(Service.class)) {
      assertThat(podLabels.stream().anyMatch(l -> selects(svc.getSpec().getSelector(), l)))
        .as("Service " + svc.getMetadata().getName() + " selects pods").isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE, Manifests.TLS})
  void oneDisruptionBudgetCoversTheDataMembersAndEachEdgeHasItsOwn(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    Map<Workload, ChatrelayConfig> settings = settingsByWorkload(k8s);
    Map<String, List<String>> selectedBy = new LinkedHashMap<>();
    for (PodDisruptionBudget pdb : k8s.all(PodDisruptionBudget.class)) {
      List<String> targets = chatrelayWorkloads(k8s).stream()
        .filter(w -> selects(pdb.getSpec().getSelector().getMatchLabels(), w.labels())).map(Workload::name).toList();
      assertThat(targets).as("workloads of PDB " + pdb.getMetadata().getName()).isNotEmpty();
      assertThat(pdb.getSpec().getSelector().getMatchExpressions()).isNullOrEmpty();
      selectedBy.put(pdb.getMetadata().getName(), targets);
      // One pod at a time, whatever the replica count (minAvailable would block drains of a single replica).
      assertThat(pdb.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
      assertThat(pdb.getSpec().getMinAvailable()).isNull();
    }
    // The data members are exactly the workloads whose settings make them hold partitions.
    List<String> dataMembers = settings.entrySet().stream().filter(e -> !e.getValue().getBoolean("cluster.lite-member"))
      .map(e -> e.getKey().name()).toList();
    assertThat(dataMembers).containsExactlyInAnyOrder(workloadOf(k8s, ServiceCatalog.BOT_REGISTRY).name(),
      workloadOf(k8s, ServiceCatalog.MESSAGE_STORE).name());
    assertThat(selectedBy).containsEntry("chatrelay-data-members", dataMembers);
    assertThat(selectedBy.values().stream().filter(t -> t.size() > 1)).as("only the data members share a budget")
      .containsExactly(dataMembers);
    for (ServiceCatalog edge : List.of(ServiceCatalog.WS_EDGE, ServiceCatalog.TCP_EDGE)) {
      assertThat(selectedBy.values()).contains(List.of(workloadOf(k8s, edge).name()));
    }
    // Every chatrelay pod is covered by exactly one budget (the eviction API refuses pods covered by two).
    for (Workload w : chatrelayWorkloads(k8s)) {
      assertThat(selectedBy.values().stream().filter(t -> t.contains(w.name())).count()).as(w.name()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE, Manifests.TLS})
  void publicServicesMatchTheEdgesPortsWithoutAffinity(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    Map<Workload, ChatrelayConfig> settings = settingsByWorkload(k8s);
    Map<ServiceCatalog, String> portKey = Map.of(ServiceCatalog.WS_EDGE, "wnet", ServiceCatalog.TCP_EDGE, "tchatator");
    List<Service> loadBalancers = k8s.all(Service.class).stream().filter(s -> "LoadBalancer".equals(s.getSpec().getType())).toList();
    assertThat(loadBalancers).hasSize(2);
    portKey.forEach((edge, key) -> {
      Workload w = workloadOf(k8s, edge);
      int port = settings.get(w).getInt(key + ".port");
      int tlsPort = settings.get(w).getInt(key + ".tls.port");
      List<Service> fronting = loadBalancers.stream().filter(s -> selects(s.getSpec().getSelector(), w.labels())).toList();
      assertThat(fronting).as("LoadBalancer for " + edge.serviceName()).hasSize(1);
      Service lb = fronting.get(0);
      // the plain port, and the TLS port when the install turns it on (the overlay's Service may publish it as 443)
      assertThat(lb.getSpec().getPorts()).hasSize(tlsPort > 0 ? 2 : 1);
      ServicePort sp = lb.getSpec().getPorts().get(0);
      assertThat(sp.getPort()).isEqualTo(port);
      assertThat(containerPort(chatrelay(w), sp.getTargetPort())).isEqualTo(port);
      if (tlsPort > 0) {
        assertThat(containerPort(chatrelay(w), lb.getSpec().getPorts().get(1).getTargetPort())).isEqualTo(tlsPort);
        assertThat(install).isEqualTo(Manifests.TLS);
      }
      assertThat(lb.getSpec().getSessionAffinity()).isIn(null, "None");
      assertThat(lb.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
    });
    assertThat(settings.get(workloadOf(k8s, ServiceCatalog.WS_EDGE)).getInt("wnet.port")).isEqualTo(8080);
    assertThat(settings.get(workloadOf(k8s, ServiceCatalog.TCP_EDGE)).getInt("tchatator.port")).isEqualTo(4242);
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE, Manifests.TLS})
  void membersFindEachOtherThroughTheHeadlessServicesFullName(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    Map<Workload, ChatrelayConfig> settings = settingsByWorkload(k8s);
    Set<String> dnsNames = new HashSet<>();
    settings.values().forEach(cfg -> dnsNames.add(cfg.getString("cluster.kubernetes-service-dns")));
    assertThat(dnsNames).as("one discovery name for every pod").hasSize(1);
    // <service>.<namespace>.svc.cluster.local: the namespace is the one the pods are rendered into.
    String[] fqdn = dnsNames.iterator().next().split("\\.", 3);
    assertThat(fqdn).hasSize(3);
    assertThat(fqdn[2]).isEqualTo("svc.cluster.local");
    Service headless = k8s.get(Service.class, fqdn[0]);
    assertThat(fqdn[1]).isEqualTo(headless.getMetadata().getNamespace()).isEqualTo("chatrelay");
    assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
    assertThat(headless.getSpec().getPorts()).hasSize(1);
    settings.forEach((w, cfg) -> {
      Container c = chatrelay(w);
      assertThat(w.object().getMetadata().getNamespace()).isEqualTo(fqdn[1]);
      assertThat(cfg.getBoolean("cluster.enabled")).isTrue();
      assertThat(cfg.getBoolean("cluster.port-auto-increment")).as("a fixed member port").isFalse();
      assertThat(headless.getSpec().getPorts().get(0).getPort()).isEqualTo(cfg.getInt("cluster.port"));
      assertThat(containerPort(c, headless.getSpec().getPorts().get(0).getTargetPort())).isEqualTo(cfg.getInt("cluster.port"));
      assertThat(selects(headless.getSpec().getSelector(), w.labels())).isTrue();
      assertThat(cfg.getInt("cluster.eventbus-port")).isEqualTo(namedPort(c, "eventbus")).isEqualTo(5801);
      var kubernetes = HazelcastSettings.fromConfig(cfg).getNetworkConfig().getJoin().getKubernetesConfig();
      assertThat(kubernetes.isEnabled()).isTrue();
      assertThat(kubernetes.getProperty("service-dns")).isEqualTo(String.join(".", fqdn));
      // The merge delays given as JVM properties are not overridden by the configuration Hazelcast is built with.
      String jvm = c.getEnv().stream().filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS")).findFirst().orElseThrow().getValue();
      for (String option : jvm.split(" ")) {
        assertThat(option).startsWith("-Dhazelcast.");
        String property = option.substring(2, option.indexOf('='));
        assertThat(HazelcastSettings.fromConfig(cfg).getProperties().getProperty(property)).as(property).isNull();
      }
    });
    assertThat(selects(headless.getSpec().getSelector(), k8s.workload("chatrelay-postgres").labels()))
      .as("the database is no cluster member").isFalse();
  }

  /** An install in another namespace (an overlay's {@code namespace:}) looks up the Service in that namespace. */
  @Test
  void theDiscoveryNameFollowsTheNamespace(@TempDir Path overlay) throws Exception {
    Files.writeString(overlay.resolve("kustomization.yaml"), String.join("\n",
      "apiVersion: kustomize.config.k8s.io/v1beta1", "kind: Kustomization", "namespace: chat-staging",
      "resources:", "  - " + Manifests.prepared(Manifests.BASE), ""));
    KubernetesObjects k8s = KubernetesObjects.render(overlay);
    assertThat(settingsByWorkload(k8s).values()).extracting(cfg -> cfg.getString("cluster.kubernetes-service-dns"))
      .containsOnly("chatrelay-hazelcast.chat-staging.svc.cluster.local");
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE, Manifests.TLS})
  void referencedConfigMapsSecretsAndKeysExist(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    List<String> optional = new ArrayList<>();
    for (Workload w : k8s.workloads()) {
      for (Volume v : w.template().getSpec().getVolumes()) {
        if (v.getConfigMap() != null) assertThat(k8s.find(ConfigMap.class, v.getConfigMap().getName())).isPresent();
        // Secrets reach pods as environment variables, except the TLS certificates (files, renewed in place)
        if (v.getSecret() != null) {
          assertThat(install).as("only the TLS overlay mounts Secrets").isEqualTo(Manifests.TLS);
          assertThat(v.getSecret().getSecretName()).isIn(PodLaunch.TLS_SECRETS);
          assertThat(v.getSecret().getOptional()).as("an edge without its certificate would not start anyway").isIn(null, false);
          assertThat(k8s.find(Secret.class, v.getSecret().getSecretName())).as("cert-manager's, never in the manifests").isEmpty();
          for (Container c : w.template().getSpec().getContainers()) {
            c.getVolumeMounts().stream().filter(m -> m.getName().equals(v.getName()))
              .forEach(m -> assertThat(m.getReadOnly()).as(m.getMountPath()).isTrue());
          }
        }
      }
      for (Container c : w.template().getSpec().getContainers()) {
        for (EnvVar e : c.getEnv()) {
          if (e.getValueFrom() == null) continue;
          var secretRef = e.getValueFrom().getSecretKeyRef();
          if (secretRef != null && Boolean.TRUE.equals(secretRef.getOptional())) optional.add(secretRef.getName() + "/" + secretRef.getKey());
          else if (secretRef != null) assertThat(k8s.secretValue(secretRef.getName(), secretRef.getKey())).as(e.getName()).isPresent();
          var configRef = e.getValueFrom().getConfigMapKeyRef();
          if (configRef != null) assertThat(k8s.configMapValue(configRef.getName(), configRef.getKey())).as(e.getName()).isPresent();
        }
      }
    }
    // The only Secret the operator may leave out: the administrator's key (none: no administrator).
    assertThat(optional).containsExactly("chatrelay-admin/api-key");
    assertThat(k8s.find(Secret.class, "chatrelay-admin")).as("the operator's own Secret, never in the manifests").isEmpty();
    // PodLaunch resolves every reference of every chatrelay pod, and fails on a missing one.
    assertThat(PodLaunch.of(k8s, POD)).isNotEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE, Manifests.TLS})
  void theAdminKeyReachesOnlyTheServiceThatReadsIt(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    // Only the TCP edge reads tchatator.admin-api-key (TchatatorSettings); no other pod gets the Secret.
    List<String> referencing = k8s.workloads().stream().filter(w -> w.template().getSpec().getContainers().stream()
      .flatMap(c -> c.getEnv().stream())
      .anyMatch(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null
        && e.getValueFrom().getSecretKeyRef().getName().equals("chatrelay-admin"))).map(Workload::name).toList();
    assertThat(referencing).containsExactly(workloadOf(k8s, ServiceCatalog.TCP_EDGE).name());
    Map<Workload, ChatrelayConfig> settings = settingsByWorkload(k8s);
    EnvVar key = chatrelay(workloadOf(k8s, ServiceCatalog.TCP_EDGE)).getEnv().stream()
      .filter(e -> e.getName().equals(ChatrelayConfig.envName("tchatator.admin-api-key"))).findFirst().orElseThrow();
    assertThat(key.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("api-key");
    // Without the Secret there is no administrator (the setting keeps its empty default).
    assertThat(settings.get(workloadOf(k8s, ServiceCatalog.TCP_EDGE)).getString("tchatator.admin-api-key")).isEmpty();
    // The database credentials reach the message store (and the database) only.
    List<String> database = k8s.workloads().stream().filter(w -> w.template().getSpec().getContainers().stream()
      .flatMap(c -> c.getEnv().stream())
      .anyMatch(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null
        && e.getValueFrom().getSecretKeyRef().getName().equals("chatrelay-postgres"))).map(Workload::name).toList();
    assertThat(database).containsExactlyInAnyOrder(workloadOf(k8s, ServiceCatalog.MESSAGE_STORE).name(), "chatrelay-postgres");
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE, Manifests.TLS})
  void theMessageStoreUsesTheDatabaseTheSecretNames(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    Map<Workload, ChatrelayConfig> settings = settingsByWorkload(k8s);
    ChatrelayConfig store = settings.get(workloadOf(k8s, ServiceCatalog.MESSAGE_STORE));
    assertThat(store.getString("database.kind")).isEqualTo("postgres");
    for (String key : List.of("host", "port", "database", "user", "password")) {
      assertThat(store.getString("database.postgres." + key)).isEqualTo(k8s.secretValue("chatrelay-postgres", key).orElseThrow());
    }
    // The password is the one the operator wrote in the (uncommitted) file the Secret is generated from.
    assertThat(store.getString("database.postgres.password")).isEqualTo(Manifests.TEST_POSTGRES_PASSWORD);
    // The bundled database: its Service is the host the Secret names, its container takes the same credentials.
    StatefulSet postgres = k8s.get(StatefulSet.class, "chatrelay-postgres");
    Service postgresService = k8s.get(Service.class, store.getString("database.postgres.host"));
    Container db = postgres.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(postgresService.getSpec().getPorts().get(0).getPort()).isEqualTo(store.getInt("database.postgres.port"));
    assertThat(containerPort(db, postgresService.getSpec().getPorts().get(0).getTargetPort())).isEqualTo(store.getInt("database.postgres.port"));
    Map<String, String> credentials = Map.of("POSTGRES_DB", "database", "POSTGRES_USER", "user", "POSTGRES_PASSWORD", "password");
    credentials.forEach((variable, key) -> {
      var ref = db.getEnv().stream().filter(e -> e.getName().equals(variable)).findFirst().orElseThrow().getValueFrom().getSecretKeyRef();
      assertThat(ref.getName()).isEqualTo("chatrelay-postgres");
      assertThat(ref.getKey()).isEqualTo(key);
    });
    assertThat(postgres.getSpec().getVolumeClaimTemplates()).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE, Manifests.TLS})
  void noManifestCarriesALiteralSecret(String install) throws Exception {
    KubernetesObjects k8s = Manifests.render(install);
    // Every password or key a container gets comes from a Secret, never from a value written in a manifest.
    for (Workload w : k8s.workloads()) {
      for (Container c : w.template().getSpec().getContainers()) {
        for (EnvVar e : c.getEnv()) {
          if (e.getName().matches(".*(PASSWORD|API_KEY|SECRET|TOKEN).*")) {
            assertThat(e.getValue()).as(w.name() + " " + e.getName()).isNull();
            assertThat(e.getValueFrom().getSecretKeyRef()).as(w.name() + " " + e.getName()).isNotNull();
          }
        }
      }
    }
    // The settings file carries none either.
    ChatrelayConfig file = ChatrelayConfig.load(writeSettingsFile(k8s), Map.of(), Map.of());
    assertThat(file.getString("database.postgres.password")).isEmpty();
    assertThat(file.getString("tchatator.admin-api-key")).isEmpty();
    // The only Secrets are the generated ones, from the operator's files.
    assertThat(k8s.all(Secret.class)).extracting(x -> x.getMetadata().getName())
      .containsExactlyInAnyOrder("chatrelay-postgres", "chatrelay-bus-key");
    // The bus key reaches every chatrelay pod (each is a cluster member) and nothing else.
    for (Workload w : k8s.workloads()) {
      boolean busKey = w.template().getSpec().getContainers().stream().flatMap(c -> c.getEnv().stream())
        .anyMatch(e -> e.getName().equals(ChatrelayConfig.envName("cluster.bus-key")) && e.getValueFrom() != null
          && e.getValueFrom().getSecretKeyRef() != null && e.getValueFrom().getSecretKeyRef().getName().equals("chatrelay-bus-key"));
      assertThat(busKey).as(w.name() + " gets the bus key").isEqualTo(!w.name().equals("chatrelay-postgres"));
    }
  }

  @Test
  void theCommittedFilesHoldNoSecretAndTheInstallRefusesToRenderWithoutThePassword() throws Exception {
    Path k8sDir = Manifests.repositoryRoot().resolve(Manifests.BASE);
    try (Stream<Path> files = Files.walk(k8sDir)) {
      for (Path yaml : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        for (var doc : Kustomize.readAll(yaml)) {
          assertThat(doc.path("kind").asText()).as(yaml + " holds a Secret").isNotEqualTo("Secret");
          for (var generator : doc.path("secretGenerator")) {
            for (var literal : generator.path("literals")) {
              assertThat(literal.asText().split("=")[0]).as(yaml + ": a secret written as a literal")
                .doesNotContainIgnoringCase("password").doesNotContainIgnoringCase("key");
            }
          }
        }
      }
    }
    // The operator's files are kept out of git.
    assertThat(Files.readAllLines(Manifests.repositoryRoot().resolve("k8s/base/secrets/.gitignore"))).contains("*", "!.gitignore");
    // As committed (no password file written), rendering fails and says which file is missing, as kubectl would.
    Path copy = scratch.resolve("as-committed");
    try (Stream<Path> files = Files.walk(k8sDir)) {
      for (Path f : files.toList()) {
        Path target = copy.resolve(k8sDir.relativize(f).toString());
        if (Files.isDirectory(f)) Files.createDirectories(target);
        else if (!f.getParent().getFileName().toString().equals("secrets") || f.getFileName().toString().equals(".gitignore")) {
          Files.copy(f, target);
        }
      }
    }
    assertThatThrownBy(() -> Kustomize.render(copy)).hasMessageContaining("secrets/postgres-password.env does not exist");
  }

  private Path writeSettingsFile(KubernetesObjects k8s) throws Exception {
    Path file = scratch.resolve("settings-only.yaml");
    Files.writeString(file, k8s.configMapValue("chatrelay-settings", "chatrelay.yaml").orElseThrow());
    return file;
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE, Manifests.TLS})
  void rolloutsGoOnePodAtATimeAndShutdownFitsTheGracePeriod(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    settingsByWorkload(k8s).forEach((w, cfg) -> {
      if (w.object() instanceof Deployment d) {
        // A new pod first, an old one only once it is ready.
        var strategy = d.getSpec().getStrategy();
        assertThat(strategy.getType()).isEqualTo("RollingUpdate");
        assertThat(strategy.getRollingUpdate().getMaxUnavailable()).isEqualTo(new IntOrString(0));
        assertThat(strategy.getRollingUpdate().getMaxSurge()).isEqualTo(new IntOrString(1));
      } else {
        // A StatefulSet replaces one pod at a time and waits for it to be ready before the next.
        StatefulSet s = (StatefulSet) w.object();
        assertThat(s.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(s.getSpec().getUpdateStrategy().getRollingUpdate().getPartition()).isZero();
        assertThat(s.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable()).isNull();
        assertThat(s.getSpec().getPodManagementPolicy()).isEqualTo("OrderedReady");
      }
      long grace = w.template().getSpec().getTerminationGracePeriodSeconds();
      long timeout = cfg.getLong("shutdown.timeout-seconds");
      long drain = cfg.getLong("shutdown.drain-seconds");
      // The JVM still has to exit after the bounded shutdown.
      assertThat(grace).isGreaterThanOrEqualTo(timeout + 5);
      // ChatrelayServer.stop() caps the drain at half the timeout.
      assertThat(drain).isPositive().isLessThanOrEqualTo(timeout / 2);
      assertThat(List.of(grace, timeout, drain)).containsExactly(45L, 35L, 5L);
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE, Manifests.TLS})
  void autoscalersTargetTheEdgeDeployments(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    List<HorizontalPodAutoscaler> hpas = k8s.all(HorizontalPodAutoscaler.class);
    for (HorizontalPodAutoscaler hpa : hpas) {
      var ref = hpa.getSpec().getScaleTargetRef();
      assertThat(ref.getApiVersion()).isEqualTo("apps/v1");
      assertThat(ref.getKind()).isEqualTo("Deployment");
      Deployment target = k8s.get(Deployment.class, ref.getName());
      assertThat(target.getSpec().getReplicas()).as("replicas of an autoscaled Deployment").isNull();
      assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
      assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(10);
      assertThat(hpa.getSpec().getMetrics()).singleElement().satisfies(m -> {
        assertThat(m.getResource().getName()).isEqualTo("cpu");
        assertThat(m.getResource().getTarget().getAverageUtilization()).isEqualTo(70);
      });
      // Scaling down closes connections: at most one pod per two minutes, after five calm minutes.
      var down = hpa.getSpec().getBehavior().getScaleDown();
      assertThat(down.getStabilizationWindowSeconds()).isEqualTo(300);
      assertThat(down.getPolicies()).singleElement().satisfies(policy -> {
        assertThat(policy.getType()).isEqualTo("Pods");
        assertThat(policy.getValue()).isEqualTo(1);
        assertThat(policy.getPeriodSeconds()).isEqualTo(120);
      });
    }
    Set<String> autoscaled = new HashSet<>();
    hpas.forEach(h -> autoscaled.add(h.getSpec().getScaleTargetRef().getName()));
    Set<String> edges = Set.of(workloadOf(k8s, ServiceCatalog.WS_EDGE).name(), workloadOf(k8s, ServiceCatalog.TCP_EDGE).name());
    if (!install.equals(Manifests.SINGLE_NODE)) {
      assertThat(autoscaled).isEqualTo(edges);
      for (ServiceCatalog fixed : List.of(ServiceCatalog.MESSAGE_STORE, ServiceCatalog.BOT_REGISTRY)) {
        assertThat(workloadOf(k8s, fixed).replicas()).isEqualTo(2);
      }
    } else {
      assertThat(autoscaled).isEmpty();
      assertThat(chatrelayWorkloads(k8s)).allSatisfy(w -> assertThat(w.replicas()).isEqualTo(1));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE, Manifests.TLS})
  void podsRunUnprivilegedAndWriteOnlyToTheirVolumes(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    for (Workload w : k8s.workloads()) {
      var pod = w.template().getSpec().getSecurityContext();
      assertThat(pod.getRunAsNonRoot()).isTrue();
      assertThat(pod.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
      for (Container c : w.template().getSpec().getContainers()) {
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
      }
    }
    for (PodLaunch launch : PodLaunch.of(k8s, POD)) {
      Workload w = k8s.workload(launch.workload());
      assertThat(chatrelay(w).getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      // With a read-only root, every place the process writes must be a writable volume.
      ChatrelayConfig cfg = launch.settings(scratch.resolve(launch.workload()));
      for (String written : List.of(cfg.getString("node.data-dir") + "/", cfg.getString("tchatator.log-file"), "/tmp/")) {
        assertThat(launch.emptyDirs()).as(launch.workload() + " writes " + written)
          .anySatisfy(dir -> assertThat(written).startsWith(dir + "/"));
      }
      // Pods of one service spread over nodes when they can, and still schedule on a single node.
      assertThat(w.template().getSpec().getTopologySpreadConstraints()).singleElement().satisfies(t -> {
        assertThat(t.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
        assertThat(t.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
      });
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.SINGLE_NODE})
  void theSingleNodeOverlayAsksForLessThanTheBase(String install) {
    KubernetesObjects base = Manifests.render(Manifests.BASE);
    KubernetesObjects small = Manifests.render(install);
    assertThat(small.workloads()).extracting(Workload::name).containsExactlyElementsOf(base.workloads().stream().map(Workload::name).toList());
    for (Workload w : chatrelayWorkloads(small)) {
      ResourceRequirements r = chatrelay(w).getResources();
      ResourceRequirements full = chatrelay(base.workload(w.name())).getResources();
      assertThat(r.getLimits().get("memory")).as(w.name()).isEqualTo(new Quantity("384Mi"));
      assertThat(r.getLimits().get("memory").getNumericalAmount()).isLessThan(full.getLimits().get("memory").getNumericalAmount());
      assertThat(r.getRequests().get("cpu").getNumericalAmount()).isLessThan(full.getRequests().get("cpu").getNumericalAmount());
    }
    assertThat(small.get(StatefulSet.class, "chatrelay-postgres").getSpec().getVolumeClaimTemplates().get(0)
      .getSpec().getResources().getRequests().get("storage")).isEqualTo(new Quantity("2Gi"));
    assertThat(base.get(StatefulSet.class, "chatrelay-postgres").getSpec().getVolumeClaimTemplates().get(0)
      .getSpec().getResources().getRequests().get("storage")).isEqualTo(new Quantity("10Gi"));
  }

  /**
   * k8s/overlays/tls: each edge's TLS port is declared, its certificate and key are files of the Secret mounted for
   * it, every chatrelay process gets the event bus's certificate, key and CA from the mounted
   * chatrelay-eventbus-tls, and the probes are the base's (TLS changes no readiness rule).
   */
  @Test
  void theTlsOverlayServesCertificatesFromTheSecretsItMounts() {
    KubernetesObjects k8s = Manifests.render(Manifests.TLS);
    KubernetesObjects base = Manifests.render(Manifests.BASE);
    Map<Workload, ChatrelayConfig> settings = settingsByWorkload(k8s);
    Map<ServiceCatalog, String> edges = Map.of(ServiceCatalog.WS_EDGE, "wnet", ServiceCatalog.TCP_EDGE, "tchatator");
    Map<ServiceCatalog, String> secrets = Map.of(ServiceCatalog.WS_EDGE, "chatrelay-ws-edge-tls", ServiceCatalog.TCP_EDGE, "chatrelay-tcp-edge-tls");
    edges.forEach((edge, section) -> {
      Workload w = workloadOf(k8s, edge);
      ChatrelayConfig cfg = settings.get(w);
      assertThat(cfg.getInt(section + ".tls.port")).isPositive();
      assertThat(chatrelay(w).getPorts()).extracting(p -> p.getContainerPort()).contains(cfg.getInt(section + ".tls.port"));
      assertThat(mountedFrom(w, cfg.getString(section + ".tls.cert-file"))).isEqualTo(secrets.get(edge));
      assertThat(mountedFrom(w, cfg.getString(section + ".tls.key-file"))).isEqualTo(secrets.get(edge));
      // the plain port stays (the C client, plain ws)
      assertThat(cfg.getBoolean("wnet.plain-enabled")).isTrue();
    });
    for (Workload w : chatrelayWorkloads(k8s)) {
      ChatrelayConfig cfg = settings.get(w);
      for (String file : List.of("cert-file", "key-file", "trust-file")) {
        assertThat(mountedFrom(w, cfg.getString("cluster.eventbus-tls." + file))).as(w.name() + " " + file).isEqualTo("chatrelay-eventbus-tls");
      }
      Container plain = chatrelay(base.workload(w.name()));
      assertThat(chatrelay(w).getReadinessProbe()).isEqualTo(plain.getReadinessProbe());
      assertThat(chatrelay(w).getLivenessProbe()).isEqualTo(plain.getLivenessProbe());
      assertThat(chatrelay(w).getStartupProbe()).isEqualTo(plain.getStartupProbe());
    }
  }

  /** The Secret whose volume is mounted where {@code file} lives in {@code w}'s container (null: none). */
  private static String mountedFrom(Workload w, String file) {
    for (var m : chatrelay(w).getVolumeMounts()) {
      if (!file.startsWith(m.getMountPath() + "/")) continue;
      return w.template().getSpec().getVolumes().stream().filter(v -> v.getName().equals(m.getName()) && v.getSecret() != null)
        .map(v -> v.getSecret().getSecretName()).findFirst().orElse(null);
    }
    return null;
  }
}
