package io.chatrelay.shared.config;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The current settings of a running process. Services read {@link #get()} when they need a value (so a reload
 * takes effect on the next use) and may {@link #onChange listen} for changes they must act on.
 */
public final class LiveConfig {
  private volatile ChatrelayConfig current;
  private final List<Consumer<ChatrelayConfig>> listeners = new CopyOnWriteArrayList<>();

  public LiveConfig(ChatrelayConfig initial) {
    this.current = initial;
  }

  public ChatrelayConfig get() {
    return current;
  }

  /** Installs new settings and tells every listener (on the caller's thread). */
  public void update(ChatrelayConfig next) {
    ChatrelayConfig previous = current;
    current = next;
    if (!previous.equals(next)) listeners.forEach(l -> l.accept(next));
  }

  public void onChange(Consumer<ChatrelayConfig> listener) {
    listeners.add(listener);
  }
}
