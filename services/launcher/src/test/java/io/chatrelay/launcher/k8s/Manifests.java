package io.chatrelay.launcher.k8s;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's deployment files are, seen from a module's tests. */
public final class Manifests {
  /** The installs the tests render: the base ({@code kubectl apply -k k8s/}) and the single-node overlay. */
  public static final String BASE = "k8s";
  public static final String SINGLE_NODE = "k8s/overlays/single-node";

  private Manifests() {
  }

  /** The repository root: the first directory upwards from the working directory that holds k8s/. */
  public static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve(BASE).resolve("kustomization.yaml"))) dir = dir.getParent();
    if (dir == null) throw new IllegalStateException("no k8s/kustomization.yaml above " + Path.of("").toAbsolutePath());
    return dir;
  }

  public static KubernetesObjects render(String install) {
    return KubernetesObjects.render(repositoryRoot().resolve(install));
  }
}
