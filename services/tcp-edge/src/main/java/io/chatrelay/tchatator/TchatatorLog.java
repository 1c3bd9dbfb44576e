package io.chatrelay.tchatator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;

/**
 * The Tchatator log file ({@code tchatator.log-file}, path read at every line, so a reload moves the log): one
 * line per event, {@code <UTC date-time> [<user>] [<client IP>] <text>}, the user empty before LOGIN. Lines are
 * appended through an {@link AsyncFile}, so the event loop never waits for the disk; with
 * {@code tchatator.log-to-console} they also go to the console logger {@code tchatator}. Callers never pass an
 * API key or a password: requests are logged through their masking {@code toString()}.
 * <p>
 * Used from the edge verticle's event loop only.
 */
final class TchatatorLog {
  private static final Logger CONSOLE = LoggerFactory.getLogger("tchatator");
  private static final Logger LOG = LoggerFactory.getLogger(TchatatorLog.class);

  private final Vertx vertx;
  private final Supplier<TchatatorSettings> settings;
  private final Clock clock;
  private String openPath;
  private Future<AsyncFile> file;

  TchatatorLog(Vertx vertx, Supplier<TchatatorSettings> settings, Clock clock) {
    this.vertx = vertx;
    this.settings = settings;
    this.clock = clock;
  }

  void log(String user, String ip, String text) {
    TchatatorSettings s = settings.get();
    String line = clock.instant().truncatedTo(ChronoUnit.MILLIS) + " [" + user + "] [" + ip + "] " + text;
    if (s.logToConsole()) CONSOLE.info(line);
    if (s.logFile().isBlank()) return;
    Buffer bytes = Buffer.buffer(line).appendByte((byte) '\n');
    fileAt(s.logFile()).onSuccess(f -> f.write(bytes));
  }

  /** The file for {@code path}, opened (and its directory created) once; the previous one is closed. */
  private Future<AsyncFile> fileAt(String path) {
    if (!path.equals(openPath)) {
      close();
      openPath = path;
      Path parent = Path.of(path).toAbsolutePath().getParent();
      file = (parent == null ? Future.<Void>succeededFuture() : vertx.fileSystem().mkdirs(parent.toString()))
        .compose(v -> vertx.fileSystem().open(path, new OpenOptions().setAppend(true).setCreate(true).setWrite(true)))
        .onFailure(e -> LOG.error("cannot open the Tchatator log file {}: {}", path, e.getMessage()));
    }
    return file;
  }

  /** Closes the file once the lines already queued are written. */
  Future<Void> close() {
    Future<AsyncFile> current = file;
    file = null;
    openPath = null;
    return current == null ? Future.succeededFuture() : current.compose(AsyncFile::close, e -> Future.succeededFuture());
  }
}
