package io.chatrelay.store.messages;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ModifiedTextTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
    PT0S       | modifié il y a quelques secondes
    PT59.999S  | modifié il y a quelques secondes
    PT-5S      | modifié il y a quelques secondes
    PT1M       | modifié il y a quelques minutes
    PT14M59S   | modifié il y a quelques minutes
    PT15M      | modifié il y a 15 minutes
    PT29M59S   | modifié il y a 15 minutes
    PT30M      | modifié il y a 30 minutes
    PT44M      | modifié il y a 30 minutes
    PT45M      | modifié il y a 45 minutes
    PT59M59S   | modifié il y a 45 minutes
    PT1H       | modifié il y a 1 heure
    PT1H59M    | modifié il y a 1 heure
    PT2H       | modifié il y a 2 heures
    PT23H59M   | modifié il y a 23 heures
    PT24H      | modifié il y a 1 jour
    PT47H59M   | modifié il y a 1 jour
    PT48H      | modifié il y a 2 jours
    P400D      | modifié il y a 400 jours
    """)
  void followsTheTchatatorRules(String elapsed, String expected) {
    assertThat(ModifiedText.of(Duration.parse(elapsed))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "modified at {0}, now {1}")
  @CsvSource({"1000, 1000, modifié il y a quelques secondes", "0, 1800000, modifié il y a 30 minutes"})
  void measuresFromTheModificationTime(long modifiedAt, long now, String expected) {
    assertThat(ModifiedText.since(modifiedAt, now)).isEqualTo(expected);
  }
}
