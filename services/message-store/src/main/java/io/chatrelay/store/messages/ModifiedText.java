package io.chatrelay.store.messages;

import java.time.Duration;

/**
 * "modifié il y a ..." for an edited message, by the Tchatator rules: {@code quelques secondes} under a minute,
 * {@code quelques minutes} under 15 minutes, 15, 30 or 45 minutes under an hour (rounded down to the quarter hour,
 * so the text never claims more time than has passed), whole hours under a day, whole days beyond.
 */
public final class ModifiedText {
  private ModifiedText() {
  }

  public static String since(long modifiedAt, long now) {
    return of(Duration.ofMillis(now - modifiedAt));
  }

  public static String of(Duration elapsed) {
    // a node whose clock is a little behind the editor's sees a negative age: that is "just now"
    long minutes = Math.max(0, elapsed.toMinutes());
    String age;
    if (minutes < 1) {
      age = "quelques secondes";
    } else if (minutes < 15) {
      age = "quelques minutes";
    } else if (minutes < 60) {
      age = (minutes / 15 * 15) + " minutes";
    } else if (minutes < 24 * 60) {
      age = plural(minutes / 60, "heure");
    } else {
      age = plural(minutes / (24 * 60), "jour");
    }
    return "modifié il y a " + age;
  }

  private static String plural(long n, String unit) {
    return n + " " + unit + (n > 1 ? "s" : "");
  }
}
