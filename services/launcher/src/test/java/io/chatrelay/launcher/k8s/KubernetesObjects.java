package io.chatrelay.launcher.k8s;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rendered manifests read into the fabric8 Kubernetes model, strictly: a field the Kubernetes API does not define
 * (a typo such as {@code livenesProbe}) is an error instead of landing in the model's "additional properties",
 * and so is an apiVersion/kind pair outside the ones chatrelay uses.
 */
public final class KubernetesObjects {
  private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
    "v1/Namespace", Namespace.class,
    "v1/ConfigMap", ConfigMap.class,
    "v1/Secret", Secret.class,
    "v1/Service", Service.class,
    "apps/v1/Deployment", Deployment.class,
    "apps/v1/StatefulSet", StatefulSet.class,
    "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
    "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
    "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class);
  private static final ObjectMapper STRICT = new ObjectMapper()
    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
    .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
    .registerModule(new SimpleModule().setDeserializerModifier(new BeanDeserializerModifier() {
      @Override
      public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription description,
                                                   BeanDeserializerBuilder builder) {
        // fabric8 collects unknown fields with @JsonAnySetter; without it, Jackson rejects them.
        if (description.getBeanClass().getName().startsWith("io.fabric8.")) builder.setAnySetter(null);
        return builder;
      }
    }));

  private final List<HasMetadata> objects;

  private KubernetesObjects(List<HasMetadata> objects) {
    this.objects = objects;
  }

  /** Renders {@code kustomizationDir} and reads every object strictly. */
  public static KubernetesObjects render(Path kustomizationDir) {
    return of(Kustomize.render(kustomizationDir));
  }

  public static KubernetesObjects of(List<? extends JsonNode> trees) {
    return new KubernetesObjects(trees.stream().map(KubernetesObjects::read).toList());
  }

  static HasMetadata read(JsonNode tree) {
    String type = tree.path("apiVersion").asText() + "/" + tree.path("kind").asText();
    Class<? extends HasMetadata> model = KINDS.get(type);
    if (model == null) throw new IllegalArgumentException("unexpected object type " + type + ": " + Kustomize.name(tree));
    try {
      return STRICT.treeToValue(tree, model);
    } catch (Exception e) {
      throw new IllegalArgumentException(type + " " + Kustomize.name(tree) + ": " + e.getMessage(), e);
    }
  }

  public List<HasMetadata> all() {
    return objects;
  }

  public <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  public <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
    return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
  }

  public <T extends HasMetadata> T get(Class<T> type, String name) {
    return find(type, name).orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name));
  }

  /**
   * A Deployment or StatefulSet: what runs pods, with the pod template both kinds share.
   *
   * @param object   the Deployment or StatefulSet
   * @param template its pod template
   */
  public record Workload(HasMetadata object, PodTemplateSpec template) {
    public String name() {
      return object.getMetadata().getName();
    }

    public String kind() {
      return object.getKind();
    }

    /** The pod labels. */
    public Map<String, String> labels() {
      return template.getMetadata().getLabels();
    }

    /** The container named {@code name}, if any. */
    public Optional<Container> container(String name) {
      return template.getSpec().getContainers().stream().filter(c -> c.getName().equals(name)).findFirst();
    }

    public Map<String, String> selector() {
      return object instanceof Deployment d ? d.getSpec().getSelector().getMatchLabels()
        : ((StatefulSet) object).getSpec().getSelector().getMatchLabels();
    }

    public Integer replicas() {
      return object instanceof Deployment d ? d.getSpec().getReplicas() : ((StatefulSet) object).getSpec().getReplicas();
    }
  }

  /** Every Deployment and StatefulSet, Deployments first, each in manifest order. */
  public List<Workload> workloads() {
    List<Workload> out = new ArrayList<>();
    all(Deployment.class).forEach(d -> out.add(new Workload(d, d.getSpec().getTemplate())));
    all(StatefulSet.class).forEach(s -> out.add(new Workload(s, s.getSpec().getTemplate())));
    return out;
  }

  public Workload workload(String name) {
    return workloads().stream().filter(w -> w.name().equals(name)).findFirst()
      .orElseThrow(() -> new AssertionError("no Deployment or StatefulSet named " + name));
  }

  /** A Secret's value, from {@code stringData} or base64 {@code data}; empty if the Secret or the key is missing. */
  public Optional<String> secretValue(String secret, String key) {
    Secret s = find(Secret.class, secret).orElse(null);
    if (s == null) return Optional.empty();
    if (s.getStringData() != null && s.getStringData().containsKey(key)) return Optional.of(s.getStringData().get(key));
    if (s.getData() != null && s.getData().containsKey(key)) {
      return Optional.of(new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8));
    }
    return Optional.empty();
  }

  /** A ConfigMap's value; empty if the key is missing. */
  public Optional<String> configMapValue(String configMap, String key) {
    ConfigMap c = get(ConfigMap.class, configMap);
    return Optional.ofNullable(c.getData() == null ? null : c.getData().get(key));
  }
}
