package io.chatrelay.tchatator;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;

import java.util.function.Supplier;

/**
 * What every session of one edge shares: settings read live, the store, the log file, the open sessions and the
 * {@code chatrelay_messages_relayed_total{protocol="tchatator"}} counter (messages accepted by SEND_MSG).
 */
record EdgeResources(Vertx vertx, Supplier<TchatatorSettings> settings, StoreClient store, TchatatorLog log,
                     SessionRegistry registry, Counter relayed) {
}
