package io.chatrelay.wnet;

import io.chatrelay.shared.service.ServiceContext;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** SKELETON — to be written. */
public final class WsEdgeVerticle extends VerticleBase {
  private final ServiceContext ctx;

  public WsEdgeVerticle(ServiceContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Future<?> start() {
    return Future.succeededFuture();
  }
}
