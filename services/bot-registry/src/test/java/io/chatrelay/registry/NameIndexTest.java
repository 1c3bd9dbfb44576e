package io.chatrelay.registry;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The index replays the changes seen while a snapshot was read on top of it. Steps: {@code +n} / {@code -n} a
 * change arrives (n held / free), {@code begin} a rebuild starts, {@code snap=a;b} the snapshot read {a, b},
 * {@code abandon} the snapshot read failed.
 */
class NameIndexTest {
  @ParameterizedTest(name = "{0} -> [{1}]")
  @CsvSource(delimiter = '|', value = {
    "+a +b                      | a;b",
    "+a +b -a                   | b",
    // snapshot read after the change: the replayed change agrees with it
    "begin +a snap=a            | a",
    // snapshot read before a removal reported during the rebuild: the replay removes it
    "+a begin -a snap=a         | ''",
    // snapshot read before an addition reported during the rebuild: the replay adds it
    "begin +a snap=             | a",
    // added and removed while reading; the snapshot saw it in between
    "begin +a -a snap=a         | ''",
    // changes lost before the rebuild (a never reported, b's removal never reported): the snapshot repairs them
    "+b begin snap=a            | a",
    // changes after the rebuild apply to the new names
    "begin snap=a;b -a +c       | b;c",
    // a failed read keeps the live names and stops recording
    "+a begin +b abandon -a     | b",
  })
  void changesRecordedDuringARebuildAreReplayedOnTheSnapshot(String steps, String expected) {
    NameIndex index = new NameIndex();
    for (String step : steps.trim().split("\\s+")) {
      if (step.startsWith("+")) index.apply(new NameTable.NameChange(step.substring(1), true));
      else if (step.startsWith("-")) index.apply(new NameTable.NameChange(step.substring(1), false));
      else if (step.equals("begin")) index.beginRebuild();
      else if (step.equals("abandon")) index.abandonRebuild();
      else if (step.startsWith("snap=")) index.completeRebuild(names(step.substring(5)));
      else throw new IllegalArgumentException("unknown step " + step);
    }
    assertThat(index.startingWith("")).isEqualTo(names(expected));
  }

  @ParameterizedTest(name = "''{0}'' -> [{1}]")
  @CsvSource(delimiter = '|', value = {
    "''     | Al;Alpine;al;alp;alpha;b",
    "al     | al;alp;alpha",
    "alp    | alp;alpha",
    "alpha  | alpha",
    "alphas | ''",
    "A      | Al;Alpine",
    "c      | ''",
    "@      | ''",
  })
  void searchIsAPrefixRangeInStringOrder(String prefix, String expected) {
    NameIndex index = new NameIndex();
    for (String name : List.of("alpha", "b", "Alpine", "alp", "al", "Al")) index.apply(new NameTable.NameChange(name, true));
    assertThat(index.startingWith(prefix)).isEqualTo(names(expected));
  }

  private static List<String> names(String list) {
    return list.isEmpty() ? List.of() : Arrays.asList(list.split(";"));
  }
}
