package io.chatrelay.launcher;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceCatalogTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "all                                  | message-store,bot-registry,ws-edge,tcp-edge",
    "ws-edge                              | ws-edge",
    "tcp-edge,message-store               | message-store,tcp-edge",
    "WS-EDGE, bot-registry ,ws-edge       | bot-registry,ws-edge",
    "ws-edge,all                          | message-store,bot-registry,ws-edge,tcp-edge",
  })
  void parsesNamesIntoStartOrder(String input, String expected) {
    List<String> names = ServiceCatalog.parse(List.of(input.split(","))).stream().map(ServiceCatalog::serviceName).toList();
    assertThat(String.join(",", names)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"web-edge|unknown service 'web-edge'", "' , '|no service chosen"})
  void rejectsUnknownOrEmpty(String input, String message) {
    assertThatThrownBy(() -> ServiceCatalog.parse(List.of(input.split(",")))).hasMessageContaining(message);
  }
}
