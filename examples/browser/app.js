// The gatehouse browser example: an anonymous session, a research item, and its events arriving
// live over Server-Sent Events and a WebSocket. Plain JavaScript, no build step, no dependencies.
//
// Streams authenticate with single-use 30-second tickets (POST /auth/stream-ticket), as the
// contract prefers for browsers: an EventSource or WebSocket cannot send an Authorization
// header, and a ticket in a URL is worthless once used, where ?access_token= would put the
// long-lived session token there. The session token itself lives in this page's memory only.

const DEVICE_KEY = "gatehouse.example.device_id";
const RECONNECT_MS = 1000;

const $ = (id) => document.getElementById(id);

const state = {
  token: null,
  researchId: null,
  sse: null,
  ws: null,
  sseSeq: 0,          // last seq shown in each list, to resume without gaps or repeats
  wsSeq: 0,
  sseNames: new Set(), // EventSource only delivers named events it has a listener for
  finished: false,
};

function deviceId() {
  let id = localStorage.getItem(DEVICE_KEY);
  if (!id) {
    id = `browser-${crypto.randomUUID()}`;
    localStorage.setItem(DEVICE_KEY, id);
  }
  return id;
}

function setStatus(text, isError = false) {
  const el = $("status");
  el.textContent = text;
  el.classList.toggle("error", isError);
}

function setStreamState(which, text) {
  const el = $(`${which}-state`);
  el.textContent = text;
  el.dataset.state = text;
  el.classList.toggle("open", text === "open");
}

async function api(method, path, body) {
  const headers = { "Content-Type": "application/json" };
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${json && json.detail ? json.detail : text}`);
  return json;
}

async function streamTicket() {
  return (await api("POST", "/auth/stream-ticket")).ticket;
}

// One line per event; textContent only, so event data can never become markup.
function showEvent(which, seq, name, data) {
  const li = document.createElement("li");
  li.dataset.testid = `${which}-event`;
  li.dataset.seq = String(seq);
  li.dataset.event = name;
  li.textContent = `#${seq} ${name} ${JSON.stringify(data)}`;
  $(`${which}-events`).append(li);
}

function listenSse(name) {
  if (state.sseNames.has(name)) return;
  state.sseNames.add(name);
  if (state.sse) state.sse.addEventListener(name, onSseEvent);
}

function onSseEvent(e) {
  const seq = Number(e.lastEventId);
  if (!(seq > state.sseSeq)) return;
  state.sseSeq = seq;
  showEvent("sse", seq, e.type, JSON.parse(e.data));
  if (e.type === "done") state.finished = true;
}

async function openSse() {
  setStreamState("sse", "connecting");
  const ticket = await streamTicket();
  const url = `/research/${encodeURIComponent(state.researchId)}/events` +
    `?ticket=${encodeURIComponent(ticket)}&last_event_id=${state.sseSeq}`;
  const es = new EventSource(url);
  state.sse = es;
  for (const name of state.sseNames) es.addEventListener(name, onSseEvent);
  es.addEventListener("open", () => setStreamState("sse", "open"));
  es.addEventListener("revoked", () => setStatus("The session was revoked; sign in again.", true));
  es.addEventListener("error", () => {
    // EventSource would retry with the same, already used, ticket: reconnect ourselves instead.
    es.close();
    if (state.sse !== es) return;
    state.sse = null;
    setStreamState("sse", "closed");
    if (!state.finished) setTimeout(() => openSse().catch(reportError), RECONNECT_MS);
  });
}

async function openWs() {
  setStreamState("ws", "connecting");
  const ticket = await streamTicket();
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(`${scheme}//${location.host}/ws?ticket=${encodeURIComponent(ticket)}`);
  state.ws = ws;
  ws.addEventListener("message", (e) => {
    const msg = JSON.parse(e.data);
    if (msg.type === "welcome") {
      ws.send(JSON.stringify({ type: "subscribe", research_id: state.researchId, after_seq: state.wsSeq }));
    } else if (msg.type === "subscribed") {
      setStreamState("ws", "open");
    } else if (msg.type === "event" && msg.seq > state.wsSeq) {
      state.wsSeq = msg.seq;
      showEvent("ws", msg.seq, msg.event, msg.data);
    } else if (msg.type === "error") {
      setStatus(`WebSocket: ${msg.detail}`, true);
    }
  });
  ws.addEventListener("close", (e) => {
    if (state.ws !== ws) return;
    state.ws = null;
    setStreamState("ws", "closed");
    if (e.code === 4401) {
      setStatus(`WebSocket closed: ${e.reason}; sign in again.`, true);
    } else if (!state.finished) {
      setTimeout(() => openWs().catch(reportError), RECONNECT_MS);
    }
  });
}

async function signIn() {
  $("sign-in").disabled = true;
  setStatus("Signing in…");
  const session = await api("POST", "/auth/anonymous", { device_id: deviceId() });
  state.token = session.token;
  const me = await api("GET", "/auth/whoami");
  $("whoami").textContent = `${me.principal_id} (${me.kind}, session expires in ${me.expires_in} s)`;
  $("whoami").dataset.principalId = me.principal_id;

  const research = await api("POST", "/research", { title: "browser example" });
  state.researchId = research.id;
  $("research-id").textContent = research.id;

  listenSse("progress");
  listenSse("done");
  await Promise.all([openSse(), openWs()]);
  $("post-event").disabled = false;
  setStatus("Signed in. Post an event and watch both lists.");
}

async function postEvent() {
  const name = $("event-name").value.trim() || "progress";
  listenSse(name);
  const posted = await api("POST", `/research/${encodeURIComponent(state.researchId)}/events`,
                           { event: name, data: { from: "page", at: new Date().toISOString() } });
  setStatus(`Posted ${name} as seq ${posted.seq}.`);
}

function reportError(err) {
  setStatus(err.message, true);
  if (!state.token) $("sign-in").disabled = false;
}

document.addEventListener("DOMContentLoaded", () => {
  $("device-id").textContent = deviceId();
  $("sign-in").addEventListener("click", () => signIn().catch(reportError));
  $("post-event").addEventListener("click", () => postEvent().catch(reportError));
});
