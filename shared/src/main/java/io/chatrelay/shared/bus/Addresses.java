package io.chatrelay.shared.bus;

/**
 * Every event-bus address of chatrelay. This class and the records of this package are the public contract for
 * services inside the cluster; {@code docs/event-bus.md} documents each address with its request and reply.
 * Requests are JSON objects; failures are {@link BusFailure}s.
 */
public final class Addresses {
  private Addresses() {
  }

  // ---- accounts (message-store) ----
  /**
   * {@code {type:"password", username, password}} or {@code {type:"token", apiKey}} -> {@code {id, name, role}};
   * fails 401 {@code bad-credentials}.
   */
  public static final String ACCOUNTS_AUTHENTICATE = "chatrelay.accounts.authenticate";
  /** {@code {id}} -> {@code {id, name, role}}; fails 404 {@code unknown-account}. */
  public static final String ACCOUNTS_GET = "chatrelay.accounts.get";
  /**
   * Published by the message store after an account change is committed ({@link AccountEvent}
   * {@code {event:"key-rotated"|"banned"|"unbanned", id, name, at}}): edges end the sessions it invalidates.
   */
  public static final String ACCOUNTS_EVENTS = "chatrelay.accounts.events";

  // ---- account administration (message-store): only with an admin grant (BusGrant), see AdminRequests ----
  /** {@code {name, role, password?}} -> {@code {id, name, role, apiKey}} (the API key is shown only here). */
  public static final String ADMIN_ACCOUNTS_CREATE = "chatrelay.admin.accounts.create";
  /** {@code {}} -> {@code {accounts: [{id, name, role, createdAt}]}} */
  public static final String ADMIN_ACCOUNTS_LIST = "chatrelay.admin.accounts.list";
  /**
   * {@code {name}} -> {@code {id, name, role, apiKey}} with a new API key; the old one stops working (and the
   * sessions it opened end: {@code key-rotated} on {@link #ACCOUNTS_EVENTS}).
   */
  public static final String ADMIN_ACCOUNTS_ROTATE_KEY = "chatrelay.admin.accounts.rotate-key";
  /** {@code {userId}} -> {@link BanInfo}: bans as the settings-file administrator (as {@link #MESSAGES_BAN}). */
  public static final String ADMIN_ACCOUNTS_BAN = "chatrelay.admin.accounts.ban";
  /** {@code {userId}} -> {@link BanInfo} of the ban lifted (as {@link #MESSAGES_UNBAN}). */
  public static final String ADMIN_ACCOUNTS_UNBAN = "chatrelay.admin.accounts.unban";

  // ---- wnet bot registry (bot-registry) ----
  /** {@code {name, owner}} -> {@code {result:"added"}} or {@code {result:"occupied", owner}}. */
  public static final String WNET_REGISTER = "chatrelay.wnet.registry.register";
  /**
   * {@code {name, owner, previous}}: checks that {@code previous} is alive ({@code isalive}), and gives the name to
   * {@code owner} if not. -> {@code {result:"added"}}, {@code {result:"alive"}} or {@code {result:"occupied", owner}}.
   */
  public static final String WNET_TAKEOVER = "chatrelay.wnet.registry.takeover";
  /** {@code {name, owner}} -> {@code {removed: bool}}; removes the name only if {@code owner} still holds it. */
  public static final String WNET_UNREGISTER = "chatrelay.wnet.registry.unregister";
  /** {@code {name}} -> {@code {name, owner}}; fails 404 {@code unknown-bot}. */
  public static final String WNET_LOOKUP = "chatrelay.wnet.registry.lookup";
  /** {@code {prefix}} -> {@code {names: [...]}}, sorted. */
  public static final String WNET_SEARCH = "chatrelay.wnet.registry.search";
  /**
   * {@code {prefix?}} -> {@code {bots: [{name, owner, registeredAt}]}}, sorted by name: every registration, read
   * from the cluster-wide table now ({@code io.chatrelay.shared.wnet.BotRegistration}). For operators' tools.
   */
  public static final String WNET_LIST = "chatrelay.wnet.registry.list";
  /**
   * {@code {name}} -> {@code {name, owner, registeredAt}} (what was removed): frees the name whoever holds it and
   * tells the holder ({@code removed}, reason {@code kicked}); fails 404 {@code unknown-bot}. Administrators only.
   */
  public static final String WNET_KICK = "chatrelay.wnet.registry.kick";
  /** Published: {@code {event:"online"|"offline", name, owner}}. */
  public static final String WNET_BOT_EVENTS = "chatrelay.wnet.bots.events";
  /** Prefix of each WS edge node's delivery address: {@code chatrelay.wnet.node.<nodeId>}; bodies: {@link WnetDelivery}. */
  public static final String WNET_NODE_PREFIX = "chatrelay.wnet.node.";

  public static String wnetNode(String nodeId) {
    return WNET_NODE_PREFIX + nodeId;
  }
  /** Prefix of each in-cluster bot's own delivery address ({@code io.chatrelay.shared.wnet.BusBot}): {@code chatrelay.wnet.bot.<uuid>}. */
  public static final String WNET_BOT_PREFIX = "chatrelay.wnet.bot.";

  // ---- operations (every process) ----
  /**
   * Prefix of each process's status address: {@code chatrelay.ops.node.<nodeId>}, {@code {}} ->
   * {@code io.chatrelay.shared.ops.NodeStatus} (services, uptime, connections, relay rates, refusal counters, and
   * what the services report). Ask every member of {@code ClusterView.members()} to see the cluster.
   */
  public static final String OPS_NODE_PREFIX = "chatrelay.ops.node.";

  public static String opsNode(String nodeId) {
    return OPS_NODE_PREFIX + nodeId;
  }

  // ---- messages (message-store, Tchatator) ----
  public static final String MESSAGES_SEND = "chatrelay.messages.send";
  public static final String MESSAGES_UPDATE = "chatrelay.messages.update";
  public static final String MESSAGES_DELETE = "chatrelay.messages.delete";
  public static final String MESSAGES_UNREAD = "chatrelay.messages.unread";
  public static final String MESSAGES_HISTORY = "chatrelay.messages.history";
  public static final String MESSAGES_MARK_READ = "chatrelay.messages.mark-read";
  public static final String MESSAGES_BLOCK = "chatrelay.messages.block";
  public static final String MESSAGES_UNBLOCK = "chatrelay.messages.unblock";
  public static final String MESSAGES_BAN = "chatrelay.messages.ban";
  public static final String MESSAGES_UNBAN = "chatrelay.messages.unban";
  /** Published after a message is stored: the message as in lists. */
  public static final String MESSAGES_CREATED = "chatrelay.messages.created";
  /** Published after a message is edited. */
  public static final String MESSAGES_UPDATED = "chatrelay.messages.updated";
  /** Published after a message is deleted: {@code {id, senderId, recipientId, deletedAt}}. */
  public static final String MESSAGES_DELETED = "chatrelay.messages.deleted";
}
