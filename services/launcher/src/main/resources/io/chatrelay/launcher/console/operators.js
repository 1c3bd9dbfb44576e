// The operators' page: reads the JSON API of this admin server (/api/...) with the administrator's key, kept in
// this page's memory only. Nodes, bots and refusals are refreshed every REFRESH_MS; accounts after each change.
"use strict";
(() => {
  const S = window.STRINGS;
  const REFRESH_MS = 2000;
  const ACCOUNTS_REFRESH_MS = 10000;
  const CONFIRM_MS = 5000;

  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs = {}, text) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) if (v != null && v !== false) e.setAttribute(k, v === true ? "" : v);
    if (text != null) e.textContent = text;
    return e;
  };
  const two = (n) => String(n).padStart(2, "0");
  const time = (ms) => {
    if (!(ms > 0)) return S.unknownTime;
    const d = new Date(ms);
    return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  };
  const short = (node) => (node && node.length > 12 ? node.slice(0, 8) + "…" : node || S.none);

  for (const e of document.querySelectorAll("[data-text]")) e.textContent = S[e.dataset.text];
  for (const o of $("new-role").options) o.textContent = S.roles[o.value];
  document.title = S.title;

  let key = null;
  let timer = null;
  let accountsTimer = null;

  class ApiError extends Error {
    constructor(status, body) {
      super(body && body.text ? body.text : String(status));
      this.status = status;
    }
  }

  async function api(method, path, body) {
    const resp = await fetch("/api" + path, {
      method,
      headers: Object.assign({ Authorization: "Bearer " + key }, body ? { "Content-Type": "application/json" } : {}),
      body: body ? JSON.stringify(body) : undefined,
      cache: "no-store",
    });
    const json = await resp.json().catch(() => null);
    if (!resp.ok) throw new ApiError(resp.status, json);
    return json;
  }

  function notice(text) {
    $("notice").textContent = text || "";
  }

  function rows(tbody, items, build) {
    $(tbody).querySelector("tbody").replaceChildren(...items.map(build));
  }

  function cell(text, cls, title) {
    return el("td", { class: cls, title }, text);
  }

  // ---- the key ----
  $("key-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const entered = $("admin-key").value.trim();
    if (!entered) {
      notice(S.keyMissing);
      return;
    }
    key = entered;
    try {
      await refresh();
    } catch (err) {
      key = null;
      notice(S.keyRefused + err.message);
      return;
    }
    $("admin-key").value = "";
    $("key-form").hidden = true;
    $("lock").hidden = false;
    $("intro").hidden = true;
    $("dashboard").hidden = false;
    notice("");
    loadAccounts();
    timer = setInterval(() => refresh().catch(refreshFailed), REFRESH_MS);
    accountsTimer = setInterval(loadAccounts, ACCOUNTS_REFRESH_MS);
  });

  $("lock").addEventListener("click", () => {
    key = null;
    clearInterval(timer);
    clearInterval(accountsTimer);
    $("dashboard").hidden = true;
    $("key-form").hidden = false;
    $("lock").hidden = true;
    $("intro").hidden = false;
    $("refresh-state").textContent = "";
    $("issued").hidden = true;
  });

  function refreshFailed(err) {
    const p = $("refresh-state");
    p.textContent = S.updateFailed(err.message);
    p.className = "pill bad";
    if (err.status === 401 || err.status === 403) $("lock").click();
    if (err.status === 401 || err.status === 403) notice(S.keyRefused + err.message);
  }

  async function refresh() {
    const [nodes, bots, refusals] = await Promise.all([api("GET", "/nodes"), api("GET", "/bots"), api("GET", "/refusals")]);
    showNodes(nodes);
    showBots(bots);
    showRefusals(refusals);
    const p = $("refresh-state");
    p.textContent = S.updated(new Date().toLocaleTimeString([], { hour12: false }));
    p.className = "pill ok";
  }

  // ---- nodes ----
  function showNodes(reply) {
    const rate = (n) => (n || 0).toFixed(1);
    rows("nodes", reply.nodes, (n) => {
      const tr = el("tr", { "data-node": n.nodeId });
      tr.append(cell(short(n.nodeId), "mono", n.nodeId), cell(n.services.join(", ") || S.none), cell(S.duration(n.uptimeMs)),
        cell(String(n.connections.wnet || 0), "num"), cell(String(n.connections.tchatator || 0), "num"),
        cell(rate(n.relayedPerSecond.wnet), "num"), cell(rate(n.relayedPerSecond.tchatator), "num"));
      return tr;
    });
    $("nodes-missing").textContent = reply.unanswered.length ? S.nodesMissing(reply.unanswered.map(short).join(", ")) : "";
  }

  // ---- bots ----
  const confirming = new Map(); // bot -> until when its Kick button waits for the confirmation

  function showBots(reply) {
    rows("bots", reply.bots, (b) => {
      const tr = el("tr", { "data-bot": b.name });
      const kick = el("button", { type: "button", class: "danger", "aria-label": S.kickLabel(b.name) }, S.kick);
      if ((confirming.get(b.name) || 0) > Date.now()) {
        kick.textContent = S.kickConfirm;
        kick.classList.add("confirm");
      }
      kick.addEventListener("click", () => kickBot(b.name, kick));
      const actions = el("td");
      actions.append(kick);
      tr.append(cell(b.name), cell(b.account || S.none), cell(short(b.node), "mono", b.node),
        cell(time(b.registeredAt)), cell(String(b.clients), "num"), actions);
      return tr;
    });
    $("bots-empty").hidden = reply.bots.length > 0;
  }

  async function kickBot(bot, button) {
    if ((confirming.get(bot) || 0) <= Date.now()) {
      confirming.set(bot, Date.now() + CONFIRM_MS);
      button.textContent = S.kickConfirm;
      button.classList.add("confirm");
      return;
    }
    confirming.delete(bot);
    try {
      await api("POST", "/bots/" + encodeURIComponent(bot) + "/kick");
      $("bots-result").textContent = S.kicked(bot);
    } catch (err) {
      $("bots-result").textContent = S.failed(err.message);
    }
    refresh().catch(refreshFailed);
  }

  // ---- refusals and limits ----
  function showRefusals(reply) {
    const counters = reply.counters.filter((c) => c.count > 0);
    rows("refusals", counters, (c) => {
      const tr = el("tr");
      tr.append(cell(S.counterNames[c.meter] || c.meter, null, c.meter),
        cell(Object.entries(c.tags).map(([k, v]) => k + "=" + v).join(" "), "mono"), cell(String(c.count), "num"));
      return tr;
    });
    $("refusals-empty").hidden = counters.length > 0;
    $("limits").replaceChildren(...Object.entries(reply.limits).flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, String(v))]));
  }

  // ---- accounts ----
  async function loadAccounts() {
    if (!key) return;
    try {
      showAccounts(await api("GET", "/accounts"));
    } catch (err) {
      $("accounts-result").textContent = S.failed(err.message);
    }
  }

  function showAccounts(reply) {
    rows("accounts", reply.accounts, (a) => {
      const tr = el("tr", { "data-account": a.name });
      const actions = el("td");
      const row = el("div", { class: "row" });
      row.append(action(S.rotate, S.rotateLabel(a.name), () => rotate(a)),
        action(S.ban, S.banLabel(a.name), () => ban(a, "ban", S.banned)),
        action(S.unban, S.unbanLabel(a.name), () => ban(a, "unban", S.unbanned)));
      actions.append(row);
      tr.append(cell(String(a.id), "num"), cell(a.name), cell(S.roles[a.role] || a.role), cell(time(a.createdAt)), actions);
      return tr;
    });
  }

  function action(text, label, run) {
    const b = el("button", { type: "button", "aria-label": label }, text);
    b.addEventListener("click", run);
    return b;
  }

  function showIssued(reply) {
    const box = $("issued");
    box.replaceChildren(el("span", {}, S.issuedKey(reply.name)), el("code", { class: "api-key" }, reply.apiKey));
    box.hidden = false;
  }

  async function rotate(account) {
    try {
      showIssued(await api("POST", "/accounts/" + account.id + "/rotate-key"));
      $("accounts-result").textContent = "";
    } catch (err) {
      $("accounts-result").textContent = S.failed(err.message);
    }
  }

  async function ban(account, what, done) {
    try {
      await api("POST", "/accounts/" + account.id + "/" + what);
      $("accounts-result").textContent = done(account.name);
    } catch (err) {
      $("accounts-result").textContent = S.failed(err.message);
    }
  }

  $("create-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const name = $("new-name").value.trim();
    if (!name) {
      $("accounts-result").textContent = S.createMissing;
      return;
    }
    const body = { name, role: $("new-role").value };
    if ($("new-password").value) body.password = $("new-password").value;
    try {
      showIssued(await api("POST", "/accounts", body));
      $("create-form").reset();
      $("accounts-result").textContent = "";
    } catch (err) {
      $("accounts-result").textContent = S.failed(err.message);
    }
    loadAccounts();
  });
})();
