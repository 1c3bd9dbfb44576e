package io.chatrelay.launcher.k8s;

import io.chatrelay.launcher.AdminServer;
import io.chatrelay.launcher.ServiceCatalog;
import io.chatrelay.shared.cluster.HazelcastSettings;
import io.chatrelay.shared.config.ChatrelayConfig;

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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

/**
 * The Kubernetes manifests, rendered as {@code kubectl apply -k} would and read into the Kubernetes object model,
 * checked against what the launcher really does: its settings keys and ports, its admin server's paths, its
 * shutdown timing. Each check runs on the base and on the single-node overlay.
 */
class ManifestsTest {
  private static final PodLaunch.Pod POD = new PodLaunch.Pod("10.1.2.3", "chatrelay-pod-0");
  private static final String CHATRELAY_CONTAINER = "chatrelay";

  @TempDir
  Path scratch;

  /** Each Deployment's service and the settings its pod runs with (defaults, mounted file, environment). */
  private Map<Deployment, ChatrelayConfig> settingsByDeployment(KubernetesObjects k8s) {
    Map<Deployment, ChatrelayConfig> out = new LinkedHashMap<>();
    for (PodLaunch launch : PodLaunch.of(k8s, POD)) {
      ChatrelayConfig cfg = launch.settings(scratch.resolve(launch.deployment()));
      assertThat(cfg.warnings()).as(launch.deployment() + ": environment variables that match no setting").isEmpty();
      out.put(k8s.get(Deployment.class, launch.deployment()), cfg);
    }
    return out;
  }

  private static Container chatrelay(PodTemplateSpec template) {
    return template.getSpec().getContainers().stream().filter(c -> c.getName().equals(CHATRELAY_CONTAINER)).findFirst()
      .orElseThrow(() -> new AssertionError("no container named chatrelay"));
  }

  private static List<PodTemplateSpec> templates(KubernetesObjects k8s) {
    List<PodTemplateSpec> out = new ArrayList<>();
    k8s.all(Deployment.class).forEach(d -> out.add(d.getSpec().getTemplate()));
    k8s.all(StatefulSet.class).forEach(s -> out.add(s.getSpec().getTemplate()));
    return out;
  }

  private static String service(Deployment d) {
    Container c = chatrelay(d.getSpec().getTemplate());
    List<String> args = c.getArgs();
    return args.get(args.indexOf("--services") + 1);
  }

  private static Deployment deploymentOf(KubernetesObjects k8s, ServiceCatalog service) {
    List<Deployment> found = k8s.all(Deployment.class).stream().filter(d -> service(d).equals(service.serviceName())).toList();
    assertThat(found).as("Deployments of " + service.serviceName()).hasSize(1);
    return found.get(0);
  }

  /** The container port a Service or probe port (number or name) designates. */
  private static int containerPort(Container c, IntOrString port) {
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

  private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return selector != null && !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE})
  void everyServiceRunsInItsOwnDeploymentWithTheMountedSettingsFile(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    List<PodLaunch> launches = PodLaunch.of(k8s, POD);
    assertThat(launches).hasSameSizeAs(k8s.all(Deployment.class));
    Set<ServiceCatalog> covered = new HashSet<>();
    for (PodLaunch launch : launches) {
      assertThat(launch.args().get(0)).isEqualTo("serve");
      List<ServiceCatalog> services = ServiceCatalog.parse(List.of(launch.option("--services").split(",")));
      assertThat(services).as(launch.deployment() + " runs one service").hasSize(1);
      assertThat(covered.add(services.get(0))).as("a second Deployment for " + services.get(0)).isTrue();
      // The settings file is a key of a ConfigMap mounted as a directory (PodLaunch refuses subPath mounts).
      assertThat(launch.files()).containsKey(launch.option("--config"));
    }
    assertThat(covered).containsExactlyInAnyOrder(ServiceCatalog.values());
    // Every chatrelay pod runs the same image, the one kustomize sets.
    assertThat(k8s.all(Deployment.class)).extracting(d -> chatrelay(d.getSpec().getTemplate()).getImage())
      .containsOnly("chatrelay:0.1.0");
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE})
  void environmentVariablesNameRealSettingsAndServiceLinksAreOff(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    Set<String> settingsEnv = new HashSet<>();
    ChatrelayConfig.defaults().keys().forEach(k -> settingsEnv.add(ChatrelayConfig.envName(k)));
    for (PodTemplateSpec template : templates(k8s)) {
      assertThat(template.getSpec().getEnableServiceLinks()).as("enableServiceLinks").isFalse();
      assertThat(template.getSpec().getAutomountServiceAccountToken()).as("automountServiceAccountToken").isFalse();
      for (Container c : template.getSpec().getContainers()) {
        for (EnvVar e : c.getEnv()) {
          if (e.getName().startsWith(ChatrelayConfig.ENV_PREFIX)) assertThat(settingsEnv).contains(e.getName());
        }
      }
    }
    for (Deployment d : k8s.all(Deployment.class)) {
      Map<String, EnvVar> env = new HashMap<>();
      chatrelay(d.getSpec().getTemplate()).getEnv().forEach(e -> env.put(e.getName(), e));
      for (String podIpSetting : List.of("cluster.eventbus-host", "cluster.interface")) {
        EnvVar e = env.get(ChatrelayConfig.envName(podIpSetting));
        assertThat(e).as(d.getMetadata().getName() + ": " + podIpSetting).isNotNull();
        assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.podIP");
      }
    }
    // The pod IP reaches the settings the event bus and Hazelcast bind to.
    settingsByDeployment(k8s).values().forEach(cfg -> {
      assertThat(cfg.getString("cluster.eventbus-host")).isEqualTo(POD.ip());
      assertThat(cfg.getString("cluster.interface")).isEqualTo(POD.ip());
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE})
  void probesAskTheAdminServerOnItsPortAndPaths(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    settingsByDeployment(k8s).forEach((d, cfg) -> {
      Container c = chatrelay(d.getSpec().getTemplate());
      String name = d.getMetadata().getName();
      assertThat(namedPort(c, "admin")).isEqualTo(cfg.getInt("admin.port"));
      Map<Probe, String> expected = new LinkedHashMap<>();
      expected.put(c.getStartupProbe(), AdminServer.LIVE_PATH);
      expected.put(c.getLivenessProbe(), AdminServer.LIVE_PATH);
      expected.put(c.getReadinessProbe(), AdminServer.READY_PATH);
      expected.forEach((probe, path) -> {
        assertThat(probe).as(name + " probe for " + path).isNotNull();
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
      assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/port", String.valueOf(cfg.getInt("admin.port")))
        .containsEntry("prometheus.io/path", AdminServer.METRICS_PATH);
      // A readiness check may take admin.check-timeout-ms; the probe must wait longer than that.
      assertThat(c.getReadinessProbe().getTimeoutSeconds() * 1000L).isGreaterThan(cfg.getLong("admin.check-timeout-ms"));
      assertThat(cfg.getBoolean("admin.enabled")).isTrue();
    });
    for (StatefulSet s : k8s.all(StatefulSet.class)) {
      for (Container c : s.getSpec().getTemplate().getSpec().getContainers()) {
        assertThat(List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe())).doesNotContainNull();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE})
  void everyContainerHasRequestsAndLimits(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    for (PodTemplateSpec template : templates(k8s)) {
      for (Container c : template.getSpec().getContainers()) {
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
    for (Deployment d : k8s.all(Deployment.class)) {
      ResourceRequirements r = chatrelay(d.getSpec().getTemplate()).getResources();
      assertThat(r.getRequests().get("memory")).isEqualTo(r.getLimits().get("memory"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE})
  void selectorsMatchPodLabels(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    List<Map<String, String>> podLabels = templates(k8s).stream().map(t -> t.getMetadata().getLabels()).toList();
    for (Deployment d : k8s.all(Deployment.class)) {
      Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
      assertThat(selects(d.getSpec().getSelector().getMatchLabels(), labels)).as(d.getMetadata().getName()).isTrue();
      for (TopologySpreadConstraint t : d.getSpec().getTemplate().getSpec().getTopologySpreadConstraints()) {
        assertThat(selects(t.getLabelSelector().getMatchLabels(), labels)).isTrue();
      }
      // Selectors of different Deployments never overlap.
      long selected = k8s.all(Deployment.class).stream()
        .filter(o -> selects(d.getSpec().getSelector().getMatchLabels(), o.getSpec().getTemplate().getMetadata().getLabels()))
        .count();
      assertThat(selected).isEqualTo(1);
    }
    for (StatefulSet s : k8s.all(StatefulSet.class)) {
      assertThat(selects(s.getSpec().getSelector().getMatchLabels(), s.getSpec().getTemplate().getMetadata().getLabels())).isTrue();
      assertThat(k8s.find(Service.class, s.getSpec().getServiceName())).as("governing Service").isPresent();
    }
    for (Service svc : k8s.all(Service.class)) {
      assertThat(podLabels.stream().anyMatch(l -> selects(svc.getSpec().getSelector(), l)))
        .as("Service " + svc.getMetadata().getName() + " selects pods").isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE})
  void everyDeploymentHasADisruptionBudgetTargetingItAlone(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    Set<String> covered = new HashSet<>();
    for (PodDisruptionBudget pdb : k8s.all(PodDisruptionBudget.class)) {
      List<Deployment> targets = k8s.all(Deployment.class).stream()
        .filter(d -> selects(pdb.getSpec().getSelector().getMatchLabels(), d.getSpec().getTemplate().getMetadata().getLabels()))
        .toList();
      assertThat(targets).as("Deployments of PDB " + pdb.getMetadata().getName()).hasSize(1);
      covered.add(targets.get(0).getMetadata().getName());
      // One pod at a time, whatever the replica count (minAvailable would block drains of a single replica).
      assertThat(pdb.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
      assertThat(pdb.getSpec().getMinAvailable()).isNull();
    }
    assertThat(covered).containsExactlyInAnyOrderElementsOf(k8s.all(Deployment.class).stream().map(d -> d.getMetadata().getName()).toList());
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE})
  void publicServicesMatchTheEdgesPortsWithoutAffinity(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    Map<Deployment, ChatrelayConfig> settings = settingsByDeployment(k8s);
    Map<ServiceCatalog, String> portKey = Map.of(ServiceCatalog.WS_EDGE, "wnet.port", ServiceCatalog.TCP_EDGE, "tchatator.port");
    List<Service> loadBalancers = k8s.all(Service.class).stream().filter(s -> "LoadBalancer".equals(s.getSpec().getType())).toList();
    assertThat(loadBalancers).hasSize(2);
    portKey.forEach((edge, key) -> {
      Deployment d = deploymentOf(k8s, edge);
      int port = settings.get(d).getInt(key);
      List<Service> fronting = loadBalancers.stream()
        .filter(s -> selects(s.getSpec().getSelector(), d.getSpec().getTemplate().getMetadata().getLabels())).toList();
      assertThat(fronting).as("LoadBalancer for " + edge.serviceName()).hasSize(1);
      Service lb = fronting.get(0);
      assertThat(lb.getSpec().getPorts()).hasSize(1);
      ServicePort sp = lb.getSpec().getPorts().get(0);
      assertThat(sp.getPort()).isEqualTo(port);
      assertThat(containerPort(chatrelay(d.getSpec().getTemplate()), sp.getTargetPort())).isEqualTo(port);
      assertThat(lb.getSpec().getSessionAffinity()).isIn(null, "None");
      assertThat(lb.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
    });
    assertThat(settings.get(deploymentOf(k8s, ServiceCatalog.WS_EDGE)).getInt("wnet.port")).isEqualTo(8080);
    assertThat(settings.get(deploymentOf(k8s, ServiceCatalog.TCP_EDGE)).getInt("tchatator.port")).isEqualTo(4242);
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE})
  void membersFindEachOtherThroughTheHeadlessService(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    Map<Deployment, ChatrelayConfig> settings = settingsByDeployment(k8s);
    Set<String> dnsNames = new HashSet<>();
    settings.values().forEach(cfg -> dnsNames.add(cfg.getString("cluster.kubernetes-service-dns")));
    assertThat(dnsNames).as("one discovery name for every pod").hasSize(1);
    Service headless = k8s.get(Service.class, dnsNames.iterator().next());
    assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
    assertThat(headless.getSpec().getPorts()).hasSize(1);
    settings.forEach((d, cfg) -> {
      Container c = chatrelay(d.getSpec().getTemplate());
      assertThat(cfg.getBoolean("cluster.enabled")).isTrue();
      assertThat(cfg.getBoolean("cluster.port-auto-increment")).as("a fixed member port").isFalse();
      assertThat(headless.getSpec().getPorts().get(0).getPort()).isEqualTo(cfg.getInt("cluster.port"));
      assertThat(containerPort(c, headless.getSpec().getPorts().get(0).getTargetPort())).isEqualTo(cfg.getInt("cluster.port"));
      assertThat(selects(headless.getSpec().getSelector(), d.getSpec().getTemplate().getMetadata().getLabels())).isTrue();
      assertThat(cfg.getInt("cluster.eventbus-port")).isEqualTo(namedPort(c, "eventbus")).isEqualTo(5801);
      assertThat(HazelcastSettings.fromConfig(cfg).getNetworkConfig().getJoin().getKubernetesConfig().isEnabled()).isTrue();
      // The merge delays given as JVM properties are not overridden by the configuration Hazelcast is built with.
      String jvm = c.getEnv().stream().filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS")).findFirst().orElseThrow().getValue();
      for (String option : jvm.split(" ")) {
        assertThat(option).startsWith("-Dhazelcast.");
        String property = option.substring(2, option.indexOf('='));
        assertThat(HazelcastSettings.fromConfig(cfg).getProperties().getProperty(property)).as(property).isNull();
      }
    });
    for (StatefulSet s : k8s.all(StatefulSet.class)) {
      assertThat(selects(headless.getSpec().getSelector(), s.getSpec().getTemplate().getMetadata().getLabels()))
        .as("the database is no cluster member").isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE})
  void referencedConfigMapsSecretsAndKeysExist(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    for (PodTemplateSpec template : templates(k8s)) {
      for (Volume v : template.getSpec().getVolumes()) {
        if (v.getConfigMap() != null) assertThat(k8s.find(io.fabric8.kubernetes.api.model.ConfigMap.class, v.getConfigMap().getName())).isPresent();
        if (v.getSecret() != null) assertThat(k8s.find(Secret.class, v.getSecret().getSecretName())).isPresent();
      }
      for (Container c : template.getSpec().getContainers()) {
        for (EnvVar e : c.getEnv()) {
          if (e.getValueFrom() == null) continue;
          var secretRef = e.getValueFrom().getSecretKeyRef();
          if (secretRef != null) assertThat(k8s.secretValue(secretRef.getName(), secretRef.getKey())).as(e.getName()).isPresent();
          var configRef = e.getValueFrom().getConfigMapKeyRef();
          if (configRef != null) assertThat(k8s.configMapValue(configRef.getName(), configRef.getKey())).as(e.getName()).isPresent();
        }
      }
    }
    // PodLaunch resolves every reference of every chatrelay pod, and fails on a missing one.
    assertThat(PodLaunch.of(k8s, POD)).isNotEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE})
  void theMessageStoreUsesTheDatabaseTheSecretNames(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    Map<Deployment, ChatrelayConfig> settings = settingsByDeployment(k8s);
    ChatrelayConfig store = settings.get(deploymentOf(k8s, ServiceCatalog.MESSAGE_STORE));
    assertThat(store.getString("database.kind")).isEqualTo("postgres");
    for (String key : List.of("host", "port", "database", "user", "password")) {
      assertThat(store.getString("database.postgres." + key)).isEqualTo(k8s.secretValue("chatrelay-postgres", key).orElseThrow());
    }
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
    assertThat(db.getImage()).isEqualTo("postgres:16");
    // The administrator's key reaches the services that check it, from its own Secret.
    for (ServiceCatalog service : List.of(ServiceCatalog.MESSAGE_STORE, ServiceCatalog.TCP_EDGE)) {
      var ref = chatrelay(deploymentOf(k8s, service).getSpec().getTemplate()).getEnv().stream()
        .filter(e -> e.getName().equals(ChatrelayConfig.envName("tchatator.admin-api-key"))).findFirst().orElseThrow()
        .getValueFrom().getSecretKeyRef();
      assertThat(ref.getName()).isEqualTo("chatrelay-admin");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE})
  void rolloutsGoOnePodAtATimeAndShutdownFitsTheGracePeriod(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    settingsByDeployment(k8s).forEach((d, cfg) -> {
      var strategy = d.getSpec().getStrategy();
      assertThat(strategy.getType()).isEqualTo("RollingUpdate");
      assertThat(strategy.getRollingUpdate().getMaxUnavailable()).isEqualTo(new IntOrString(0));
      assertThat(strategy.getRollingUpdate().getMaxSurge()).isEqualTo(new IntOrString(1));
      long grace = d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
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
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE})
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
    Set<String> edges = Set.of(deploymentOf(k8s, ServiceCatalog.WS_EDGE).getMetadata().getName(),
      deploymentOf(k8s, ServiceCatalog.TCP_EDGE).getMetadata().getName());
    if (install.equals(Manifests.BASE)) {
      assertThat(autoscaled).isEqualTo(edges);
      for (ServiceCatalog fixed : List.of(ServiceCatalog.MESSAGE_STORE, ServiceCatalog.BOT_REGISTRY)) {
        assertThat(deploymentOf(k8s, fixed).getSpec().getReplicas()).isEqualTo(2);
      }
    } else {
      assertThat(autoscaled).isEmpty();
      assertThat(k8s.all(Deployment.class)).allSatisfy(d -> assertThat(d.getSpec().getReplicas()).isEqualTo(1));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE})
  void podsRunUnprivilegedAndWriteOnlyToTheirVolumes(String install) {
    KubernetesObjects k8s = Manifests.render(install);
    for (PodTemplateSpec template : templates(k8s)) {
      var pod = template.getSpec().getSecurityContext();
      assertThat(pod.getRunAsNonRoot()).isTrue();
      assertThat(pod.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
      for (Container c : template.getSpec().getContainers()) {
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
      }
    }
    for (PodLaunch launch : PodLaunch.of(k8s, POD)) {
      Deployment d = k8s.get(Deployment.class, launch.deployment());
      assertThat(chatrelay(d.getSpec().getTemplate()).getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      // With a read-only root, every place the process writes must be a writable volume.
      ChatrelayConfig cfg = launch.settings(scratch.resolve(launch.deployment()));
      for (String written : List.of(cfg.getString("node.data-dir") + "/", cfg.getString("tchatator.log-file"), "/tmp/")) {
        assertThat(launch.emptyDirs()).as(launch.deployment() + " writes " + written)
          .anySatisfy(dir -> assertThat(written).startsWith(dir + "/"));
      }
      // Pods of one service spread over nodes when they can, and still schedule on a single node.
      assertThat(d.getSpec().getTemplate().getSpec().getTopologySpreadConstraints()).singleElement().satisfies(t -> {
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
    assertThat(Stream.of(Deployment.class, StatefulSet.class).mapToLong(c -> small.all(c).size()).sum())
      .isEqualTo(Stream.of(Deployment.class, StatefulSet.class).mapToLong(c -> base.all(c).size()).sum());
    for (Deployment d : small.all(Deployment.class)) {
      ResourceRequirements r = chatrelay(d.getSpec().getTemplate()).getResources();
      ResourceRequirements full = chatrelay(base.get(Deployment.class, d.getMetadata().getName()).getSpec().getTemplate()).getResources();
      assertThat(r.getLimits().get("memory")).isEqualTo(new Quantity("384Mi"));
      assertThat(r.getLimits().get("memory").getNumericalAmount()).isLessThan(full.getLimits().get("memory").getNumericalAmount());
      assertThat(r.getRequests().get("cpu").getNumericalAmount()).isLessThan(full.getRequests().get("cpu").getNumericalAmount());
    }
    assertThat(small.get(StatefulSet.class, "chatrelay-postgres").getSpec().getVolumeClaimTemplates().get(0)
      .getSpec().getResources().getRequests().get("storage")).isEqualTo(new Quantity("2Gi"));
    assertThat(base.get(StatefulSet.class, "chatrelay-postgres").getSpec().getVolumeClaimTemplates().get(0)
      .getSpec().getResources().getRequests().get("storage")).isEqualTo(new Quantity("10Gi"));
  }
}
