package io.chatrelay.launcher;

import io.chatrelay.shared.service.ServiceContext;

import io.vertx.core.VerticleBase;

/** A service {@link ChatrelayServer} can run: its name (for logs) and its entry verticle. */
public interface ServiceFactory {
  String serviceName();

  VerticleBase create(ServiceContext ctx);
}
