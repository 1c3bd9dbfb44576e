package io.chatrelay.launcher;

import io.chatrelay.shared.config.ChatrelayConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code java -jar chatrelay.jar <command>}: serve, accounts, config. */
@Command(name = "chatrelay", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
  description = "Messaging backbone: Protocol_4.1 (wnet) over WebSocket and Tchatator over TCP.",
  subcommands = {ServeCommand.class, AccountsCommand.class, Main.ConfigCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int code = run(args);
    if (code != 0 || !ServeCommand.isServing()) System.exit(code);
  }

  /** Runs a command line and returns its exit code (a running {@code serve} returns 0 and keeps going). */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      line.getErr().println("error: " + (ex.getMessage() == null ? ex : ex.getMessage()));
      return 1;
    });
    return cl.execute(args);
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(System.out);
    return 0;
  }

  /** Prints the built-in settings file, which documents every key. */
  @Command(name = "config", mixinStandardHelpOptions = true,
    description = "Print the settings file with every key, its default and its documentation; or, with --effective, "
      + "the settings that the given file, environment and options produce.")
  static final class ConfigCommand implements Callable<Integer> {
    @Mixin
    SettingsOptions settings;

    @Option(names = "--effective", description = "Print the resulting settings (JSON) instead of the documented defaults.")
    boolean effective;

    @Override
    public Integer call() {
      if (effective) {
        ChatrelayConfig cfg = settings.load();
        cfg.warnings().forEach(w -> System.err.println("warning: " + w));
        System.out.println(cfg.toJson().encodePrettily());
        return 0;
      }
      try (InputStream in = ChatrelayConfig.class.getClassLoader().getResourceAsStream(ChatrelayConfig.DEFAULTS_RESOURCE)) {
        System.out.print(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return 0;
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"chatrelay " + (v == null ? "development build" : v)};
    }
  }

  static List<String> split(String csv) {
    return csv == null ? List.of() : List.of(csv.split(","));
  }
}
