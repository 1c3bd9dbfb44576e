package io.chatrelay.wnet.http;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The proxies ({@code wnet.trusted-proxies}: IPs and CIDR blocks) whose word about the client's address is
 * believed, and who the client is behind them (pure, no I/O: addresses are parsed as literals, never looked up).
 */
public final class TrustedProxies {
  /** X-Forwarded-For hops looked at, from the right: more than any real chain of proxies. */
  static final int MAX_HOPS = 32;

  private final List<IpSubnetFilterRule> rules;

  private TrustedProxies(List<IpSubnetFilterRule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** Parses the setting; an entry that is not an IP literal or {@code ip/prefix} is an error naming it. */
  public static TrustedProxies of(List<String> entries) {
    List<IpSubnetFilterRule> rules = new ArrayList<>();
    for (String entry : entries) {
      String text = entry.trim();
      int slash = text.indexOf('/');
      InetAddress ip = literal(slash < 0 ? text : text.substring(0, slash));
      if (ip == null) throw new IllegalArgumentException("wnet.trusted-proxies: '" + entry + "' is not an IP address or CIDR block");
      int maxPrefix = ip.getAddress().length * 8;
      int prefix;
      try {
        prefix = slash < 0 ? maxPrefix : Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > maxPrefix) {
        throw new IllegalArgumentException("wnet.trusted-proxies: '" + entry + "' has a bad prefix length (0 to " + maxPrefix + ")");
      }
      rules.add(new IpSubnetFilterRule(ip, prefix, IpFilterRuleType.ACCEPT));
    }
    return new TrustedProxies(rules);
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  /** Whether {@code address} (an IP literal) is a trusted proxy. */
  public boolean trusts(String address) {
    InetAddress ip = literal(address);
    return ip != null && trusts(ip);
  }

  private boolean trusts(InetAddress ip) {
    InetSocketAddress probe = new InetSocketAddress(ip, 0);
    for (IpSubnetFilterRule rule : rules) {
      if (rule.matches(probe)) return true;
    }
    return false;
  }

  /**
   * The client of a request that came from {@code peer} with these {@code X-Forwarded-For} header values: the
   * peer itself unless it is a trusted proxy; otherwise the right-most hop that is not a trusted proxy (each proxy
   * appends the address it got the request from, so everything left of that hop is the client's own claim).
   * A hop that is not an IP address ends the walk at the last address that was verified.
   */
  public String clientOf(String peer, List<String> forwardedFor) {
    InetAddress current = literal(peer);
    if (current == null) return peer;
    if (!trusts(current) || forwardedFor.isEmpty()) return current.getHostAddress();
    List<String> hops = new ArrayList<>();
    for (String header : forwardedFor) {
      for (String hop : header.split(",")) hops.add(hop);
    }
    for (int i = hops.size() - 1, seen = 0; i >= 0 && seen < MAX_HOPS; i--, seen++) {
      InetAddress hop = literal(hop(hops.get(i)));
      if (hop == null) break;
      current = hop;
      if (!trusts(hop)) break;
    }
    return current.getHostAddress();
  }

  /** One X-Forwarded-For entry without its port: {@code 1.2.3.4:80 -> 1.2.3.4}, {@code [::1]:80 -> ::1}. */
  private static String hop(String entry) {
    String text = entry.trim();
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      return close < 0 ? text : text.substring(1, close);
    }
    int colon = text.indexOf(':');
    return colon >= 0 && colon == text.lastIndexOf(':') ? text.substring(0, colon) : text;
  }

  /** The address written in {@code text} (IPv4 or IPv6 literal), or null; never a DNS lookup. */
  static InetAddress literal(String text) {
    if (text == null || text.isEmpty()) return null;
    return NetUtil.createInetAddressFromIpAddressString(text);
  }

  /** {@code address} in one canonical spelling (per-address counts must not depend on how an IP was written). */
  public static String canonical(String address) {
    InetAddress ip = literal(address);
    return ip == null ? address : ip.getHostAddress();
  }
}
