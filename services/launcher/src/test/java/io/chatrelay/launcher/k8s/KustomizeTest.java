package io.chatrelay.launcher.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Secret;
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
  @ValueSource(strings = {Manifests.BASE, Manifests.SINGLE_NODE, Manifests.TLS})
  void rendersWhatKubectlKustomizeRenders(String install, @TempDir Path out) throws Exception {
    Path kubectl = onPath("kubectl");
    assumeTrue(kubectl != null, "kubectl is not installed here; the renderer is compared with it where it is");
    Path rendered = out.resolve("rendered.yaml");
    Process p = new ProcessBuilder(kubectl.toString(), "kustomize", Manifests.prepared(install).toString())
      .redirectOutput(rendered.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();

    Map<String, JsonNode> expected = Kustomize.byIdentity(Kustomize.readAll(rendered));
    Map<String, JsonNode> actual = Kustomize.byIdentity(Kustomize.render(Manifests.prepared(install)));
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
    List<ObjectNode> trees = Kustomize.render(Manifests.prepared(Manifests.SINGLE_NODE));
    ObjectNode deployment = trees.stream().filter(t -> Kustomize.kind(t).equals("Deployment")).findFirst().orElseThrow();
    ObjectNode parent = (ObjectNode) deployment.at(pointer);
    assertThat(parent.has(field)).as("the field to misspell exists").isTrue();
    // Unchanged, it reads; misspelled, it does not.
    KubernetesObjects.read(deployment);
    parent.set(typo, parent.remove(field));
    assertThatThrownBy(() -> KubernetesObjects.read(deployment)).hasMessageContaining(typo);
  }

  /** The same for the kinds beside Deployments: StatefulSets, the disruption budget, the NetworkPolicies. */
  @ParameterizedTest
  @CsvSource({
    "StatefulSet, chatrelay-message-store, /spec, podManagementPolicy, podManagmentPolicy",
    "StatefulSet, chatrelay-bot-registry, /spec/updateStrategy/rollingUpdate, partition, partiton",
    "PodDisruptionBudget, chatrelay-data-members, /spec, maxUnavailable, maxUnavailible",
    "NetworkPolicy, chatrelay-cluster, /spec/ingress/0, from, form",
    "NetworkPolicy, chatrelay-cluster, /spec/ingress/0/ports/0, port, prot",
    "NetworkPolicy, chatrelay-default-deny, /spec, policyTypes, policyType",
    "NetworkPolicy, chatrelay-postgres, /spec, podSelector, podselector",
  })
  void strictReadingRejectsTyposInEveryKind(String kind, String name, String pointer, String field, String typo) {
    ObjectNode object = Kustomize.render(Manifests.prepared(Manifests.BASE)).stream()
      .filter(t -> Kustomize.kind(t).equals(kind) && Kustomize.name(t).equals(name)).findFirst().orElseThrow();
    ObjectNode parent = (ObjectNode) object.at(pointer);
    assertThat(parent.has(field)).as("the field to misspell exists").isTrue();
    KubernetesObjects.read(object);
    parent.set(typo, parent.remove(field));
    assertThatThrownBy(() -> KubernetesObjects.read(object)).hasMessageContaining(typo);
  }

  @Test
  void strictReadingRejectsAnApiVersionChatrelayDoesNotUse() {
    List<ObjectNode> trees = Kustomize.render(Manifests.prepared(Manifests.BASE));
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
    // Without disableNameSuffixHash kustomize renames the Secret and every reference to it: not implemented.
    "secretGenerator:\n  - name: s\n    literals: [a=b]\n",
    "secretGenerator:\n  - name: s\n    behavior: merge\n    literals: [a=b]\ngeneratorOptions:\n  disableNameSuffixHash: true\n",
    "secretGenerator:\n  - name: s\n    literals: [a=b, a=c]\ngeneratorOptions:\n  disableNameSuffixHash: true\n",
    "generatorOptions:\n  disableNameSuffixHash: true\n  labels:\n    a: b\n",
    "images:\n  - name: x\n    newImage: y\n",
  })
  void theRendererRefusesWhatItDoesNotImplement(String extra, @TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: a\n");
    String base = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - cm.yaml\n";
    Files.writeString(dir.resolve("kustomization.yaml"), base);
    assertThat(Kustomize.render(dir)).hasSize(1);
    Files.writeString(dir.resolve("kustomization.yaml"), base + extra);
    assertThatThrownBy(() -> Kustomize.render(dir)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aSecretGeneratorReadsLiteralsEnvFilesAndFiles(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("db.env"), "\uFEFF# the operator's file\n\n  password=s3cr=t\nuser=chat\n");
    Files.writeString(dir.resolve("ca.pem"), "-----BEGIN-----\n");
    Files.writeString(dir.resolve("kustomization.yaml"), String.join("\n",
      "apiVersion: kustomize.config.k8s.io/v1beta1", "kind: Kustomization", "namespace: ns",
      "secretGenerator:", "  - name: db", "    literals: [host=db-host]", "    envs: [db.env]", "    files: [ca.pem, tls=ca.pem]",
      "generatorOptions:", "  disableNameSuffixHash: true", ""));
    KubernetesObjects k8s = KubernetesObjects.of(Kustomize.render(dir));
    Secret secret = k8s.get(Secret.class, "db");
    assertThat(secret.getMetadata().getNamespace()).isEqualTo("ns");
    assertThat(secret.getType()).isEqualTo("Opaque");
    assertThat(secret.getData()).containsOnlyKeys("host", "password", "user", "ca.pem", "tls");
    // Values as kubectl would store them: the env line after its first '=', a file's bytes unchanged.
    assertThat(k8s.secretValue("db", "password")).hasValue("s3cr=t");
    assertThat(k8s.secretValue("db", "user")).hasValue("chat");
    assertThat(k8s.secretValue("db", "host")).hasValue("db-host");
    assertThat(k8s.secretValue("db", "tls")).hasValue("-----BEGIN-----\n");

    Files.delete(dir.resolve("db.env"));
    assertThatThrownBy(() -> Kustomize.render(dir)).hasMessageContaining("db.env does not exist");
    Files.writeString(dir.resolve("db.env"), "password\n");
    assertThatThrownBy(() -> Kustomize.render(dir)).hasMessageContaining("is not a KEY=value line");
  }

  @Test
  void variableReferencesExpandAsKubeletExpandsThem() {
    Map<String, String> defined = Map.of("POD_NAMESPACE", "chat");
    assertThat(PodLaunch.expand("svc.$(POD_NAMESPACE).svc", defined)).isEqualTo("svc.chat.svc");
    assertThat(PodLaunch.expand("$$(POD_NAMESPACE) costs $$5", defined)).isEqualTo("$(POD_NAMESPACE) costs $5");
    assertThat(PodLaunch.expand("$(UNDEFINED)-$(POD_NAMESPACE)", defined)).isEqualTo("$(UNDEFINED)-chat");
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
      .containsEntry("POD_NAMESPACE", "chatrelay")
      .containsEntry("CHATRELAY_CLUSTER_KUBERNETES_SERVICE_DNS", "chatrelay-hazelcast.chatrelay.svc.cluster.local")
      .containsEntry("CHATRELAY_DATABASE_POSTGRES_PASSWORD", Manifests.TEST_POSTGRES_PASSWORD);
    // The administrator's Secret is optional and absent here: kubelet then sets no variable at all.
    PodLaunch tcpEdge = launches.stream().filter(l -> "tcp-edge".equals(l.option("--services"))).findFirst().orElseThrow();
    assertThat(tcpEdge.env()).doesNotContainKey("CHATRELAY_TCHATATOR_ADMIN_API_KEY").containsKey("CHATRELAY_CLUSTER_LITE_MEMBER");
    List<String> args = store.materialize(root);
    Path config = Path.of(args.get(args.indexOf("--config") + 1));
    assertThat(config).startsWith(root).exists();
    assertThat(Files.readString(config)).isEqualTo(k8s.configMapValue("chatrelay-settings", "chatrelay.yaml").orElseThrow());
    List<Path> scratch = new ArrayList<>();
    store.emptyDirs().forEach(d -> scratch.add(root.resolve(d.substring(1))));
    assertThat(scratch).allSatisfy(d -> assertThat(d).isDirectory());
  }
}
