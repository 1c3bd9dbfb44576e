package io.chatrelay.shared.bus;

import io.chatrelay.shared.config.ChatrelayConfig;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.shareddata.Shareable;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;

/**
 * The cluster's bus key ({@code cluster.bus-key}): the secret every chatrelay process shares, with which a process
 * signs the {@link BusGrant}s its requests carry and checks those it receives (HMAC-SHA256). A member that joins
 * the cluster without it can still send to every address, but every request that acts for an account, for a node
 * or as the administrator is refused (docs/security.md, "What membership grants").
 * <p>
 * One per process, kept in the Vert.x instance's local shared data: {@code NodeBootstrap} installs the key of the
 * settings with the node id; a Vert.x created elsewhere (a service's own tests) that is not clustered gets a random
 * key on first use, so the embedded single-process default needs no setting and is safe. A clustered Vert.x
 * without an installed key is a programming error ({@link #of} throws): its members could not check each other.
 */
public final class BusKey implements Shareable {
  /** The setting; also {@code CHATRELAY_CLUSTER_BUS_KEY}. */
  public static final String SETTING = "cluster.bus-key";
  /** Shortest key accepted (characters): 32 random characters are well above 128 bits. */
  public static final int MIN_LENGTH = 32;
  /** The node id signed into grants of a process that is not clustered (it is the only node). */
  public static final String LOCAL_NODE = "local";
  private static final String MAP = "chatrelay.bus-key";
  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;
  /** A Mac per thread, made once: every request is signed (edges) and checked (store, registry). */
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);
  private final String nodeId;
  private final boolean generated;
  private final Clock clock;

  private BusKey(byte[] secret, String nodeId, boolean generated, Clock clock) {
    this.key = new SecretKeySpec(secret, ALGORITHM);
    this.nodeId = nodeId == null ? LOCAL_NODE : nodeId;
    if (this.nodeId.indexOf('.') >= 0) throw new IllegalArgumentException("a node id with '.' cannot be signed: " + nodeId);
    this.generated = generated;
    this.clock = clock;
  }

  /**
   * The key of the settings for node {@code nodeId}. Empty: a random key if the process is not clustered, else an
   * {@link IllegalArgumentException} (a cluster needs the same key on every member); shorter than
   * {@value #MIN_LENGTH} characters: refused.
   */
  public static BusKey fromConfig(ChatrelayConfig cfg, String nodeId) {
    String value = cfg.has(SETTING) ? cfg.getString(SETTING) : "";
    if (value == null || value.isEmpty()) {
      if (cfg.getBoolean("cluster.enabled")) {
        throw new IllegalArgumentException(SETTING + " is required with cluster.enabled: every member signs and checks "
          + "its requests with it. Set the same secret of at least " + MIN_LENGTH + " characters on every member "
          + "(e.g. CHATRELAY_CLUSTER_BUS_KEY=$(openssl rand -base64 32), in Kubernetes from the Secret chatrelay-bus-key)");
      }
      return random(nodeId);
    }
    if (value.length() < MIN_LENGTH) {
      throw new IllegalArgumentException(SETTING + " must be at least " + MIN_LENGTH + " characters, not " + value.length()
        + " (e.g. openssl rand -base64 32)");
    }
    return new BusKey(value.getBytes(StandardCharsets.UTF_8), nodeId, false, Clock.systemUTC());
  }

  /** A fresh random key (the single-process default). */
  public static BusKey random(String nodeId) {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return new BusKey(secret, nodeId, true, Clock.systemUTC());
  }

  /** Makes {@code key} this Vert.x instance's key; must come before any {@link #of} call. */
  public static BusKey install(Vertx vertx, BusKey key) {
    BusKey previous = vertx.sharedData().<String, BusKey>getLocalMap(MAP).putIfAbsent(MAP, key);
    if (previous != null) throw new IllegalStateException("a bus key is already installed for this Vert.x instance");
    return key;
  }

  /** This Vert.x instance's key; a random one for a Vert.x that is not clustered and has none installed. */
  public static BusKey of(Vertx vertx) {
    BusKey key = vertx.sharedData().<String, BusKey>getLocalMap(MAP).get(MAP);
    if (key != null) return key;
    if (vertx.isClustered()) {
      throw new IllegalStateException("no bus key installed for this clustered Vert.x (NodeBootstrap installs " + SETTING + ")");
    }
    return vertx.sharedData().<String, BusKey>getLocalMap(MAP).computeIfAbsent(MAP, k -> random(null));
  }

  /** The node id this process signs into its grants ({@value #LOCAL_NODE} when not clustered). */
  public String nodeId() {
    return nodeId;
  }

  /** Whether this key was generated at random (no {@code cluster.bus-key} set). */
  public boolean generated() {
    return generated;
  }

  long now() {
    return clock.millis();
  }

  /** A grant for {@code actor}, signed now, valid {@link BusGrant#TTL_MS}. */
  public String actorGrant(AccountInfo actor) {
    return sign(BusGrant.forActor(actor, nodeId, now() + BusGrant.TTL_MS));
  }

  /** A grant to administer accounts ({@code chatrelay.admin.*}, registry kick). */
  public String adminGrant() {
    return sign(new BusGrant(BusGrant.ADMIN, "-", nodeId, now() + BusGrant.TTL_MS));
  }

  /** A grant saying that this node sends the request (bot registry claims and releases). */
  public String nodeGrant() {
    return sign(new BusGrant(BusGrant.NODE, "-", nodeId, now() + BusGrant.TTL_MS));
  }

  /** {@code options} with {@code grant} as its {@value BusGrant#HEADER} header. */
  public static DeliveryOptions carrying(DeliveryOptions options, String grant) {
    return options.addHeader(BusGrant.HEADER, grant);
  }

  String sign(BusGrant grant) {
    String payload = grant.payload();
    return payload + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(mac(payload));
  }

  boolean matches(String payload, byte[] signature) {
    return MessageDigest.isEqual(mac(payload), signature);
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }

  private byte[] mac(String payload) {
    // doFinal leaves the Mac initialized with the key again, ready for the next grant on this thread
    return macs.get().doFinal(payload.getBytes(StandardCharsets.UTF_8));
  }
}
