package io.chatrelay.launcher.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Renders a kustomization the way {@code kubectl kustomize} does, for the fields k8s/ uses and no others: a field
 * this class does not implement is an error, so the manifests cannot drift into something the tests ignore.
 * <ul>
 *   <li>{@code resources}: YAML files (several documents each) and directories holding a kustomization;</li>
 *   <li>{@code namespace}: set on every namespaced object;</li>
 *   <li>{@code labels} with {@code pairs} only: added to every object's {@code metadata.labels};</li>
 *   <li>{@code images}: {@code name} to {@code newName}/{@code newTag} in every container of a pod template;</li>
 *   <li>{@code replicas}: {@code spec.replicas} of the named Deployment or StatefulSet;</li>
 *   <li>{@code patches}: JSON 6902 operations (add, replace, remove) on a {@code target} (kind, name,
 *   equality {@code labelSelector}), or a strategic-merge patch that is exactly a {@code $patch: delete};</li>
 *   <li>{@code secretGenerator}: {@code name}, {@code type}, {@code literals}, {@code envs} (KEY=value lines),
 *   {@code files} ([key=]path), with {@code generatorOptions.disableNameSuffixHash: true} (name hashes and the
 *   rewriting of references to them are not implemented).</li>
 * </ul>
 */
public final class Kustomize {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> FIELDS = Set.of("apiVersion", "kind", "resources", "namespace", "labels", "images",
    "replicas", "patches", "secretGenerator", "generatorOptions");
  private static final Set<String> SECRET_GENERATOR_FIELDS = Set.of("name", "type", "literals", "envs", "files");
  private static final Set<String> IMAGE_FIELDS = Set.of("name", "newName", "newTag", "digest");
  /** What kustomize accepts as a key of an env file (Kubernetes' environment variable names). */
  private static final Pattern ENV_KEY = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
  private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace");
  private static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet");

  private Kustomize() {
  }

  /** The objects {@code dir}'s kustomization produces, each a JSON tree. */
  public static List<ObjectNode> render(Path dir) {
    Path file = dir.resolve("kustomization.yaml");
    ObjectNode k = (ObjectNode) readAll(file).get(0);
    k.fieldNames().forEachRemaining(f -> {
      if (!FIELDS.contains(f)) throw new IllegalArgumentException(file + ": field '" + f + "' is not supported here");
    });
    require(k, "apiVersion", "kustomize.config.k8s.io/v1beta1", file);
    require(k, "kind", "Kustomization", file);

    List<ObjectNode> objects = new ArrayList<>();
    for (JsonNode entry : k.path("resources")) {
      Path resource = dir.resolve(entry.asText()).normalize();
      if (Files.isDirectory(resource)) {
        objects.addAll(render(resource));
      } else {
        for (JsonNode doc : readAll(resource)) objects.add((ObjectNode) doc);
      }
    }
    objects.addAll(generateSecrets(k, dir, file));
    for (JsonNode patch : k.path("patches")) applyPatch(objects, patch, dir);
    if (k.has("namespace")) {
      String namespace = k.get("namespace").asText();
      for (ObjectNode o : objects) {
        if (!CLUSTER_SCOPED.contains(kind(o))) ((ObjectNode) o.get("metadata")).put("namespace", namespace);
      }
    }
    for (JsonNode labels : k.path("labels")) {
      labels.fieldNames().forEachRemaining(f -> {
        if (!f.equals("pairs")) throw new IllegalArgumentException(file + ": labels." + f + " is not supported here");
      });
      for (ObjectNode o : objects) {
        ObjectNode metadata = (ObjectNode) o.get("metadata");
        ObjectNode existing = metadata.has("labels") ? (ObjectNode) metadata.get("labels") : metadata.putObject("labels");
        existing.setAll((ObjectNode) labels.get("pairs"));
      }
    }
    for (JsonNode replicas : k.path("replicas")) {
      ObjectNode target = find(objects, o -> WORKLOADS.contains(kind(o)) && name(o).equals(replicas.get("name").asText()),
        file + ": replicas for " + replicas.get("name"));
      ((ObjectNode) target.get("spec")).put("replicas", replicas.get("count").asInt());
    }
    for (JsonNode image : k.path("images")) {
      for (ObjectNode o : objects) setImage(o, image);
    }
    return objects;
  }

  private static List<ObjectNode> generateSecrets(ObjectNode k, Path dir, Path file) {
    JsonNode options = k.path("generatorOptions");
    options.fieldNames().forEachRemaining(f -> {
      if (!f.equals("disableNameSuffixHash")) throw new IllegalArgumentException(file + ": generatorOptions." + f + " is not supported here");
    });
    List<ObjectNode> secrets = new ArrayList<>();
    for (JsonNode generator : k.path("secretGenerator")) {
      if (!options.path("disableNameSuffixHash").asBoolean(false)) {
        throw new IllegalArgumentException(file + ": a secretGenerator needs generatorOptions.disableNameSuffixHash: true here");
      }
      generator.fieldNames().forEachRemaining(f -> {
        if (!SECRET_GENERATOR_FIELDS.contains(f)) throw new IllegalArgumentException(file + ": secretGenerator field '" + f + "' is not supported here");
      });
      String name = generator.get("name").asText();
      Map<String, byte[]> values = new LinkedHashMap<>();
      for (JsonNode literal : generator.path("literals")) {
        String[] kv = literal.asText().split("=", 2);
        if (kv.length != 2) throw new IllegalArgumentException(file + ": literal '" + literal.asText() + "' is not key=value");
        putOnce(values, kv[0], kv[1].getBytes(StandardCharsets.UTF_8), name);
      }
      for (JsonNode env : generator.path("envs")) {
        // As kustomize reads an env file: a byte-order mark dropped, leading blanks, blank lines and # comments ignored.
        String content = readGenerated(dir.resolve(env.asText()), name);
        for (String line : (content.startsWith("\uFEFF") ? content.substring(1) : content).split("\\r?\\n")) {
          String trimmed = line.stripLeading();
          if (trimmed.isEmpty() || trimmed.startsWith("#")) continue;
          String[] kv = trimmed.split("=", 2);
          if (kv.length != 2 || !ENV_KEY.matcher(kv[0]).matches()) {
            throw new IllegalArgumentException(env.asText() + ": '" + kv[0] + "' is not a KEY=value line");
          }
          putOnce(values, kv[0], kv[1].getBytes(StandardCharsets.UTF_8), name);
        }
      }
      for (JsonNode source : generator.path("files")) {
        String[] kv = source.asText().split("=", 2);
        Path path = dir.resolve(kv[kv.length - 1]);
        putOnce(values, kv.length == 2 ? kv[0] : path.getFileName().toString(),
          readGenerated(path, name).getBytes(StandardCharsets.UTF_8), name);
      }
      ObjectNode secret = YAML.createObjectNode().put("apiVersion", "v1").put("kind", "Secret");
      secret.putObject("metadata").put("name", name);
      secret.put("type", generator.path("type").asText("Opaque"));
      ObjectNode data = secret.putObject("data");
      values.forEach((key, value) -> data.put(key, Base64.getEncoder().encodeToString(value)));
      secrets.add(secret);
    }
    return secrets;
  }

  private static void putOnce(Map<String, byte[]> values, String key, byte[] value, String secret) {
    if (values.put(key, value) != null) throw new IllegalArgumentException("secretGenerator " + secret + ": key " + key + " given twice");
  }

  /** A file a generator reads: one the operator creates, so its absence is named plainly. */
  private static String readGenerated(Path path, String secret) {
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("secretGenerator " + secret + ": " + path + " does not exist (see docs/deploy-kubernetes.md)");
    }
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void applyPatch(List<ObjectNode> objects, JsonNode patch, Path dir) {
    JsonNode body = patch.has("path") ? readAll(dir.resolve(patch.get("path").asText())).get(0) : parse(patch.get("patch").asText());
    if (body.isArray()) {
      JsonNode target = patch.get("target");
      if (target == null) throw new IllegalArgumentException("a JSON 6902 patch needs a target: " + patch);
      int matched = 0;
      for (ObjectNode o : objects) {
        if (!matches(o, target)) continue;
        matched++;
        for (JsonNode op : body) applyOperation(o, op);
      }
      if (matched == 0) throw new IllegalArgumentException("patch target matches nothing: " + target);
      return;
    }
    ObjectNode smp = (ObjectNode) body;
    if (!"delete".equals(smp.path("$patch").asText()) || smp.size() != 4) {
      throw new IllegalArgumentException("only `$patch: delete` strategic-merge patches are supported here: " + smp);
    }
    ObjectNode victim = find(objects, o -> o.get("apiVersion").equals(smp.get("apiVersion")) && kind(o).equals(kind(smp))
      && name(o).equals(name(smp)), "delete patch for " + kind(smp) + " " + name(smp));
    objects.remove(victim);
  }

  private static boolean matches(ObjectNode o, JsonNode target) {
    if (target.has("kind") && !kind(o).equals(target.get("kind").asText())) return false;
    if (target.has("name") && !name(o).equals(target.get("name").asText())) return false;
    if (target.has("labelSelector")) {
      JsonNode labels = o.path("metadata").path("labels");
      for (String term : target.get("labelSelector").asText().split(",")) {
        String[] kv = term.split("=", 2);
        if (kv.length != 2) throw new IllegalArgumentException("only key=value label selectors are supported: " + term);
        if (!kv[1].trim().equals(labels.path(kv[0].trim()).asText(null))) return false;
      }
    }
    Set<String> known = Set.of("kind", "name", "labelSelector");
    target.fieldNames().forEachRemaining(f -> {
      if (!known.contains(f)) throw new IllegalArgumentException("patch target field '" + f + "' is not supported here");
    });
    return true;
  }

  /** One RFC 6902 operation: add, replace or remove, on a JSON pointer. */
  private static void applyOperation(ObjectNode root, JsonNode op) {
    String path = op.get("path").asText();
    String[] segments = path.substring(1).split("/");
    JsonNode parent = root;
    for (int i = 0; i < segments.length - 1; i++) {
      parent = child(parent, unescape(segments[i]));
      if (parent == null) throw new IllegalArgumentException("patch path " + path + " does not exist");
    }
    String last = unescape(segments[segments.length - 1]);
    String kind = op.get("op").asText();
    if (!Set.of("add", "replace", "remove").contains(kind)) throw new IllegalArgumentException("patch op " + kind);
    if (parent instanceof ObjectNode obj) {
      if (!kind.equals("add") && !obj.has(last)) throw new IllegalArgumentException("patch path " + path + " does not exist");
      if (kind.equals("remove")) obj.remove(last);
      else obj.set(last, op.get("value").deepCopy());
    } else if (parent instanceof ArrayNode array) {
      int index = last.equals("-") ? array.size() : Integer.parseInt(last);
      if (kind.equals("add")) array.insert(index, op.get("value").deepCopy());
      else if (index >= array.size()) throw new IllegalArgumentException("patch path " + path + " does not exist");
      else if (kind.equals("remove")) array.remove(index);
      else array.set(index, op.get("value").deepCopy());
    } else {
      throw new IllegalArgumentException("patch path " + path + " does not lead to an object or list");
    }
  }

  private static JsonNode child(JsonNode node, String segment) {
    if (node instanceof ArrayNode array) return array.get(Integer.parseInt(segment));
    return node.get(segment);
  }

  private static String unescape(String segment) {
    return segment.replace("~1", "/").replace("~0", "~");
  }

  private static void setImage(ObjectNode o, JsonNode image) {
    image.fieldNames().forEachRemaining(f -> {
      if (!IMAGE_FIELDS.contains(f)) throw new IllegalArgumentException("images field '" + f + "' is not supported here");
    });
    JsonNode podSpec = o.path("spec").path("template").path("spec");
    for (String list : List.of("initContainers", "containers")) {
      for (JsonNode container : podSpec.path(list)) {
        String current = container.get("image").asText();
        int colon = current.lastIndexOf(':');
        boolean tagged = colon > current.lastIndexOf('/');
        String repository = tagged ? current.substring(0, colon) : current;
        if (!repository.equals(image.get("name").asText())) continue;
        String newName = image.path("newName").asText(repository);
        String newTag = image.has("newTag") ? image.get("newTag").asText() : tagged ? current.substring(colon + 1) : null;
        // A digest replaces the tag (kustomize edit set image name=newName@sha256:...).
        String reference = image.has("digest") ? newName + "@" + image.get("digest").asText()
          : newTag == null ? newName : newName + ":" + newTag;
        ((ObjectNode) container).set("image", new TextNode(reference));
      }
    }
  }

  private static ObjectNode find(List<ObjectNode> objects, java.util.function.Predicate<ObjectNode> wanted, String what) {
    List<ObjectNode> found = objects.stream().filter(wanted).toList();
    if (found.size() != 1) throw new IllegalArgumentException(what + ": " + found.size() + " objects match, expected 1");
    return found.get(0);
  }

  private static void require(JsonNode node, String field, String value, Path file) {
    if (!value.equals(node.path(field).asText())) throw new IllegalArgumentException(file + ": " + field + " must be " + value);
  }

  static String kind(JsonNode o) {
    return o.path("kind").asText();
  }

  static String name(JsonNode o) {
    return o.path("metadata").path("name").asText();
  }

  private static JsonNode parse(String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every non-empty document of a YAML file. */
  static List<JsonNode> readAll(Path file) {
    try (var parser = YAML.getFactory().createParser(file.toFile())) {
      List<JsonNode> docs = new ArrayList<>();
      Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) docs.add(doc);
      }
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /** The objects keyed by {@code kind/namespace/name}, to compare two renderings. */
  static Map<String, JsonNode> byIdentity(List<? extends JsonNode> objects) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (JsonNode o : objects) {
      String key = kind(o) + "/" + o.path("metadata").path("namespace").asText("") + "/" + name(o);
      if (out.put(key, o) != null) throw new IllegalArgumentException("two objects are " + key);
    }
    return out;
  }
}
