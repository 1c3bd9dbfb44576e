// The people's page: a Protocol_4.1 client in the browser, over the page's own WebSocket (same origin as the page).
// Bots are listed by asking search@<prefix> once a second (the protocol has no presence events for clients);
// a conversation is connect@ / cssend@ / disconnect@; replies come in the order of the commands, so a queue of
// the commands sent tells which command an error@ answers (cssend@ has no reply when it succeeds).
"use strict";
(() => {
  const S = window.STRINGS;
  const WS_PATH = "/wnet/ws";
  const POLL_MS = 1000;
  const GONE_SHOWN_MS = 60000;
  const RETRY_DELAYS_S = [0.5, 1, 2, 3, 5];
  const SIGNED_IN_KEY = "chatrelay.signedInAs"; // the account name only (never a credential), for this tab's session
  const BOT_NAME = /^[A-Za-z]{1,18}$/;
  const PREFIX = /^[A-Za-z]{0,18}$/;

  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs = {}, text) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === true) e.setAttribute(k, "");
      else if (v !== false && v != null) e.setAttribute(k, v);
    }
    if (text != null) e.textContent = text;
    return e;
  };

  let ws = null;
  let retries = 0;
  let retryTimer = null;
  const pending = []; // commands sent and not answered yet: {cmd, bot}
  let searchInFlight = false;
  const online = new Set();
  const gone = new Map(); // bot -> when it disappeared from the list
  const conversations = new Map(); // bot -> conversation
  let current = null;

  // ---- texts ----
  for (const e of document.querySelectorAll("[data-text]")) e.textContent = S[e.dataset.text];
  for (const e of document.querySelectorAll("[data-label]")) e.setAttribute("aria-label", S[e.dataset.label]);
  for (const e of document.querySelectorAll("[data-placeholder]")) e.placeholder = S[e.dataset.placeholder];
  document.title = S.title;

  function notice(text) {
    $("notice").textContent = text || "";
  }

  function setLink(text, kind) {
    const p = $("link-state");
    p.textContent = text;
    p.className = "pill " + (kind || "");
  }

  // ---- the WebSocket ----
  function wsUrl() {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + WS_PATH;
  }

  function open() {
    clearTimeout(retryTimer);
    setLink(S.linkConnecting, "warn");
    const socket = new WebSocket(wsUrl());
    ws = socket;
    socket.onopen = () => {
      if (ws !== socket) return;
      retries = 0;
      setLink(S.linkConnected, "ok");
      poll();
    };
    socket.onmessage = (e) => {
      if (ws === socket && typeof e.data === "string") receive(e.data);
    };
    socket.onclose = (e) => {
      if (ws !== socket) return;
      ws = null;
      lost(e.code, e.reason);
    };
  }

  function lost(code, reason) {
    pending.length = 0;
    searchInFlight = false;
    for (const c of conversations.values()) {
      if (c.state === "connected" || c.state === "connecting" || c.state === "gone") {
        c.setState("lost");
        c.note(S.noteLost);
      }
    }
    const delay = RETRY_DELAYS_S[Math.min(retries, RETRY_DELAYS_S.length - 1)];
    retries++;
    setLink(S.linkLost(delay, code === 1006 ? "" : S.closeReason(code, reason)), "bad");
    retryTimer = setTimeout(open, delay * 1000 * (1 + Math.random() * 0.2));
  }

  function reopen() {
    if (ws) {
      const old = ws;
      ws = null;
      old.close(1000);
      lost(1000, "");
    }
    retries = 0;
    open();
  }

  function send(cmd, bot, frame) {
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    pending.push({ cmd, bot });
    ws.send(frame);
    return true;
  }

  // ---- frames from the server ----
  function receive(frame) {
    const at = frame.indexOf("@");
    const word = at < 0 ? frame : frame.slice(0, at);
    const rest = at < 0 ? "" : frame.slice(at + 1);
    switch (word) {
      case "list": {
        const parts = rest.split("@");
        answered((p) => p.cmd === "search");
        searchInFlight = false;
        showList(parts[0], parts.slice(1).filter((n) => n.length > 0));
        break;
      }
      case "connectedto":
        answered((p) => p.cmd === "connect" && p.bot === rest);
        conversationOf(rest)?.connected();
        break;
      case "disconnectedfrom": {
        const mine = answered((p) => p.cmd === "disconnect" && p.bot === rest);
        conversationOf(rest)?.disconnected(!!mine);
        break;
      }
      case "mess": {
        const sep = rest.indexOf("@");
        const bot = sep < 0 ? rest : rest.slice(0, sep);
        conversationOf(bot)?.fromBot(sep < 0 ? "" : rest.slice(sep + 1));
        break;
      }
      case "error":
        failed(rest);
        break;
      default:
        break;
    }
  }

  /** Drops the commands up to the first that {@code matches} (those before it succeeded silently); returns it. */
  function answered(matches) {
    const i = pending.findIndex(matches);
    if (i < 0) return null;
    return pending.splice(0, i + 1)[i];
  }

  /** The command an error@ answers: a cssend@ ahead of it only if the text is one of cssend@'s own errors. */
  function failed(text) {
    while (pending.length > 0 && pending[0].cmd === "cssend" && !isCsSendError(text, pending[0].bot)) pending.shift();
    const cmd = pending.shift();
    if (!cmd || cmd.cmd === "search") {
      if (cmd) searchInFlight = false;
      notice(S.serverError(text));
      return;
    }
    const c = conversationOf(cmd.bot);
    if (!c) {
      notice(S.serverError(text));
      return;
    }
    c.note(S.error(text), "fail");
    if (cmd.cmd === "connect") c.setState("refused");
  }

  function isCsSendError(text, bot) {
    return text.startsWith("Not connected to " + bot + ":") || text.startsWith("Message too long");
  }

  // ---- the list of bots ----
  function prefix() {
    return $("filter").value.trim();
  }

  function poll() {
    if (!ws || ws.readyState !== WebSocket.OPEN || searchInFlight) return;
    const p = prefix();
    if (!PREFIX.test(p)) return;
    if (send("search", null, "search@" + p)) searchInFlight = true;
  }

  function showList(listPrefix, names) {
    if (listPrefix !== prefix()) return; // an answer to a filter that has changed since
    const now = Date.now();
    for (const name of online) if (!names.includes(name) && name.startsWith(listPrefix)) gone.set(name, now);
    online.clear();
    for (const name of names) {
      online.add(name);
      gone.delete(name);
    }
    for (const [name, since] of gone) if (now - since > GONE_SHOWN_MS) gone.delete(name);
    renderList(listPrefix);
    for (const c of conversations.values()) c.listed(online.has(c.bot));
  }

  function renderList(listPrefix) {
    const list = $("bot-list");
    const all = [...new Set([...online, ...gone.keys()])].filter((n) => n.startsWith(listPrefix)).sort();
    list.replaceChildren(...all.map((name) => {
      const isGone = !online.has(name);
      const li = el("li", { class: isGone ? "gone" : "online", "data-bot": name });
      const b = el("button", { type: "button", disabled: isGone, "aria-label": isGone ? `${name} (${S.botGone})` : S.botOpen(name) });
      b.append(el("span", { class: "dot", "aria-hidden": "true" }), el("span", {}, name));
      if (isGone) b.append(el("span", { class: "tag" }, S.botGone));
      b.addEventListener("click", () => openConversation(name));
      li.append(b);
      return li;
    }));
    $("bots-count").textContent = S.botsCount(online.size, listPrefix);
  }

  $("filter").addEventListener("input", () => {
    const p = prefix();
    $("filter-hint").textContent = PREFIX.test(p) ? "" : S.filterInvalid;
    online.clear();
    gone.clear();
    renderList(p);
    searchInFlight = false;
    poll();
  });

  // ---- conversations ----
  function conversationOf(bot) {
    return conversations.get(bot) || null;
  }

  function openConversation(bot) {
    if (!BOT_NAME.test(bot)) return;
    let c = conversations.get(bot);
    if (!c) {
      c = new Conversation(bot);
      conversations.set(bot, c);
    }
    select(c);
    if (c.state !== "connected" && c.state !== "connecting") c.connect();
    c.input.focus();
  }

  function select(c) {
    current = c;
    for (const other of conversations.values()) other.show(other === c);
    $("no-conversation").hidden = conversations.size > 0;
  }

  class Conversation {
    constructor(bot) {
      this.bot = bot;
      this.state = "closed";
      this.unread = 0;
      const id = "c-" + bot;
      this.tab = el("button", { type: "button", role: "tab", id: "tab-" + id, "aria-controls": "panel-" + id, "aria-selected": "false" });
      this.dot = el("span", { class: "dot", "aria-hidden": "true" });
      this.badge = el("span", { class: "badge", hidden: true });
      this.tabState = el("span", { class: "visually-hidden" });
      this.tab.append(this.dot, el("span", {}, bot), this.tabState, this.badge);
      this.tab.addEventListener("click", () => select(this));

      this.panel = el("section", { role: "tabpanel", id: "panel-" + id, "aria-labelledby": "tab-" + id, hidden: true });
      const head = el("div", { class: "panel-head" });
      this.stateText = el("p", { class: "state", role: "status" });
      this.reconnectButton = el("button", { type: "button" }, S.reconnect);
      this.reconnectButton.addEventListener("click", () => this.connect());
      const close = el("button", { type: "button" }, S.closeConversation);
      close.addEventListener("click", () => this.close());
      head.append(this.stateText, this.reconnectButton, close);
      this.log = el("ol", { class: "log", role: "log", "aria-live": "polite", "aria-label": bot });
      const form = el("form", { class: "compose" });
      const label = el("label", { for: "msg-" + id, class: "visually-hidden" }, S.message);
      this.input = el("input", { id: "msg-" + id, autocomplete: "off", enterkeyhint: "send", placeholder: S.messagePlaceholder(bot) });
      this.sendButton = el("button", { type: "submit", class: "primary" }, S.send);
      form.append(label, this.input, this.sendButton);
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        this.sendMessage();
      });
      this.panel.append(head, this.log, form);
      $("tabs").append(this.tab);
      $("panels").append(this.panel);
    }

    show(visible) {
      this.panel.hidden = !visible;
      this.tab.setAttribute("aria-selected", String(visible));
      this.tab.tabIndex = visible ? 0 : -1;
      if (visible) {
        this.unread = 0;
        this.badge.hidden = true;
      }
    }

    setState(state) {
      this.state = state;
      const texts = { connecting: S.stateConnecting, connected: S.stateConnected, gone: S.stateGone, lost: S.stateLost,
        refused: S.stateRefused, closed: S.stateRefused };
      this.stateText.textContent = texts[state](this.bot);
      this.dot.className = "dot " + (state === "connected" ? "ok" : state === "connecting" || state === "lost" ? "warn" : "bad");
      this.tabState.textContent = " (" + (S.tabState[state] || S.tabState.gone) + ")";
      this.panel.dataset.state = state;
      this.reconnectButton.hidden = state === "connected" || state === "connecting" || state === "lost";
      this.sendButton.disabled = state !== "connected";
    }

    connect() {
      if (send("connect", this.bot, "connect@" + this.bot)) this.setState("connecting");
      else this.setState("lost");
    }

    connected() {
      if (this.state === "connected") return;
      this.setState("connected");
      this.note(S.noteConnected(this.bot));
    }

    disconnected(byUs) {
      if (this.state === "closed" && !byUs) return;
      if (byUs) {
        this.note(S.noteClosed(this.bot));
        return;
      }
      this.setState("gone");
      this.toldBack = false;
      this.note(S.noteGone(this.bot), "fail");
    }

    /** The bot is (or is not) in the latest list: a conversation waiting for it reconnects by itself. */
    listed(isOnline) {
      if (!isOnline) return;
      if (this.state === "lost") {
        this.connect();
      } else if (this.state === "gone" && !this.toldBack) {
        this.toldBack = true;
        this.note(S.noteBack(this.bot));
      }
    }

    sendMessage() {
      const text = this.input.value;
      if (text.length === 0 || this.state !== "connected") return;
      if (send("cssend", this.bot, "cssend@" + this.bot + "@" + text)) {
        this.line(S.you, text, "mine");
        this.input.value = "";
      }
    }

    fromBot(text) {
      this.line(this.bot, text, "theirs");
      if (current !== this) {
        this.unread++;
        this.badge.textContent = String(this.unread);
        this.badge.hidden = false;
      }
    }

    note(text, kind) {
      this.line("", text, "note " + (kind || ""));
    }

    line(who, text, kind) {
      const now = new Date();
      const li = el("li", { class: kind });
      li.append(el("time", { datetime: now.toISOString() }, now.toLocaleTimeString([], { hour12: false })),
        el("span", { class: "who" }, who), el("span", { class: "text" }, text));
      const atBottom = this.log.scrollTop + this.log.clientHeight >= this.log.scrollHeight - 4;
      this.log.append(li);
      if (atBottom) this.log.scrollTop = this.log.scrollHeight;
    }

    close() {
      if (this.state === "connected" || this.state === "connecting") send("disconnect", this.bot, "disconnect@" + this.bot);
      this.state = "closed";
      conversations.delete(this.bot);
      this.tab.remove();
      this.panel.remove();
      const next = conversations.values().next().value;
      if (next) select(next);
      else {
        current = null;
        $("no-conversation").hidden = false;
      }
    }
  }

  $("tabs").addEventListener("keydown", (e) => {
    if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
    const tabs = [...conversations.values()];
    const i = tabs.indexOf(current);
    if (i < 0) return;
    const next = tabs[(i + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
    select(next);
    next.tab.focus();
  });

  // ---- sign-in: the auth cookie the WS edge reads on the handshake ----
  const cookieTail = "; Path=" + WS_PATH + "; SameSite=Strict" + (location.protocol === "https:" ? "; Secure" : "");

  function setAuthCookie(type, data) {
    document.cookie = 'auth="type=' + type + "&auth=" + encodeURIComponent(data) + '"' + cookieTail;
  }

  function clearAuthCookie() {
    document.cookie = "auth=; Max-Age=0" + cookieTail;
  }

  function showAccount() {
    const who = sessionStorage.getItem(SIGNED_IN_KEY);
    $("signed-in-as").textContent = who === null ? S.anonymous : who === "" ? S.signedInWithKey : S.signedInAs(who);
    $("sign-in-open").hidden = who !== null;
    $("sign-out").hidden = who === null;
  }

  function methodChosen() {
    const method = document.querySelector('input[name="method"]:checked').value;
    for (const f of document.querySelectorAll("#sign-in .fields")) f.hidden = f.dataset.method !== method;
    return method;
  }

  for (const r of document.querySelectorAll('input[name="method"]')) r.addEventListener("change", methodChosen);
  $("sign-in-open").addEventListener("click", () => {
    $("sign-in").hidden = false;
    $("account-name").focus();
  });
  $("sign-in-cancel").addEventListener("click", () => {
    $("sign-in").hidden = true;
  });
  $("sign-in-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const method = methodChosen();
    const name = $("account-name").value.trim();
    const password = $("account-password").value;
    const key = $("api-key").value.trim();
    if (method === "password" ? !name || !password : !key) {
      notice(S.signInMissing);
      return;
    }
    if (method === "password") setAuthCookie("password", JSON.stringify({ username: name, password }));
    else setAuthCookie("token", key);
    sessionStorage.setItem(SIGNED_IN_KEY, method === "password" ? name : "");
    $("sign-in-form").reset();
    methodChosen();
    $("sign-in").hidden = true;
    notice("");
    showAccount();
    reopen(); // the cookie is read on the handshake: a new connection, and the conversations come back on it
  });
  $("sign-out").addEventListener("click", () => {
    clearAuthCookie();
    sessionStorage.removeItem(SIGNED_IN_KEY);
    showAccount();
    reopen();
  });

  showAccount();
  renderList("");
  setInterval(poll, POLL_MS);
  open();
})();
