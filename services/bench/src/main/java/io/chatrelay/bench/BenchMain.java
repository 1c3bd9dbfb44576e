package io.chatrelay.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code java -jar services/bench/target/chatrelay-bench.jar <scenario> [options]}, from the repository root: each
 * scenario starts real {@code chatrelay.jar serve} processes (and its reference: pgbench, a bare Vert.x echo
 * server), drives them from this process, prints every figure next to its reference measured in the same run and
 * writes {@code <out>/<scenario>.json}. {@code all} runs every scenario and draws the chart.
 */
@Command(name = "chatrelay-bench", mixinStandardHelpOptions = true,
  description = "Load generator for chatrelay: one command per scenario; figures next to their references.",
  subcommands = {TchatatorSend.class, WnetRelay.class, WnetCluster.class, IdleConnections.class, Takeover.class,
    PasswordFlood.class, BenchMain.All.class, ChartCommand.class, FiguresMarkdown.class, EchoServer.class, CommandLine.HelpCommand.class})
public final class BenchMain implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int code = run(args);
    if (code != 0 || !EchoServer.isServing()) System.exit(code);
  }

  /** Runs a bench command line and returns its exit code. */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new BenchMain());
    cl.setExecutionStrategy(BenchMain::execute);
    return cl.execute(args);
  }

  /** A scenario subcommand runs with its options and the common ones in a fresh {@link BenchEnv}. */
  private static int execute(CommandLine.ParseResult parsed) {
    List<CommandLine> chain = parsed.asCommandLineList();
    CommandLine last = chain.get(chain.size() - 1);
    if (last.getCommand() instanceof Scenario scenario) {
      try (BenchEnv env = scenario.common().env(scenario.name())) {
        scenario.run(env);
        return 0;
      } catch (Exception e) {
        e.printStackTrace();
        return 1;
      }
    }
    return new CommandLine.RunLast().execute(parsed);
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(System.out);
    return 0;
  }

  /** Options every scenario takes. */
  static final class Common {
    @Option(names = "--jar",
      description = "The chatrelay jar. Default: ${DEFAULT-VALUE}.")
    Path jar = Path.of(System.getProperty("chatrelay.jar", "services/launcher/target/chatrelay.jar"));

    @Option(names = "--out",
      description = "Results directory (<scenario>.json, logs, flight recordings). Default: ${DEFAULT-VALUE}.")
    Path out = Path.of("services/bench/target/bench-results");

    @Option(names = "--runs",
      description = "Runs per figure (the median and min–max are printed). Default: ${DEFAULT-VALUE}.")
    int runs = 3;

    @Option(names = "--smoke",
      description = "Tiny sizes (a few seconds): checks that the scenario runs, measures nothing worth reading.")
    boolean smoke;

    @Option(names = "--server-jvm",
      description = "JVM options of every server process, space separated. Default: ${DEFAULT-VALUE}.")
    String serverJvm = "-Xmx1g -XX:+UseG1GC";

    @Option(names = "--server-set",
      description = "Extra chatrelay setting for every server (key=value), repeatable.")
    Map<String, String> serverSet = new LinkedHashMap<>();

    @Option(names = "--jfr",
      description = "Record each server with Java Flight Recorder and print the hottest methods.")
    boolean jfr;

    @Option(names = "--pg-host", description = "Default: ${DEFAULT-VALUE}.")
    String pgHost = "127.0.0.1";

    @Option(names = "--pg-port", description = "Default: ${DEFAULT-VALUE}.")
    int pgPort = 5432;

    @Option(names = "--pg-database", description = "Default: ${DEFAULT-VALUE}.")
    String pgDatabase = "test";

    @Option(names = "--pg-user", description = "Default: ${DEFAULT-VALUE}.")
    String pgUser = "postgres";

    BenchEnv env(String scenario) {
      List<String> jvm = new ArrayList<>();
      for (String o : serverJvm.trim().split("\\s+")) if (!o.isEmpty()) jvm.add(o);
      return new BenchEnv(jar, out, smoke ? 1 : runs, smoke, jvm, serverSet, jfr,
        new PgSettings(pgHost, pgPort, pgDatabase, pgUser), scenario);
    }
  }


  /** Every scenario with its defaults, one after the other, then the chart. */
  @Command(name = "all", mixinStandardHelpOptions = true,
    description = "Run every scenario (defaults: under 3 minutes each), draw the chart and write the figures into the docs page.")
  static final class All implements Callable<Integer> {
    @CommandLine.Mixin
    Common common = new Common();

    @Option(names = "--chart", description = "Where to draw the chart. Default: ${DEFAULT-VALUE}.")
    Path chart = Path.of("docs/benchmarks-throughput-p99.png");

    @Option(names = "--docs", description = "The page whose bench:figures block gets the figures ('none': leave it). Default: ${DEFAULT-VALUE}.")
    String docs = "docs/benchmarks.md";

    @Option(names = "--only", split = ",", description = "Run only these scenarios.")
    List<String> only = List.of();

    @Override
    public Integer call() throws Exception {
      List<Scenario> scenarios = List.of(new TchatatorSend(), new WnetRelay(), new WnetCluster(), new IdleConnections(),
        new Takeover(), new PasswordFlood());
      int failed = 0;
      for (Scenario s : scenarios) {
        if (!only.isEmpty() && !only.contains(s.name())) continue;
        try (BenchEnv env = common.env(s.name())) {
          s.run(env);
        } catch (Exception e) {
          failed++;
          System.err.println("scenario " + s.name() + " failed:");
          e.printStackTrace();
        }
      }
      ChartCommand.draw(common.out, chart);
      if (!docs.equals("none")) {
        try {
          FiguresMarkdown.write(Path.of(docs), FiguresMarkdown.render(common.out));
        } catch (IOException | IllegalStateException e) {
          System.err.println("figures not written into " + docs + ": " + e.getMessage() + " (run from the repository root)");
          failed++;
        }
      }
      return failed == 0 ? 0 : 1;
    }
  }
}
