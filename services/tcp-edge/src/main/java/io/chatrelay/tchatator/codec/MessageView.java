package io.chatrelay.tchatator.codec;

/**
 * One message as a reply lists it. {@code direction} is {@code sent} or {@code received} from the asker's view;
 * times are epoch milliseconds; {@code modifiedAt} and {@code modifiedText} ("modifié il y a ...") are null for
 * a message never edited; {@code read} says whether the recipient has had it.
 */
public record MessageView(long id, long senderId, long recipientId, String direction, String content, long sentAt,
                          Long modifiedAt, String modifiedText, boolean read) {
}
