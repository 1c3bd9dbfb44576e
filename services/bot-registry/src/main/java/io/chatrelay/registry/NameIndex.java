package io.chatrelay.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * This registry instance's sorted copy of the registered names, for {@code search@}: a prefix search is a local
 * range scan instead of a cluster-wide query. Fed by the table's per-name ordered changes and rebuilt from a
 * snapshot at start and whenever changes may have been lost. Confined to the registry's event loop.
 * <p>
 * A rebuild records the changes that arrive while the snapshot is read and replays them on it: every change is
 * absolute (held or free), and the changes of one name arrive in order, so the last one replayed or applied
 * wins whatever moment the snapshot saw that name at.
 */
final class NameIndex {
  private NavigableSet<String> names = new TreeSet<>();
  private List<NameTable.NameChange> recorded;

  void apply(NameTable.NameChange change) {
    applyTo(names, change);
    if (recorded != null) recorded.add(change);
  }

  /** Starts recording changes; call before reading the snapshot. */
  void beginRebuild() {
    recorded = new ArrayList<>();
  }

  /** Replaces the names with {@code snapshot} plus the changes recorded since {@link #beginRebuild()}. */
  void completeRebuild(Collection<String> snapshot) {
    NavigableSet<String> fresh = new TreeSet<>(snapshot);
    recorded.forEach(change -> applyTo(fresh, change));
    names = fresh;
    recorded = null;
  }

  void abandonRebuild() {
    recorded = null;
  }

  /** The names starting with {@code prefix}, sorted (String order: upper case before lower case). */
  List<String> startingWith(String prefix) {
    List<String> out = new ArrayList<>();
    for (String name : names.tailSet(prefix, true)) {
      if (!name.startsWith(prefix)) break;
      out.add(name);
    }
    return out;
  }

  int size() {
    return names.size();
  }

  private static void applyTo(NavigableSet<String> set, NameTable.NameChange change) {
    if (change.held()) {
      set.add(change.name());
    } else {
      set.remove(change.name());
    }
  }
}
