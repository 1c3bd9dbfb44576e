package io.chatrelay.tchatator.codec;

/** What the decoder hands out: a well-formed {@link TchatatorRequest} or a {@link Malformed} one. */
public sealed interface Decoded permits TchatatorRequest, Malformed {
}
