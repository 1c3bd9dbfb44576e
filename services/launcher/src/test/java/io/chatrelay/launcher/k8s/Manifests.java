package io.chatrelay.launcher.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * Where the repository's deployment files are, seen from a module's tests, and the install as an operator has
 * prepared it: the repository's {@code k8s/} copied once per test JVM, with the file the operator writes before the
 * first apply ({@value #POSTGRES_PASSWORD_FILE}, docs/deploy-kubernetes.md section 2) holding a random password.
 */
public final class Manifests {
  /** The installs the tests render: the base ({@code kubectl apply -k k8s/}) and the single-node overlay. */
  public static final String BASE = "k8s";
  public static final String SINGLE_NODE = "k8s/overlays/single-node";
  /** TLS on both edges and on the event bus (certificates from Secrets cert-manager writes). */
  public static final String TLS = "k8s/overlays/tls";
  /** The database password file the operator creates; never committed (k8s/base/secrets/.gitignore). */
  public static final String POSTGRES_PASSWORD_FILE = "k8s/base/secrets/postgres-password.env";
  public static final String BUS_KEY_FILE = "k8s/base/secrets/bus-key.env";
  /** The password this test run's "operator" chose. */
  public static final String TEST_POSTGRES_PASSWORD = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));

  private static Path prepared;

  private Manifests() {
  }

  /** The repository root: the first directory upwards from the working directory that holds k8s/. */
  public static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve(BASE).resolve("kustomization.yaml"))) dir = dir.getParent();
    if (dir == null) throw new IllegalStateException("no k8s/kustomization.yaml above " + Path.of("").toAbsolutePath());
    return dir;
  }

  /** The directory of {@code install} in the prepared copy (to render, or to give to {@code kubectl kustomize}). */
  public static Path prepared(String install) {
    return preparedRoot().resolve(install);
  }

  public static KubernetesObjects render(String install) {
    return KubernetesObjects.render(prepared(install));
  }

  private static synchronized Path preparedRoot() {
    if (prepared != null) return prepared;
    try {
      Path root = Files.createTempDirectory("chatrelay-k8s-");
      Path source = repositoryRoot().resolve(BASE);
      try (Stream<Path> files = Files.walk(source)) {
        for (Path f : files.toList()) {
          Path target = root.resolve(BASE).resolve(source.relativize(f).toString());
          if (Files.isDirectory(f)) Files.createDirectories(target);
          else Files.copy(f, target);
        }
      }
      Files.writeString(root.resolve(POSTGRES_PASSWORD_FILE), "password=" + TEST_POSTGRES_PASSWORD + "\n");
      Files.writeString(root.resolve(BUS_KEY_FILE), "bus-key=" + TEST_POSTGRES_PASSWORD + TEST_POSTGRES_PASSWORD + "\n");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(root)));
      prepared = root;
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory: the system cleans it eventually
    }
  }
}
