package io.chatrelay.tchatator;

import io.vertx.core.Vertx;

import java.util.function.Supplier;

/** What every session of one edge shares: settings read live, the store, the log file and the open sessions. */
record EdgeResources(Vertx vertx, Supplier<TchatatorSettings> settings, StoreClient store, TchatatorLog log,
                     SessionRegistry registry) {
}
