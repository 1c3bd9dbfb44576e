package io.chatrelay.shared.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A fixed set of small files from the jar, read once into memory and served at fixed paths: the web console's
 * pages. Nothing is read from disk at request time and nothing is unpacked (Vert.x's StaticHandler would copy
 * classpath files to a cache directory), so it works on a read-only file system and cannot serve anything that
 * was not listed. Every response revalidates ({@code Cache-Control: no-cache} with an ETag: a new release shows at
 * once) and carries {@code nosniff}, {@code no-referrer} and, for HTML, the page's Content-Security-Policy.
 */
public final class StaticResources {
  /** Scripts and styles only from the page's own origin, no inline code, no frames, no plugins. */
  public static final String DEFAULT_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  private static final Map<String, String> TYPES = Map.of(
    "html", "text/html; charset=utf-8",
    "css", "text/css; charset=utf-8",
    "js", "text/javascript; charset=utf-8",
    "svg", "image/svg+xml",
    "png", "image/png");

  private record Resource(Buffer body, String contentType, String etag) {
  }

  private final Map<String, Resource> byPath;
  private final String csp;

  private StaticResources(Map<String, Resource> byPath, String csp) {
    this.byPath = byPath;
    this.csp = csp;
  }

  /**
   * Reads every {@code path -> classpath resource} of {@code files} now; a missing resource is an error at once
   * (a broken build), never a 404 later.
   */
  public static StaticResources of(Map<String, String> files, String csp) {
    Map<String, Resource> byPath = new LinkedHashMap<>();
    files.forEach((path, resource) -> byPath.put(path, read(resource)));
    return new StaticResources(byPath, csp);
  }

  /**
   * A console page: {@code /} is {@code <resourceDir>index.html}; each of {@code files} is served at
   * {@code <urlDir><file>} from {@code <resourceDir><file>}; the shared stylesheet at {@code <urlDir>base.css}.
   * With {@link #DEFAULT_CSP}.
   */
  public static StaticResources page(String urlDir, String resourceDir, String... files) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("/", resourceDir + "index.html");
    for (String file : files) all.put(urlDir + file, resourceDir + file);
    all.put(urlDir + "base.css", "io/chatrelay/shared/web/base.css");
    return of(all, DEFAULT_CSP);
  }

  private static Resource read(String resource) {
    ClassLoader loader = StaticResources.class.getClassLoader();
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("web console resource missing from the jar: " + resource);
      byte[] bytes = in.readAllBytes();
      String extension = resource.substring(resource.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
      String type = TYPES.getOrDefault(extension, "application/octet-stream");
      return new Resource(Buffer.buffer(bytes), type, "\"" + sha256(bytes).substring(0, 32) + "\"");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read web console resource " + resource, e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Answers {@code req} if its path is one of the files (GET and HEAD; another method is 405) and returns true;
   * returns false, answering nothing, for any other path.
   */
  public boolean serve(HttpServerRequest req) {
    Resource resource = byPath.get(req.path());
    if (resource == null) return false;
    HttpServerResponse resp = req.response()
      .putHeader("X-Content-Type-Options", "nosniff")
      .putHeader("Referrer-Policy", "no-referrer");
    if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
      resp.setStatusCode(405).putHeader(HttpHeaders.ALLOW, "GET, HEAD").end();
      return true;
    }
    resp.putHeader(HttpHeaders.CACHE_CONTROL, "no-cache").putHeader(HttpHeaders.ETAG, resource.etag());
    if (resource.contentType().startsWith("text/html")) resp.putHeader("Content-Security-Policy", csp);
    if (resource.etag().equals(req.getHeader(HttpHeaders.IF_NONE_MATCH))) {
      resp.setStatusCode(304).end();
      return true;
    }
    resp.putHeader(HttpHeaders.CONTENT_TYPE, resource.contentType());
    if (req.method() == HttpMethod.HEAD) {
      resp.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(resource.body().length())).end();
    } else {
      resp.end(resource.body());
    }
    return true;
  }
}
