package io.chatrelay.launcher;

import io.chatrelay.shared.config.ChatrelayConfig;
import io.chatrelay.shared.config.Setting;
import io.chatrelay.shared.config.SettingDefinitions;
import io.chatrelay.shared.config.SettingsException;
import io.chatrelay.shared.config.SettingsReference;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
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

  /** Prints the built-in settings file, which documents every key; or checks a settings file. */
  @Command(name = "config", mixinStandardHelpOptions = true,
    description = "Print the settings file with every key, its default and its documentation; with --effective, "
      + "the settings that the given file, environment and options produce; with --check FILE, whether FILE "
      + "(with the environment and options) gives valid settings (exit 1 if not).")
  static final class ConfigCommand implements Callable<Integer> {
    @Mixin
    SettingsOptions settings;

    @Option(names = "--effective", description = "Print the resulting settings (JSON, secrets masked) instead of the documented defaults.")
    boolean effective;

    @Option(names = "--check", paramLabel = "FILE",
      description = "Check FILE: print OK and the effective settings (secrets masked), or each invalid setting; exit 1 if any.")
    Path check;

    @Option(names = "--reference", description = "Print the reference table of every setting (Markdown, as in docs/configuration.md).")
    boolean reference;

    @Override
    public Integer call() {
      if (check != null) return check();
      if (reference) {
        System.out.print(SettingsReference.markdown());
        return 0;
      }
      if (effective) {
        ChatrelayConfig cfg = settings.load();
        cfg.warnings().forEach(w -> System.err.println("warning: " + w));
        System.out.println(cfg.toMaskedJson().encodePrettily());
        return 0;
      }
      System.out.print(SettingsReference.defaultsText());
      return 0;
    }

    private int check() {
      if (!Files.isRegularFile(check)) {
        System.err.println("error: settings file " + check + " not found");
        return 1;
      }
      settings.configFile = check;
      ChatrelayConfig cfg;
      try {
        cfg = settings.load();
      } catch (SettingsException e) {
        e.errors().forEach(err -> System.err.println("error: " + err));
        System.err.println(check + ": " + e.errors().size() + " invalid setting" + (e.errors().size() == 1 ? "" : "s"));
        return 1;
      }
      cfg.warnings().forEach(w -> System.err.println("warning: " + w));
      System.out.println("OK " + check);
      for (Setting s : SettingDefinitions.all()) {
        Object value = cfg.printable(s.key());
        System.out.println(s.key() + " = " + (value instanceof String text ? "\"" + text + "\"" : value)
          + (s.restartOnly() ? "" : "   (reloadable)"));
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
