package io.chatrelay.wnet;

import io.chatrelay.shared.cluster.LocalClusterView;
import io.chatrelay.shared.testing.TestConfigs;
import io.chatrelay.wnet.testing.Await;
import io.chatrelay.wnet.testing.WnetStack;
import io.chatrelay.wnet.testing.WsPeer;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The people's page over real HTTP on the WS edge's port, next to the WebSocket. */
@ExtendWith(VertxExtension.class)
class PeoplePageTest {
  private record Reply(int status, MultiMap headers, String body) {
  }

  @Test
  void thePageAndItsFilesAreServedAndAnythingElseIsStillWebSocketOnly(Vertx vertx) {
    WnetStack stack = WnetStack.start(vertx, new LocalClusterView(), TestConfigs.local(), false);
    // a connection per request, as a browser's first visit would open them
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));

    Reply page = get(http, stack.port(), HttpMethod.GET, "/", null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.headers().get("Content-Type")).isEqualTo("text/html; charset=utf-8");
    assertThat(page.headers().get("Content-Security-Policy")).contains("script-src 'self'").contains("frame-ancestors 'none'");
    assertThat(page.headers().get("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(page.body()).contains("<script src=\"/page/people.js\" defer></script>");
    for (String file : new String[] {"/page/people.js", "/page/strings.js", "/page/people.css", "/page/base.css"}) {
      Reply r = get(http, stack.port(), HttpMethod.GET, file, null);
      assertThat(r.status()).as(file).isEqualTo(200);
      assertThat(r.body()).as(file).isNotBlank();
      assertThat(page.body()).as("the page uses " + file).contains(file);
    }
    assertThat(get(http, stack.port(), HttpMethod.GET, "/page/people.js", null).headers().get("Content-Type"))
      .isEqualTo("text/javascript; charset=utf-8");

    // revalidation, HEAD, other methods
    String etag = page.headers().get("ETag");
    assertThat(get(http, stack.port(), HttpMethod.GET, "/", etag).status()).isEqualTo(304);
    Reply head = get(http, stack.port(), HttpMethod.HEAD, "/", null);
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.headers().get("Content-Length")).isEqualTo(String.valueOf(page.body().getBytes(StandardCharsets.UTF_8).length));
    assertThat(get(http, stack.port(), HttpMethod.POST, "/", null).status()).isEqualTo(405);

    // everything else is as before: plain HTTP is refused with 426, the WebSocket still works on its path
    assertThat(get(http, stack.port(), HttpMethod.GET, "/wnet/ws", null).status()).isEqualTo(426);
    assertThat(get(http, stack.port(), HttpMethod.GET, "/index.html", null).status()).isEqualTo(426);
    assertThat(get(http, stack.port(), HttpMethod.GET, "/page/../page/people.js", null).status()).isEqualTo(426);
    try (WsPeer peer = stack.anonymous()) {
      peer.send("search@");
      peer.expect("list@");
    }
  }

  private static Reply get(HttpClient http, int port, HttpMethod method, String path, String ifNoneMatch) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path);
    if (ifNoneMatch != null) options.putHeader("If-None-Match", ifNoneMatch);
    return Await.result(http.request(options).compose(req -> req.send())
      .compose((HttpClientResponse resp) -> resp.body().map(b -> new Reply(resp.statusCode(), resp.headers(), b.toString()))));
  }
}
