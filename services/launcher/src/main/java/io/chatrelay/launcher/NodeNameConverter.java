package io.chatrelay.launcher;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code %node} in {@code logback.xml}: this process's name in every log line, so the lines of several processes
 * (a cluster's pods gathered by one log collector) tell which one wrote them. It is {@code node.name}, set when
 * {@code serve} has read its settings; until then, and when {@code node.name} is empty, the host name (in
 * Kubernetes: the pod's name).
 */
public final class NodeNameConverter extends ClassicConverter {
  private static volatile String name = hostName();

  /** Uses {@code nodeName} from now on; empty or null: the host name. */
  static void use(String nodeName) {
    name = nodeName == null || nodeName.isBlank() ? hostName() : nodeName.strip();
  }

  static String current() {
    return name;
  }

  @Override
  public String convert(ILoggingEvent event) {
    return name;
  }

  /** $HOSTNAME, else /etc/hostname, else the local host's name (looked up last: it may wait for DNS). */
  static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) return env.strip();
    try {
      String file = Files.readString(Path.of("/etc/hostname")).strip();
      if (!file.isEmpty()) return file;
    } catch (IOException | RuntimeException ignored) {
      // not on Linux, or no such file: ask the resolver
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
