package io.chatrelay.wnet;

import io.chatrelay.shared.web.StaticResources;

import io.vertx.core.http.HttpServerRequest;

/**
 * The people's page of the web console, served by the WS edge from the jar at {@code /} (same origin as
 * {@code /wnet/ws}, so the edge's Origin check lets it in): the online bots, conversations with them, optional
 * sign-in. Static files only; the page speaks Protocol_4.1 over its own WebSocket like any other client.
 * See docs/console.md.
 */
final class PeoplePage {
  private static final StaticResources FILES = StaticResources.page("/page/", "io/chatrelay/wnet/page/",
    "strings.js", "people.js", "people.css");

  private PeoplePage() {
  }

  /** Answers a plain HTTP request for one of the page's files and returns true; false for any other path. */
  static boolean serve(HttpServerRequest req) {
    return FILES.serve(req);
  }
}
