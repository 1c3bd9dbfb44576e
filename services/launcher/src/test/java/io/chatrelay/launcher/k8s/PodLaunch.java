package io.chatrelay.launcher.k8s;

import io.chatrelay.shared.config.ChatrelayConfig;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How kubelet would start the chatrelay container of one Deployment or StatefulSet: its arguments (after the image's
 * {@code java -jar chatrelay.jar}), its environment with Secrets, ConfigMaps and downward-API fields resolved and
 * {@code $(VAR)} references expanded, and the files its ConfigMap volumes mount. For tests that run the launcher as
 * the workloads would, on one host.
 *
 * @param workload  the Deployment's or StatefulSet's name
 * @param args      the container's args, unchanged
 * @param env       every environment variable, resolved for {@code pod} (an optional Secret that is absent sets none)
 * @param files     absolute path in the container to content, for each key of each mounted ConfigMap
 * @param emptyDirs absolute paths in the container of its emptyDir mounts (writable scratch space)
 */
public record PodLaunch(String workload, List<String> args, Map<String, String> env, Map<String, String> files,
                        List<String> emptyDirs) {
  /** What the downward API gives a pod: its IP and name (its namespace is the workload's). */
  public record Pod(String ip, String name) {
  }

  private static final Pattern REFERENCE = Pattern.compile("\\$\\$|\\$\\(([-._a-zA-Z][-._a-zA-Z0-9]*)\\)");

  /** One launch per Deployment or StatefulSet whose container is named {@code chatrelay}, in manifest order. */
  public static List<PodLaunch> of(KubernetesObjects objects, Pod pod) {
    List<PodLaunch> out = new ArrayList<>();
    for (KubernetesObjects.Workload w : objects.workloads()) {
      PodSpec spec = w.template().getSpec();
      Container c = w.container("chatrelay").orElse(null);
      if (c == null) continue;
      if (c.getEnvFrom() != null && !c.getEnvFrom().isEmpty()) throw new IllegalArgumentException("envFrom is not resolved here");
      Map<String, String> env = new LinkedHashMap<>();
      for (EnvVar e : c.getEnv()) {
        String value = e.getValueFrom() == null ? expand(e.getValue(), env) : resolve(objects, w, e, pod);
        if (value != null) env.put(e.getName(), value);
      }
      Map<String, String> files = new LinkedHashMap<>();
      List<String> emptyDirs = new ArrayList<>();
      for (VolumeMount m : c.getVolumeMounts()) {
        Volume v = spec.getVolumes().stream().filter(x -> x.getName().equals(m.getName())).findFirst()
          .orElseThrow(() -> new IllegalArgumentException(w.name() + ": no volume " + m.getName()));
        if (v.getConfigMap() != null) {
          if (m.getSubPath() != null) throw new IllegalArgumentException("subPath mounts are not resolved here");
          ConfigMap cm = objects.get(ConfigMap.class, v.getConfigMap().getName());
          cm.getData().forEach((key, content) -> files.put(m.getMountPath() + "/" + key, content));
        } else if (v.getEmptyDir() != null) {
          emptyDirs.add(m.getMountPath());
        } else if (v.getSecret() != null && TLS_SECRETS.contains(v.getSecret().getSecretName())) {
          // certificates cert-manager writes (k8s/overlays/tls): not in the manifests, not resolved here
          continue;
        } else {
          throw new IllegalArgumentException(w.name() + ": volume " + v.getName() + " is of a kind not resolved here");
        }
      }
      out.add(new PodLaunch(w.name(), List.copyOf(c.getArgs()), env, files, emptyDirs));
    }
    return out;
  }

  /** Kubernetes' expansion of {@code $(VAR)} with the variables defined before; {@code $$} is a literal $. */
  static String expand(String value, Map<String, String> defined) {
    if (value == null) return "";
    Matcher m = REFERENCE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement = m.group(1) == null ? "$" : defined.getOrDefault(m.group(1), m.group());
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    return m.appendTail(out).toString();
  }

  /** The Secrets of type kubernetes.io/tls that the TLS overlay mounts as files (the only Secrets mounted). */
  static final List<String> TLS_SECRETS = List.of("chatrelay-ws-edge-tls", "chatrelay-tcp-edge-tls", "chatrelay-eventbus-tls");

  /** The value of a {@code valueFrom} variable; null for an optional Secret key that does not exist. */
  private static String resolve(KubernetesObjects objects, KubernetesObjects.Workload w, EnvVar e, Pod pod) {
    EnvVarSource from = e.getValueFrom();
    if (from.getSecretKeyRef() != null) {
      var ref = from.getSecretKeyRef();
      var value = objects.secretValue(ref.getName(), ref.getKey());
      if (value.isEmpty() && Boolean.TRUE.equals(ref.getOptional())) return null;
      return value.orElseThrow(() -> new IllegalArgumentException(e.getName() + ": Secret " + ref.getName() + " has no key " + ref.getKey()));
    }
    if (from.getConfigMapKeyRef() != null) {
      var ref = from.getConfigMapKeyRef();
      return objects.configMapValue(ref.getName(), ref.getKey())
        .orElseThrow(() -> new IllegalArgumentException(e.getName() + ": ConfigMap " + ref.getName() + " has no key " + ref.getKey()));
    }
    if (from.getFieldRef() != null) {
      return switch (from.getFieldRef().getFieldPath()) {
        case "status.podIP" -> pod.ip();
        case "metadata.name" -> pod.name();
        case "metadata.namespace" -> w.object().getMetadata().getNamespace();
        default -> throw new IllegalArgumentException(e.getName() + ": field " + from.getFieldRef().getFieldPath() + " not resolved here");
      };
    }
    throw new IllegalArgumentException(e.getName() + ": value source not resolved here");
  }

  /** The value following {@code option} in the args (e.g. {@code --services}), or null. */
  public String option(String option) {
    int i = args.indexOf(option);
    return i < 0 || i + 1 >= args.size() ? null : args.get(i + 1);
  }

  /**
   * Writes the mounted files under {@code root} (so {@code /etc/chatrelay/x.yaml} becomes
   * {@code root/etc/chatrelay/x.yaml}), creates the emptyDir directories there too, and returns the args with
   * every mounted path moved under {@code root}.
   */
  public List<String> materialize(Path root) {
    try {
      for (Map.Entry<String, String> f : files.entrySet()) {
        Path target = under(root, f.getKey());
        Files.createDirectories(target.getParent());
        Files.writeString(target, f.getValue());
      }
      for (String dir : emptyDirs) Files.createDirectories(under(root, dir));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return args.stream().map(a -> files.containsKey(a) ? under(root, a).toString() : a).toList();
  }

  /** The settings this pod runs with: built-in defaults, its mounted settings file, then its environment. */
  public ChatrelayConfig settings(Path scratch) {
    List<String> local = materialize(scratch);
    int config = args.indexOf("--config");
    return ChatrelayConfig.load(config < 0 ? null : Path.of(local.get(config + 1)), env, Map.of());
  }

  private static Path under(Path root, String absolute) {
    return root.resolve(absolute.substring(1));
  }
}
