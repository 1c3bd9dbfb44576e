package io.chatrelay.shared.config;

import java.util.List;

/**
 * Settings that cannot be used: each error names the key, the reason and where the value came from, e.g.
 * {@code /etc/chatrelay.yaml: wnet.port must be between 0 and 65535, got 70000}.
 */
public final class SettingsException extends IllegalArgumentException {
  private final List<String> errors;

  public SettingsException(List<String> errors) {
    super(errors.size() == 1 ? errors.get(0) : errors.size() + " invalid settings: " + String.join("; ", errors));
    this.errors = List.copyOf(errors);
  }

  public SettingsException(String error) {
    this(List.of(error));
  }

  /** One line per invalid setting. */
  public List<String> errors() {
    return errors;
  }
}
