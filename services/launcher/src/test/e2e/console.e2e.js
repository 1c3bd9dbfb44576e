// End-to-end test of the web console in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core).
// Run by ConsoleBrowserTest, which starts `serve` and the bots and answers this script's requests on stdin:
//   this script prints  "@@ need <action> [args]"  and waits for  "@@ done [detail]"  (or "@@ failed <why>");
//   it prints "@@ measured <name> <value>" for figures, "@@ passed <checks>" at the end, or "@@ fail <why>" and exit 1.
// Settings come as JSON in the environment variable CONSOLE_E2E.
"use strict";
const fs = require("fs");
const http = require("http");
const os = require("os");
const path = require("path");
const readline = require("readline");
const { chromium } = require("playwright-core");

const cfg = JSON.parse(process.env.CONSOLE_E2E);
const T = 10000; // the bound of every wait, unless a check says otherwise
let checks = 0;
let step = "start";
const consoleErrors = [];

// ---- talking to the Java side ----
const input = readline.createInterface({ input: process.stdin });
const answers = [];
const waiting = [];
input.on("line", (line) => {
  if (!line.startsWith("@@ ")) return;
  if (waiting.length) waiting.shift()(line);
  else answers.push(line);
});

async function need(action, ...args) {
  console.log(`@@ need ${action} ${args.join(" ")}`.trim());
  const line = answers.length ? answers.shift() : await new Promise((resolve) => waiting.push(resolve));
  if (!line.startsWith("@@ done")) throw new Error(`${action}: ${line.slice(3)}`);
  return line.slice("@@ done".length).trim();
}

function check(condition, what) {
  if (!condition) throw new Error("check failed: " + what);
  checks++;
}

function begin(name) {
  step = name;
  console.log(`@@ step ${name}`);
}

async function until(page, what, fn, arg, timeout = T) {
  try {
    await page.waitForFunction(fn, arg, { timeout, polling: 50 });
    checks++;
  } catch (e) {
    throw new Error(`${what}: not within ${timeout} ms (${e.message.split("\n")[0]})`);
  }
}

function watch(page, name) {
  page.on("console", (msg) => {
    if (msg.type() === "error") consoleErrors.push({ page: name, step, text: msg.text() });
  });
  page.on("pageerror", (err) => consoleErrors.push({ page: name, step, text: "uncaught: " + err.message }));
}

// ---- a page on a second origin (another port), as an operator would serve the protocol's sample page ----
function foreignOrigin(wsUrl) {
  const html = `<!doctype html><meta charset="utf-8"><title>sample</title><p id="out">opening</p><script>
    const out = document.getElementById("out");
    const ws = new WebSocket(${JSON.stringify(wsUrl)});
    ws.onopen = () => { out.textContent = "open"; ws.send("search@"); };
    ws.onmessage = (e) => { out.textContent = "message " + e.data; };
    ws.onclose = (e) => { if (!out.textContent.startsWith("message")) out.textContent = "closed " + e.code; };
  </script>`;
  const server = http.createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(html);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function foreignPageResult(context, url) {
  const page = await context.newPage();
  watch(page, "foreign");
  await page.goto(url);
  await until(page, "the foreign page's WebSocket to settle", () => {
    const t = document.getElementById("out").textContent;
    return t.startsWith("closed") || t.startsWith("message");
  });
  const result = await page.textContent("#out");
  await page.close();
  return result;
}

// ---- the scenario ----
async function main() {
  const people = cfg.peopleUrl;
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "chatrelay-chromium-"));
  const context = await chromium.launchPersistentContext(userDir, {
    executablePath: cfg.chromium,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const foreign = await foreignOrigin(cfg.wsUrl);
  const foreignUrl = `http://127.0.0.1:${foreign.address().port}/`;
  try {
    begin("people page opens");
    const page = await context.newPage();
    watch(page, "people");
    await page.goto(people);
    await until(page, "the page to be connected", () => document.getElementById("link-state").textContent === "Connected");
    await until(page, "an empty bot list", () => document.getElementById("bots-count").textContent === "No bot online");

    begin("a bot comes online and appears");
    await need("start-bot", "EchoBot");
    const online = Date.now();
    await until(page, "EchoBot listed", () => !!document.querySelector('#bot-list li.online[data-bot="EchoBot"]'), null, 2000);
    console.log(`@@ measured bot-appears-ms ${Date.now() - online}`);

    begin("filter by prefix");
    await page.getByLabel("Filter by name").fill("Ec");
    await until(page, "EchoBot listed for Ec", () => document.getElementById("bots-count").textContent === "1 bot starting with “Ec”"
      && !!document.querySelector('#bot-list li[data-bot="EchoBot"]'));
    await page.getByLabel("Filter by name").fill("Zz");
    await until(page, "nothing for Zz", () => document.getElementById("bots-count").textContent.startsWith("No bot starting")
      && document.querySelectorAll("#bot-list li").length === 0);
    await page.getByLabel("Filter by name").fill("");

    begin("sign in");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("textbox", { name: "Account name" }).fill(cfg.user);
    await page.getByLabel("Password", { exact: true }).fill(cfg.password);
    await page.locator("#sign-in-form").getByRole("button", { name: "Sign in" }).click();
    await until(page, "signed in", (u) => document.getElementById("signed-in-as").textContent === "Signed in as " + u, cfg.user);
    await until(page, "connected again", () => document.getElementById("link-state").textContent === "Connected");
    check(await page.evaluate(() => !document.cookie.includes("auth=") && localStorage.length === 0),
      "the credentials are neither readable by the page's script nor in localStorage");

    begin("a conversation sends and shows the bot's answer");
    await page.locator('#bot-list li[data-bot="EchoBot"] button').click();
    await until(page, "connected to EchoBot", () => document.querySelector('[role="tabpanel"]:not([hidden])')
      ?.querySelector(".state")?.textContent === "Connected to EchoBot");
    await need("bot-saw", "EchoBot", "connection@", "@" + cfg.user);
    const box = page.getByRole("textbox", { name: "Message" });
    await box.fill("hello @ you");
    await box.press("Enter");
    await until(page, "the bot's answer with its time", () => [...document.querySelectorAll("#panels [role=tabpanel]:not([hidden]) .log li.theirs")]
      .some((li) => li.querySelector(".text").textContent === "Hello from bot! You said: hello @ you"
        && /^\d\d:\d\d:\d\d$/.test(li.querySelector("time").textContent)));
    check(await box.inputValue() === "", "the message box is emptied after sending");

    begin("several conversations at once");
    await need("start-bot", "NewsBot");
    await until(page, "NewsBot listed", () => !!document.querySelector('#bot-list li.online[data-bot="NewsBot"]'), null, 2000);
    await page.locator('#bot-list li[data-bot="NewsBot"] button').click();
    await until(page, "connected to NewsBot", () => document.querySelector('[role="tabpanel"]:not([hidden])')
      ?.querySelector(".state")?.textContent === "Connected to NewsBot");
    await page.getByRole("textbox", { name: "Message" }).fill("second");
    await page.getByRole("button", { name: "Send" }).click();
    await until(page, "NewsBot's answer", () => [...document.querySelectorAll("#panels [role=tabpanel]:not([hidden]) .log li.theirs .text")]
      .some((t) => t.textContent === "Hello from bot! You said: second"));
    check(await page.getByRole("tab").count() === 2, "two conversation tabs");
    await page.getByRole("tab", { name: /EchoBot/ }).click();
    await until(page, "EchoBot's conversation kept", () => document.querySelector('[role="tabpanel"]:not([hidden])')
      ?.textContent.includes("Hello from bot! You said: hello @ you"));
    await page.screenshot({ path: path.join(cfg.screenshots, "console-people.png") });

    begin("readable on a phone's width");
    const phone = await context.newPage();
    watch(phone, "phone");
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(people);
    await until(phone, "the phone page connected and listing", () => document.getElementById("link-state").textContent === "Connected"
      && !!document.querySelector('#bot-list li[data-bot="EchoBot"]'));
    await phone.locator('#bot-list li[data-bot="EchoBot"] button').click();
    await until(phone, "the phone page talking", () => document.querySelector('[role="tabpanel"]:not([hidden]) .state')?.textContent === "Connected to EchoBot");
    check(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), "no sideways scrolling at 390 px");
    check(await phone.getByRole("textbox", { name: "Message" }).isVisible(), "the message box is visible on a phone");
    await phone.screenshot({ path: path.join(cfg.screenshots, "console-people-phone.png") });
    await phone.close();

    begin("operators: a wrong key is refused");
    const ops = await context.newPage();
    watch(ops, "operators");
    await ops.goto(cfg.adminUrl);
    await ops.getByLabel("Administrator key").fill("not-the-key");
    await ops.getByRole("button", { name: "Open" }).click();
    await until(ops, "the refusal shown", () => document.getElementById("notice").textContent.includes("wrong administrator key"));
    check(await ops.locator("#dashboard").isHidden(), "nothing shown without the key");

    begin("operators: nodes and bots");
    await ops.getByLabel("Administrator key").fill(cfg.adminKey);
    await ops.getByRole("button", { name: "Open" }).click();
    await until(ops, "this node listed with its services", () => [...document.querySelectorAll("#nodes tbody tr")]
      .some((tr) => tr.textContent.includes("message-store, bot-registry, ws-edge, tcp-edge")));
    await until(ops, "EchoBot listed with its account and its client (the main page)", (u) => {
      const tr = document.querySelector('#bots tr[data-bot="EchoBot"]');
      return !!tr && tr.children[1].textContent === u && tr.children[4].textContent === "1";
    }, cfg.user);
    await until(ops, "an account listed", (u) => !!document.querySelector(`#accounts tr[data-account="${u}"]`), cfg.user);
    check(await ops.evaluate(() => localStorage.length === 0 && sessionStorage.length === 0), "the key is not stored");
    await ops.screenshot({ path: path.join(cfg.screenshots, "console-operators.png"), fullPage: true });

    begin("operators: kicking a bot frees its name");
    const kick = ops.getByRole("button", { name: "Kick NewsBot" });
    await kick.click();
    await until(ops, "the kick to ask for confirmation", () => document.querySelector('#bots tr[data-bot="NewsBot"] button')?.textContent === "Confirm kick");
    await ops.getByRole("button", { name: "Kick NewsBot" }).click();
    await until(ops, "NewsBot gone from the list", () => !document.querySelector('#bots tr[data-bot="NewsBot"]')
      && document.getElementById("bots-result").textContent === "NewsBot was kicked: its name is free.");
    await need("claim", "NewsBot");

    begin("operators: create an account, its key shown once");
    await ops.getByLabel("Name", { exact: true }).fill("carol");
    await ops.getByRole("button", { name: "Create" }).click();
    await until(ops, "carol's key shown", () => /^[0-9a-f]{64}$/.test(document.querySelector("#issued code")?.textContent || ""));
    await until(ops, "carol listed", () => !!document.querySelector('#accounts tr[data-account="carol"]'));

    begin("the JSON API refuses a request without the key");
    const noKey = await fetch(cfg.adminUrl + "api/nodes");
    check(noKey.status === 401, "no key: 401, got " + noKey.status);
    check((await noKey.json()).reason === "unauthenticated", "no key: reason unauthenticated");

    begin("the bot goes away and the page shows it");
    await page.bringToFront();
    await need("stop-bot", "EchoBot");
    const gone = Date.now();
    await until(page, "EchoBot's conversation disconnected with disconnectedfrom@", () => {
      const panel = document.getElementById("panel-c-EchoBot");
      return panel.dataset.state === "gone" && panel.textContent.includes("EchoBot went away (disconnectedfrom@EchoBot)");
    });
    await until(page, "EchoBot shown as gone in the list", () => !!document.querySelector('#bot-list li.gone[data-bot="EchoBot"]'), null, 2000);
    console.log(`@@ measured bot-gone-shown-ms ${Date.now() - gone}`);

    begin("a page of another origin");
    const refused = await foreignPageResult(context, foreignUrl);
    if (cfg.originPolicy) {
      check(refused.startsWith("closed"), "the foreign page's WebSocket is refused, got: " + refused);
      check(consoleErrors.some((e) => e.page === "foreign" && e.text.includes("403")), "the refusal is HTTP 403");
    } else {
      console.log("@@ skipped cross-origin refusal: this build has no Origin policy (wnet.allowed-origins)");
    }

    begin("the edge restarts; the page reconnects by itself");
    await need("restart-edge", foreignUrl.replace(/\/$/, ""));
    await until(page, "connected after the restart", () => document.getElementById("link-state").textContent === "Connected", null, 60000);
    await need("start-bot", "EchoBot");
    await until(page, "EchoBot's conversation back by itself", () => document.getElementById("panel-c-EchoBot").dataset.state === "connected", null, 10000);
    await page.getByRole("textbox", { name: "Message" }).fill("after the restart");
    await page.getByRole("textbox", { name: "Message" }).press("Enter");
    await until(page, "an answer after the restart", () => [...document.querySelectorAll("#panel-c-EchoBot .log li.theirs .text")]
      .some((t) => t.textContent === "Hello from bot! You said: after the restart"));
    await need("bot-saw", "EchoBot", "connection@", "@" + cfg.user);
    await until(ops, "the operators' page updating again after the restart", () =>
      document.getElementById("refresh-state").textContent.startsWith("Updated")
      && !!document.querySelector('#bots tr[data-bot="EchoBot"]'));

    begin("the other origin, once allowed");
    const allowed = await foreignPageResult(context, foreignUrl);
    check(allowed.startsWith("message list@"), "an allowed origin talks wnet, got: " + allowed);

    begin("no console errors");
    const expected = (e) => (e.step === "operators: a wrong key is refused" && e.text.includes("401"))
      || (e.step === "the edge restarts; the page reconnects by itself"
        && (/WebSocket connection to .* failed/.test(e.text) || e.text.includes("ERR_CONNECTION_REFUSED")))
      || (e.page === "foreign" && e.step === "a page of another origin" && e.text.includes("403"));
    const unexpected = consoleErrors.filter((e) => !expected(e));
    check(unexpected.length === 0, "console errors: " + JSON.stringify(unexpected));

    begin("sign out forgets the credentials");
    await page.getByRole("button", { name: "Sign out" }).click();
    await until(page, "signed out", () => document.getElementById("signed-in-as").textContent.startsWith("Not signed in"));
    const cookies = await context.cookies(cfg.wsUrl.replace(/^ws/, "http"));
    check(!cookies.some((c) => c.name === "auth"), "no auth cookie after sign-out");
    console.log(`@@ passed ${checks}`);
  } finally {
    foreign.close();
    await context.close();
    fs.rmSync(userDir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (err) => {
  console.log(`@@ fail [${step}] ${err.message}`);
  process.exit(1);
});
