package io.chatrelay.bench;

/** One benchmark scenario: runs its measurements (env.runs() times), prints them and writes its JSON. */
interface Scenario {
  String name();

  /** The options every scenario takes (a picocli mixin of the scenario's command). */
  BenchMain.Common common();

  /** Runs the scenario and returns the report written. */
  Report run(BenchEnv env) throws Exception;
}
