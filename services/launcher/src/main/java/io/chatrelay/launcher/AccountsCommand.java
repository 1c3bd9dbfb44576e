package io.chatrelay.launcher;

import picocli.CommandLine.Command;

/** {@code accounts}: create, list and rotate keys of accounts, on the database the settings name. */
@Command(name = "accounts", mixinStandardHelpOptions = true,
  description = "Manage accounts (works on the same settings and database as 'serve', also while it runs).",
  subcommands = {})
final class AccountsCommand {
}
