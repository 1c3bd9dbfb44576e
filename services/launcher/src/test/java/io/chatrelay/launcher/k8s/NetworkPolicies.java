package io.chatrelay.launcher.k8s;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;

import java.util.List;
import java.util.Map;

/**
 * Whether the NetworkPolicies let a connection in, decided as Kubernetes defines it: a pod selected by no policy
 * with policy type Ingress accepts everything; a selected pod accepts a connection that some rule of some selecting
 * policy allows (its {@code from} peers and its {@code ports}). Only what chatrelay's policies use is implemented
 * (label-equality selectors, pod and namespace peers, numbered or named TCP ports); anything else (ipBlock,
 * matchExpressions, endPort, egress rules) is an error, so the policies cannot drift past what the tests check.
 */
public final class NetworkPolicies {
  /** The label Kubernetes gives every namespace: its name (what a namespaceSelector can match). */
  private static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

  /** Who opens a connection: a pod (namespace and labels), or something outside the cluster (namespace null). */
  public record Source(String namespace, Map<String, String> labels) {
    public static final Source OUTSIDE = new Source(null, Map.of());

    public static Source pod(String namespace, Map<String, String> labels) {
      return new Source(namespace, labels);
    }
  }

  /** The pod a connection goes to: namespace, labels and the container whose port is asked for (named ports). */
  public record Destination(String namespace, Map<String, String> labels, Container container) {
  }

  private final List<NetworkPolicy> policies;

  public NetworkPolicies(List<NetworkPolicy> policies) {
    this.policies = policies;
    for (NetworkPolicy p : policies) {
      List<String> types = p.getSpec().getPolicyTypes();
      if (types == null || !types.equals(List.of("Ingress"))) {
        throw new IllegalArgumentException(p.getMetadata().getName() + ": policyTypes must be exactly [Ingress] here");
      }
      if (p.getSpec().getEgress() != null && !p.getSpec().getEgress().isEmpty()) {
        throw new IllegalArgumentException(p.getMetadata().getName() + ": egress rules are not evaluated here");
      }
    }
  }

  /** Whether a TCP connection from {@code source} to {@code port} of {@code destination} is let in. */
  public boolean allows(Source source, Destination destination, int port) {
    List<NetworkPolicy> selecting = policies.stream()
      .filter(p -> destination.namespace().equals(p.getMetadata().getNamespace()))
      .filter(p -> matches(p.getSpec().getPodSelector(), destination.labels()))
      .toList();
    if (selecting.isEmpty()) return true;
    for (NetworkPolicy p : selecting) {
      for (NetworkPolicyIngressRule rule : p.getSpec().getIngress() == null ? List.<NetworkPolicyIngressRule>of() : p.getSpec().getIngress()) {
        if (fromMatches(rule.getFrom(), source, p.getMetadata().getNamespace()) && portMatches(rule.getPorts(), destination, port)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean fromMatches(List<NetworkPolicyPeer> from, Source source, String policyNamespace) {
    if (from == null || from.isEmpty()) return true;
    for (NetworkPolicyPeer peer : from) {
      if (peer.getIpBlock() != null) throw new IllegalArgumentException("ipBlock peers are not evaluated here");
      if (source.namespace() == null) continue; // only a rule without peers admits what is outside the cluster
      boolean namespaceOk = peer.getNamespaceSelector() == null ? source.namespace().equals(policyNamespace)
        : matches(peer.getNamespaceSelector(), Map.of(NAMESPACE_NAME_LABEL, source.namespace()));
      boolean podOk = peer.getPodSelector() == null || matches(peer.getPodSelector(), source.labels());
      if (peer.getNamespaceSelector() == null && peer.getPodSelector() == null) {
        throw new IllegalArgumentException("a peer without selectors is invalid");
      }
      if (namespaceOk && podOk) return true;
    }
    return false;
  }

  private static boolean portMatches(List<NetworkPolicyPort> ports, Destination destination, int port) {
    if (ports == null || ports.isEmpty()) return true;
    for (NetworkPolicyPort p : ports) {
      if (p.getEndPort() != null) throw new IllegalArgumentException("endPort is not evaluated here");
      String protocol = p.getProtocol() == null ? "TCP" : p.getProtocol();
      if (!protocol.equals("TCP")) continue;
      IntOrString value = p.getPort();
      if (value == null) return true;
      if (value.getIntVal() != null && value.getIntVal() == port) return true;
      if (value.getStrVal() != null && destination.container().getPorts().stream()
        .filter(c -> value.getStrVal().equals(c.getName())).map(ContainerPort::getContainerPort).anyMatch(n -> n == port)) {
        return true;
      }
    }
    return false;
  }

  /** Label-equality selectors only; an empty selector selects everything. */
  static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector.getMatchExpressions() != null && !selector.getMatchExpressions().isEmpty()) {
      throw new IllegalArgumentException("matchExpressions are not evaluated here");
    }
    Map<String, String> wanted = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
    return labels.entrySet().containsAll(wanted.entrySet());
  }
}
