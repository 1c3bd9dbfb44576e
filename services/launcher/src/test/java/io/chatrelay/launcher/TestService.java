package io.chatrelay.launcher;

import io.chatrelay.shared.service.ServiceContext;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.util.function.Function;

/** A service made of two functions, to watch what the server does around a service's start and stop. */
final class TestService implements ServiceFactory {
  private final String name;
  private final Function<ServiceContext, Future<?>> onStart;
  private final Function<ServiceContext, Future<?>> onStop;

  TestService(String name, Function<ServiceContext, Future<?>> onStart, Function<ServiceContext, Future<?>> onStop) {
    this.name = name;
    this.onStart = onStart;
    this.onStop = onStop;
  }

  static TestService starting(String name, Function<ServiceContext, Future<?>> onStart) {
    return new TestService(name, onStart, ctx -> Future.succeededFuture());
  }

  @Override
  public String serviceName() {
    return name;
  }

  @Override
  public VerticleBase create(ServiceContext ctx) {
    return new VerticleBase() {
      @Override
      public Future<?> start() {
        return onStart.apply(ctx);
      }

      @Override
      public Future<?> stop() {
        return onStop.apply(ctx);
      }
    };
  }
}
