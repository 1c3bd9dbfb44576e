package io.chatrelay.bench;

import java.util.List;

/** CPU seconds used by a set of server processes (and, optionally, every PostgreSQL process) between two reads. */
final class CpuMeter {
  private final List<ServerProcess> servers;
  private final boolean database;
  private double serverStart;
  private double databaseStart;
  private Runnable atStart = () -> { };

  CpuMeter(List<ServerProcess> servers, boolean database) {
    this.servers = List.copyOf(servers);
    this.database = database;
  }

  static CpuMeter of(ServerProcess... servers) {
    return new CpuMeter(List.of(servers), false);
  }

  /** Also runs {@code hook} when the measured window starts (e.g. a database sampler). */
  CpuMeter onStart(Runnable hook) {
    this.atStart = hook;
    return this;
  }

  void start() {
    atStart.run();
    serverStart = servers();
    databaseStart = database ? Proc.cpuSecondsOfAll("postgres") : 0;
  }

  /** Server CPU seconds since {@link #start}. */
  double server() {
    return servers() - serverStart;
  }

  double database() {
    return database ? Proc.cpuSecondsOfAll("postgres") - databaseStart : 0;
  }

  private double servers() {
    return servers.stream().mapToDouble(ServerProcess::cpuSeconds).sum();
  }
}
