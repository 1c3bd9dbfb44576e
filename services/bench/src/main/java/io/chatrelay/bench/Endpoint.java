package io.chatrelay.bench;

/** Where a WebSocket server listens. */
record Endpoint(String host, int port, String path) {
}
