package io.chatrelay.launcher;

import io.chatrelay.registry.BotRegistryVerticle;
import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.config.SettingsException;
import io.chatrelay.shared.service.ServiceContext;
import io.chatrelay.store.MessageStoreVerticle;
import io.chatrelay.tchatator.TchatatorEdgeVerticle;
import io.chatrelay.tchatator.TchatatorSettings;
import io.chatrelay.wnet.WnetSettings;
import io.chatrelay.wnet.WsEdgeVerticle;

import io.vertx.core.VerticleBase;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The four services by the names {@code --services} takes, in start order: the store and the registry before
 * the edges, so an edge never accepts a peer before the services it calls can answer.
 */
public enum ServiceCatalog implements ServiceFactory {
  MESSAGE_STORE("message-store", MessageStoreVerticle::new),
  BOT_REGISTRY("bot-registry", BotRegistryVerticle::new),
  WS_EDGE("ws-edge", WsEdgeVerticle::new),
  TCP_EDGE("tcp-edge", TchatatorEdgeVerticle::new);

  private final String serviceName;
  private final Function<ServiceContext, VerticleBase> factory;

  ServiceCatalog(String serviceName, Function<ServiceContext, VerticleBase> factory) {
    this.serviceName = serviceName;
    this.factory = factory;
  }

  @Override
  public String serviceName() {
    return serviceName;
  }

  @Override
  public VerticleBase create(ServiceContext ctx) {
    return factory.apply(ctx);
  }

  /**
   * Builds the services' own typed settings ({@link WnetSettings}, {@link TchatatorSettings}) from {@code cfg}, so a
   * rule between keys that one of them checks fails the load (start, reload, {@code config --check}) rather than
   * the service's start. Returns {@code cfg}.
   */
  public static ChatrelayConfig checked(ChatrelayConfig cfg) {
    try {
      WnetSettings.from(cfg);
      TchatatorSettings.from(cfg);
    } catch (SettingsException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new SettingsException(e.getMessage());
    }
    return cfg;
  }

  public static String allNames() {
    return String.join(",", Arrays.stream(values()).map(ServiceCatalog::serviceName).toList());
  }

  /** Parses a comma-separated list of service names, returned in start order; unknown names are an error. */
  public static List<ServiceCatalog> parse(Collection<String> names) {
    Set<ServiceCatalog> chosen = new LinkedHashSet<>();
    for (String raw : names) {
      String name = raw.trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) continue;
      if (name.equals("all")) {
        chosen.addAll(Arrays.asList(values()));
        continue;
      }
      ServiceCatalog match = Arrays.stream(values()).filter(s -> s.serviceName.equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown service '" + raw.trim() + "'; known: " + allNames()));
      chosen.add(match);
    }
    if (chosen.isEmpty()) throw new IllegalArgumentException("no service chosen; known: " + allNames());
    List<ServiceCatalog> ordered = new ArrayList<>(Arrays.asList(values()));
    ordered.retainAll(chosen);
    return ordered;
  }
}
