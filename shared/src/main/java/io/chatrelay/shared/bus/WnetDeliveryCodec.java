package io.chatrelay.shared.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

import java.nio.charset.StandardCharsets;

/**
 * The binary event-bus codec of {@link WnetDelivery}, registered as {@value #NAME} on every chatrelay process
 * ({@link #register}). Between members a delivery is a few length-prefixed strings instead of a JSON document;
 * within one process the record itself is handed over ({@link #transform} returns the same object: no copy).
 * <p>
 * Wire layout (inside Vert.x's own message framing), version {@value #VERSION}, big-endian:
 * <pre>
 * byte version (1) | byte kind | string to | the kind's fields, in record order
 *   kind 1 connection: string bot, string sid, string clientAddress, string-or-null auth
 *   kind 2 cssend: string bot, string sid, string text
 *   kind 3 disconnected: string bot, string sid
 *   kind 4 isalive: string bot, int64 windowMs
 *   kind 5 removed: string bot, string reason
 *   kind 6 mess: string bot, string text
 *   kind 7 botgone: string bot
 * string = int32 byte length, then that many bytes of UTF-8; length -1 is null (only auth may be null)
 * </pre>
 * Decoding never throws: a body it cannot read (another version, an unknown kind, a cut or lying length, a null
 * where a value is required) decodes to {@link Malformed}, which {@link WnetDelivery#from} refuses with 400
 * {@code bad-request} and the problem.
 * <p>
 * Who gets which form ({@link #body}, {@link #options}): deliveries to a WS edge node ({@code chatrelay.wnet.node.*},
 * always a chatrelay process) travel binary; deliveries to any other address (an in-cluster bot, which may be
 * another team's code) travel as the documented JSON. Every chatrelay receiver accepts both.
 */
public final class WnetDeliveryCodec implements MessageCodec<WnetDelivery, Object> {
  public static final String NAME = "chatrelay.wnet-delivery";
  static final byte VERSION = 1;
  static final byte CONNECTION = 1;
  static final byte CSSEND = 2;
  static final byte DISCONNECTED = 3;
  static final byte ISALIVE = 4;
  static final byte REMOVED = 5;
  static final byte MESS = 6;
  static final byte BOTGONE = 7;

  public static final WnetDeliveryCodec INSTANCE = new WnetDeliveryCodec();
  private static final DeliveryOptions BINARY = new DeliveryOptions().setCodecName(NAME);

  /** What a body that is not a readable delivery decodes to: {@code problem} says why. */
  public record Malformed(String problem) {
  }

  private WnetDeliveryCodec() {
  }

  /** Registers the codec on {@code vertx}'s event bus; a second call changes nothing. */
  public static void register(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    synchronized (bus) {
      try {
        bus.registerCodec(INSTANCE);
      } catch (IllegalStateException alreadyRegistered) {
        // registered by another service of this process
      }
    }
  }

  /** Whether deliveries to {@code address} travel in the binary form. */
  public static boolean binary(String address) {
    return address.startsWith(Addresses.WNET_NODE_PREFIX);
  }

  /** The body to send {@code delivery} to {@code address} with: the record (binary), or its JSON. */
  public static Object body(String address, WnetDelivery delivery) {
    return binary(address) ? delivery : delivery.toJson();
  }

  /** The delivery options for {@code address}: the codec for the binary form. Do not modify the result. */
  public static DeliveryOptions options(String address) {
    return binary(address) ? BINARY : new DeliveryOptions();
  }

  /** As {@link #options} with a send timeout. */
  public static DeliveryOptions options(String address, long sendTimeoutMs) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(sendTimeoutMs);
    return binary(address) ? options.setCodecName(NAME) : options;
  }

  @Override
  public void encodeToWire(Buffer buffer, WnetDelivery delivery) {
    buffer.appendByte(VERSION);
    delivery.accept(ENCODER, buffer);
  }

  private static final WnetDelivery.Handler<Buffer, Void> ENCODER = new WnetDelivery.Handler<>() {
    public Void connection(Buffer b, WnetDelivery.Connection d) {
      head(b, CONNECTION, d.to());
      strings(b, d.bot(), d.sid(), d.clientAddress(), d.auth());
      return null;
    }

    public Void clientMessage(Buffer b, WnetDelivery.ClientMessage d) {
      head(b, CSSEND, d.to());
      strings(b, d.bot(), d.sid(), d.text());
      return null;
    }

    public Void clientGone(Buffer b, WnetDelivery.ClientGone d) {
      head(b, DISCONNECTED, d.to());
      strings(b, d.bot(), d.sid());
      return null;
    }

    public Void isAlive(Buffer b, WnetDelivery.IsAlive d) {
      head(b, ISALIVE, d.to());
      strings(b, d.bot());
      b.appendLong(d.windowMs());
      return null;
    }

    public Void nameRemoved(Buffer b, WnetDelivery.NameRemoved d) {
      head(b, REMOVED, d.to());
      strings(b, d.bot(), d.reason());
      return null;
    }

    public Void botMessage(Buffer b, WnetDelivery.BotMessage d) {
      head(b, MESS, d.to());
      strings(b, d.bot(), d.text());
      return null;
    }

    public Void botGone(Buffer b, WnetDelivery.BotGone d) {
      head(b, BOTGONE, d.to());
      strings(b, d.bot());
      return null;
    }
  };

  private static void head(Buffer b, byte kind, String to) {
    b.appendByte(kind);
    strings(b, to);
  }

  private static void strings(Buffer b, String... values) {
    for (String s : values) {
      if (s == null) {
        b.appendInt(-1);
      } else {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.appendInt(bytes.length).appendBytes(bytes);
      }
    }
  }

  @Override
  public Object decodeFromWire(int pos, Buffer buffer) {
    return decode(buffer, pos);
  }

  /** Decodes the delivery at {@code pos}: a {@link WnetDelivery}, or {@link Malformed}. Never throws. */
  public static Object decode(Buffer buffer, int pos) {
    try {
      Reader r = new Reader(buffer, pos);
      byte version = r.readByte();
      if (version != VERSION) return new Malformed("unknown wnet delivery codec version " + version);
      byte kind = r.readByte();
      String to = r.required("to");
      return switch (kind) {
        case CONNECTION -> new WnetDelivery.Connection(to, r.required("bot"), r.required("sid"), r.required("clientAddress"),
          r.optional());
        case CSSEND -> new WnetDelivery.ClientMessage(to, r.required("bot"), r.required("sid"), r.required("text"));
        case DISCONNECTED -> new WnetDelivery.ClientGone(to, r.required("bot"), r.required("sid"));
        case ISALIVE -> new WnetDelivery.IsAlive(to, r.required("bot"), r.readLong());
        case REMOVED -> new WnetDelivery.NameRemoved(to, r.required("bot"), r.required("reason"));
        case MESS -> new WnetDelivery.BotMessage(to, r.required("bot"), r.required("text"));
        case BOTGONE -> new WnetDelivery.BotGone(to, r.required("bot"));
        default -> new Malformed("unknown wnet delivery kind " + kind);
      };
    } catch (MalformedException e) {
      return new Malformed(e.getMessage());
    } catch (RuntimeException e) {
      return new Malformed("unreadable wnet delivery: " + e);
    }
  }

  /** Reads fields with bounds checks: a field past the end fails with what was missing. */
  private static final class Reader {
    private final Buffer buffer;
    private int pos;

    Reader(Buffer buffer, int pos) {
      this.buffer = buffer;
      this.pos = pos;
    }

    private void need(int bytes, String what) {
      if (bytes < 0 || pos < 0 || buffer.length() - pos < bytes) throw new MalformedException("wnet delivery cut short in " + what);
    }

    byte readByte() {
      need(1, "its header");
      return buffer.getByte(pos++);
    }

    long readLong() {
      need(8, "field 'windowMs'");
      long v = buffer.getLong(pos);
      pos += 8;
      return v;
    }

    String required(String field) {
      String s = read(field);
      if (s == null) throw new MalformedException("missing string field '" + field + "'");
      return s;
    }

    String optional() {
      return read("auth");
    }

    private String read(String field) {
      need(4, "the length of field '" + field + "'");
      int length = buffer.getInt(pos);
      pos += 4;
      if (length == -1) return null;
      if (length < 0) throw new MalformedException("negative length of field '" + field + "'");
      need(length, "field '" + field + "'");
      String s = buffer.getString(pos, pos + length, "UTF-8");
      pos += length;
      return s;
    }
  }

  private static final class MalformedException extends RuntimeException {
    MalformedException(String message) {
      super(message, null, false, false);
    }
  }

  @Override
  public Object transform(WnetDelivery delivery) {
    return delivery; // records are immutable: a local consumer gets the same object
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
