package io.chatrelay.launcher.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The renderer and the strict reader the manifest tests rely on. */
class KustomizeTest {

  /** Where the real kustomize is (inside kubectl), this renderer must produce exactly what it produces. */
  @ParameterizedTest
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE})
  void rendersWhatKubectlKustomizeRenders(String install, @TempDir Path out) throws Exception {
    Path kubectl = onPath("kubectl");
    assumeTrue(kubectl != null, "kubectl is not installed here; the renderer is compared with it where it is");
    Path rendered = out.resolve("rendered.yaml");
    Process p = new ProcessBuilder(kubectl.toString(), "kustomize", Manifests.repositoryRoot().resolve(install).toString())
      .redirectOutput(rendered.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();

    Map<String, JsonNode> expected = Kustomize.byIdentity(Kustomize.readAll(rendered));
    Map<String, JsonNode> actual = Kustomize.byIdentity(Kustomize.render(Manifests.repositoryRoot().resolve(install)));
    assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    expected.forEach((id, object) -> assertThat(actual.get(id)).as(id).isEqualTo(object));
  }

  /** A field the Kubernetes API does not define is an error, at any depth. */
  @ParameterizedTest
  @CsvSource({
    "/spec/template/spec/containers/0, livenessProbe, livenesProbe",
    "/spec/template/spec/containers/0/readinessProbe/httpGet, path, paht",
    "/spec/template/spec, enableServiceLinks, enableServiceLink",
    "/spec/strategy/rollingUpdate, maxSurge, maxSurges",
    "/spec, replicas, replica",
  })
  void strictReadingRejectsFieldsKubernetesDoesNotDefine(String pointer, String field, String typo) {
    List<ObjectNode> trees = Kustomize.render(Manifests.repositoryRoot().resolve(Manifests.SINGLE_NODE));
    ObjectNode deployment = trees.stream().filter(t -> Kustomize.kind(t).equals("Deployment")).findFirst().orElseThrow();
    ObjectNode parent = (ObjectNode) deployment.at(pointer);
    assertThat(parent.has(field)).as("the field to misspell exists").isTrue();
    // Unchanged, it reads; misspelled, it does not.
    KubernetesObjects.read(deployment);
    parent.set(typo, parent.remove(field));
    assertThatThrownBy(() -> KubernetesObjects.read(deployment)).hasMessageContaining(typo);
  }

  @Test
  void strictReadingRejectsAnApiVersionChatrelayDoesNotUse() {
    List<ObjectNode> trees = Kustomize.render(Manifests.repositoryRoot().resolve(Manifests.BASE));
    ObjectNode hpa = trees.stream().filter(t -> Kustomize.kind(t).equals("HorizontalPodAutoscaler")).findFirst().orElseThrow();
    hpa.put("apiVersion", "autoscaling/v1");
    assertThatThrownBy(() -> KubernetesObjects.read(hpa)).hasMessageContaining("autoscaling/v1/HorizontalPodAutoscaler");
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "commonAnnotations:\n  team: chat\n",
    "configMapGenerator:\n  - name: x\n    literals: [a=b]\n",
    "labels:\n  - pairs:\n      a: b\n    includeSelectors: true\n",
    "patches:\n  - patch: |\n      apiVersion: v1\n      kind: ConfigMap\n      metadata:\n        name: settings\n      data:\n        a: b\n",
  })
  void theRendererRefusesWhatItDoesNotImplement(String extra, @TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: a\n");
    String base = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - cm.yaml\n";
    Files.writeString(dir.resolve("kustomization.yaml"), base);
    assertThat(Kustomize.render(dir)).hasSize(1);
    Files.writeString(dir.resolve("kustomization.yaml"), base + extra);
    assertThatThrownBy(() -> Kustomize.render(dir)).isInstanceOf(IllegalArgumentException.class);
  }

  private static Path onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir).resolve(program);
      if (Files.isExecutable(candidate)) return candidate;
    }
    return null;
  }

  @Test
  void podLaunchResolvesSecretsDownwardApiAndMountedFiles(@TempDir Path root) throws Exception {
    KubernetesObjects k8s = Manifests.render(Manifests.BASE);
    List<PodLaunch> launches = PodLaunch.of(k8s, new PodLaunch.Pod("10.9.8.7", "store-0"));
    PodLaunch store = launches.stream().filter(l -> "message-store".equals(l.option("--services"))).findFirst().orElseThrow();
    assertThat(store.env()).containsEntry("CHATRELAY_CLUSTER_EVENTBUS_HOST", "10.9.8.7")
      .containsEntry("CHATRELAY_NODE_NAME", "store-0")
      .containsEntry("CHATRELAY_DATABASE_POSTGRES_PASSWORD", k8s.secretValue("chatrelay-postgres", "password").orElseThrow());
    List<String> args = store.materialize(root);
    Path config = Path.of(args.get(args.indexOf("--config") + 1));
    assertThat(config).startsWith(root).exists();
    assertThat(Files.readString(config)).isEqualTo(k8s.configMapValue("chatrelay-settings", "chatrelay.yaml").orElseThrow());
    List<Path> scratch = new ArrayList<>();
    store.emptyDirs().forEach(d -> scratch.add(root.resolve(d.substring(1))));
    assertThat(scratch).allSatisfy(d -> assertThat(d).isDirectory());
  }
}
