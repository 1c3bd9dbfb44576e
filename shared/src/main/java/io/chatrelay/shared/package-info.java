package io.chatrelay.shared;
