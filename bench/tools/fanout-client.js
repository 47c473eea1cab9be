'use strict';
// Socket.IO fan-out load client for bench/realtime-peer.sh: the same client, byte for byte, against
// the reference Node.js socket.io server and against `fcb serve`, so the two are comparable.
//
// Raw Engine.IO v4 over WebSocket (no socket.io-client: one WebSocket and no timers per client keeps
// 5,000 clients cheap on a machine whose 2 cores the server shares):
//   recv '0{…}'  (EIO open)   -> send '40'                                     (SIO CONNECT "/")
//   recv '40{…}' (connected)  -> send '42<id>["join:conversation","<contact>"]' (join, with an ack)
//   recv '43<id>[{"ok":true…}]'  the join landed: this client's handshake is complete
//   recv '2'     (ping)       -> send '3'
//   recv '42["message:new",…]'  a receipt, timed if it carries the current round's marker
//
// Steps: server RSS before; N handshakes (--concurrency in flight); 2 s settle, RSS; 1 warm-up round
// and --rounds rounds one at a time (server CPU across them); RSS after. A round's trigger:
//   --trigger emit     POST /emit?room=conversation:<contact> (the Node server), the body shaped like
//                      fcb's own message:new event so both servers send frames of the same size;
//   --trigger webhook  a signed WhatsApp reaction webhook to POST /webhook (fcb serve): a reaction is
//                      stored and emitted as exactly one message:new, and runs no flow.
// Either way the round's marker is a fresh WhatsApp message id ("wamid.<hex>"), which shows up in the
// event as message.waMessageId.
//
// Output: a human-readable summary on stdout, then one JSON line with every figure (the last line).
// Every wait is bounded; exit 0 when the run completed (misses are figures, not errors), 2 otherwise.
//
//   node bench/tools/fanout-client.js --url http://127.0.0.1:3001 --n 1000 --contact bench \
//        --rounds 100 --trigger emit --server-pid 1234
//   … --trigger webhook --secret demo-secret --from 5491155550000
const path = require('path');
const fs = require('fs');
const http = require('http');
const crypto = require('crypto');
const { execSync } = require('child_process');
const WebSocket = require(path.join(__dirname, '../../../shared/peers/node-socketio/node_modules/ws'));

const args = process.argv.slice(2);
function opt(name, def) {
  const i = args.indexOf('--' + name);
  return i < 0 || i + 1 >= args.length ? def : args[i + 1];
}
const URL_ = opt('url', 'http://127.0.0.1:3001');
const N = parseInt(opt('n', '1000'), 10);
const CONTACT = opt('contact', 'bench');
const ROUNDS = parseInt(opt('rounds', '100'), 10);
const TRIGGER = opt('trigger', 'emit');
const SECRET = opt('secret', 'demo-secret');
const FROM = opt('from', '5491155550000');
const PID = opt('server-pid', '');
const CONCURRENCY = parseInt(opt('concurrency', '200'), 10);
const GAP_MS = parseInt(opt('gap', '50'), 10);                  // pause between rounds
const ROUND_TIMEOUT_MS = parseFloat(opt('round-timeout', '10')) * 1000;
const HANDSHAKE_TIMEOUT_MS = 15000;                             // per client
const CONNECT_TIMEOUT_MS = parseFloat(opt('connect-timeout', '180')) * 1000;  // all N
const TOTAL_TIMEOUT_MS = parseFloat(opt('timeout', '900')) * 1000;
if (!['emit', 'webhook'].includes(TRIGGER)) { console.error('--trigger is emit or webhook'); process.exit(2); }

const u = new URL(URL_);
const wsUrl = `ws://${u.host}/socket.io/?EIO=4&transport=websocket`;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 }); // one warm connection for triggers
const now = () => process.hrtime.bigint();
const ms = (ns) => Number(ns) / 1e6;
const say = (line) => console.log(line);

// ---- the server process, from /proc (RSS in KiB, CPU in ms) ----
const TICK_MS = 1000 / (parseInt(safe(() => execSync('getconf CLK_TCK').toString()), 10) || 100);
function safe(f) { try { return f(); } catch (e) { return null; } }
function serverRSS() {
  const s = PID && safe(() => fs.readFileSync(`/proc/${PID}/status`, 'utf8'));
  const m = s && /VmRSS:\s+(\d+) kB/.exec(s);
  return m ? parseInt(m[1], 10) : null;
}
function serverCPU() {
  const s = PID && safe(() => fs.readFileSync(`/proc/${PID}/stat`, 'utf8'));
  if (!s) return null;
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');  // fields after "pid (comm)"; utime is the 14th
  return (parseInt(f[11], 10) + parseInt(f[12], 10)) * TICK_MS;
}

// ---- clients ----
// Per round, receipt times (ns since the trigger) by client index; NaN = not (yet) received.
let marker = null;          // the current round's marker; receipts without it, and duplicates, are "stray"
let times = null;
let got = 0;
let sentAt = 0n;
let onAll = null;           // resolves the round when every joined client has its receipt
let expected = 0;
let stray = 0, pings = 0, closedAfterJoin = 0;
const otherEvents = {};     // events other than message:new, by name (a reaction should cause none)
const eventName = (s) => (/^42\["([^"]*)"/.exec(s) || [, '?'])[1];
const failures = {};
const sockets = [];
const fail = (why) => { failures[why] = (failures[why] || 0) + 1; };

function handshake(i) {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
    let done = false, joined = false;
    const finish = (ok, why) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (ok) { joined = true; sockets[i] = ws; } else { fail(why); ws.terminate(); }
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false, 'handshake timeout'), HANDSHAKE_TIMEOUT_MS);
    ws.on('message', (data) => {
      const s = data.toString();
      if (s.startsWith('42["message:new"')) {
        if (marker === null || !s.includes(marker)) { stray++; return; }
        if (times[i] === times[i]) { stray++; return; }  // already timed (not NaN): a duplicate
        times[i] = Number(now() - sentAt);
        if (++got >= expected && onAll) onAll();
        return;
      }
      if (s.startsWith('42')) { otherEvents[eventName(s)] = (otherEvents[eventName(s)] || 0) + 1; return; }
      if (s === '2') { pings++; ws.send('3'); return; }
      if (s[0] === '0') { ws.send('40'); return; }
      if (s.startsWith('40')) { ws.send('421' + JSON.stringify(['join:conversation', CONTACT])); return; }
      if (s.startsWith('431')) { finish(s.includes('"ok":true'), 'join not acked ok'); return; }
      if (s.startsWith('44')) finish(false, 'CONNECT_ERROR ' + s.slice(2, 80));
    });
    ws.on('error', (e) => finish(false, 'error ' + (e.code || e.message)));
    ws.on('close', (code) => {
      if (joined) closedAfterJoin++; else finish(false, 'closed during handshake ' + code);
    });
  });
}

async function connectAll() {
  let next = 0, joined = 0, lastAck = 0n;
  const start = now();
  const deadline = Date.now() + CONNECT_TIMEOUT_MS;
  // CONCURRENCY workers, each taking the next index: at most that many handshakes in flight.
  const worker = async () => {
    while (next < N && Date.now() < deadline) {
      const i = next++;
      if (await handshake(i)) { joined++; lastAck = now(); }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, N) }, worker));
  const seconds = ms((lastAck || now()) - start) / 1000;
  return { joined, seconds, rate: seconds > 0 ? joined / seconds : 0 };
}

// ---- triggers ----
function post(pathname, body, headers) {
  return new Promise((resolve) => {
    const req = http.request({ host: u.hostname, port: u.port, path: pathname, method: 'POST', agent, timeout: ROUND_TIMEOUT_MS,
      headers: { 'Content-Type': 'application/json', 'Content-Length': body.length, ...headers } }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, text: e.message }));
    req.end(body);
  });
}

const reactionTemplate = JSON.parse(fs.readFileSync(path.join(__dirname, '../../examples/webhooks/reaction.json'), 'utf8'));
const emojis = ['👍', '❤️', '😂', '🔥'];
function triggerBody(round, id) {
  if (TRIGGER === 'webhook') {
    const b = JSON.parse(JSON.stringify(reactionTemplate));
    const v = b.entry[0].changes[0].value;
    v.contacts[0].wa_id = FROM;                   // the contact everyone joined
    Object.assign(v.messages[0], { from: FROM, id, timestamp: String(Math.floor(Date.now() / 1000)) });
    v.messages[0].reaction.emoji = emojis[round % emojis.length];
    const body = Buffer.from(JSON.stringify(b));
    const sig = 'sha256=' + crypto.createHmac('sha256', SECRET).update(body).digest('hex');
    return { path: '/webhook', body, headers: { 'X-Hub-Signature-256': sig } };
  }
  // For Node: an object shaped like fcb's message:new for a reaction, so the frames match in size.
  const at = new Date().toISOString();
  const body = Buffer.from(JSON.stringify({
    message: { id: 'bench' + round, waMessageId: id, direction: 'inbound', type: 'reaction', content: '[reaction]',
      payload: { type: 'reaction', text: null, interactive: null, media: null }, status: 'Delivered', error: null,
      statusUpdatedAt: at, createdAt: at, contactId: CONTACT, userId: 'cdemotenant00000000000001', sessionId: null },
    contactId: CONTACT,
  }));
  return { path: '/emit?room=' + encodeURIComponent('conversation:' + CONTACT), body, headers: {} };
}

async function round(k, joined) {
  const id = 'wamid.' + crypto.randomBytes(12).toString('hex');
  const t = triggerBody(k, id);
  times = new Float64Array(N).fill(NaN);
  got = 0;
  expected = joined;
  marker = id;
  const all = new Promise((resolve) => { onAll = resolve; });
  sentAt = now();
  const res = await post(t.path, t.body, t.headers);
  const answeredMs = ms(now() - sentAt);
  let timer;
  if (got < expected) await Promise.race([all, new Promise((r) => { timer = setTimeout(r, ROUND_TIMEOUT_MS); })]);
  clearTimeout(timer);
  onAll = null;
  marker = null;               // late receipts of this round now count as stray
  let first = Infinity, last = -Infinity;
  for (const x of times) if (x === x) { if (x < first) first = x; if (x > last) last = x; }
  return { status: res.status, text: res.text, answeredMs, got, missed: joined - got,
    spreadMs: got ? (last - first) / 1e6 : null, lastMs: got ? last / 1e6 : null };
}

// ---- figures ----
function pct(values, p) {
  const v = values.filter((x) => x !== null).sort((a, b) => a - b);
  return v.length ? v[Math.min(v.length - 1, Math.ceil(p * v.length) - 1)] : null;
}
const r1 = (x) => (x === null || x === undefined || Number.isNaN(x) ? null : Math.round(x * 10) / 10);

(async () => {
  const total = setTimeout(() => {
    say(JSON.stringify({ error: `did not finish within ${TOTAL_TIMEOUT_MS / 1000} s`, n: N, trigger: TRIGGER }));
    process.exit(2);
  }, TOTAL_TIMEOUT_MS);
  const rssBefore = serverRSS();
  say(`# ${N} clients → ${wsUrl}, room conversation:${CONTACT}, trigger ${TRIGGER}, ${ROUNDS} rounds (+1 warm-up)`);
  say(`# server pid ${PID || '?'}: RSS before connecting ${rssBefore} KiB`);

  const hs = await connectAll();
  say(`# connected: ${hs.joined} of ${N} joined in ${hs.seconds.toFixed(2)} s (${hs.rate.toFixed(0)} handshakes/s)`);
  for (const [why, c] of Object.entries(failures)) say(`#   failed: ${c}× ${why}`);
  await new Promise((r) => setTimeout(r, 2000));        // let the server settle before sampling
  const rssConnected = serverRSS();
  say(`# server RSS with ${hs.joined} connected: ${rssConnected} KiB`);

  const results = [];
  let cpuStart = null, clientCpuStart = null, bad = [];
  for (let k = 0; k <= ROUNDS && hs.joined > 0; k++) {
    if (k === 1) { cpuStart = serverCPU(); clientCpuStart = process.cpuUsage(); }  // round 0 is the warm-up
    const r = await round(k, hs.joined);
    if (k === 0) say(`# warm-up round: POST → ${r.status} ${r.text.slice(0, 100)}; ${r.got} of ${hs.joined} received`);
    else results.push(r);
    if (r.status !== 200) bad.push(`round ${k}: POST → ${r.status} ${r.text.slice(0, 100)}`);
    await new Promise((res) => setTimeout(res, GAP_MS));
  }
  const cpuEnd = serverCPU();
  const clientCpu = clientCpuStart && process.cpuUsage(clientCpuStart);
  const rssAfter = serverRSS();
  for (const b of bad.slice(0, 5)) say('#   ' + b);

  const spreads = results.map((r) => r.spreadMs);
  const lasts = results.map((r) => r.lastMs);
  const perConn = (rss) => (rss !== null && rssBefore !== null && hs.joined ? (rss - rssBefore) / hs.joined : null);
  const out = {
    trigger: TRIGGER, n: N, joined: hs.joined, rounds: results.length, handshake_failures: failures,
    handshakes_per_s: r1(hs.rate), connect_s: Math.round(hs.seconds * 100) / 100,
    spread_p50_ms: r1(pct(spreads, 0.5)), spread_p99_ms: r1(pct(spreads, 0.99)),
    trigger_to_last_p50_ms: r1(pct(lasts, 0.5)), trigger_to_last_p99_ms: r1(pct(lasts, 0.99)),
    post_answered_p50_ms: r1(pct(results.map((r) => r.answeredMs), 0.5)),
    rss_before_kib: rssBefore, rss_connected_kib: rssConnected, rss_after_kib: rssAfter,
    rss_per_conn_connected_kib: r1(perConn(rssConnected)), rss_per_conn_after_kib: r1(perConn(rssAfter)),
    server_cpu_per_round_ms: cpuStart !== null && cpuEnd !== null && results.length ? r1((cpuEnd - cpuStart) / results.length) : null,
    client_cpu_per_round_ms: clientCpu && results.length ? r1((clientCpu.user + clientCpu.system) / 1000 / results.length) : null,
    missed_receipts: results.reduce((a, r) => a + r.missed, 0), failed_triggers: bad.length,
    stray_receipts: stray, other_events: otherEvents, closed_after_join: closedAfterJoin, pings_answered: pings,
  };
  say(`# spread (first → last receipt) p50 ${out.spread_p50_ms} ms, p99 ${out.spread_p99_ms} ms; ` +
      `trigger → last receipt p50 ${out.trigger_to_last_p50_ms} ms, p99 ${out.trigger_to_last_p99_ms} ms`);
  say(`# server RSS after the rounds ${rssAfter} KiB; per connection ${out.rss_per_conn_connected_kib} KiB connected, ` +
      `${out.rss_per_conn_after_kib} KiB after; server CPU per round ${out.server_cpu_per_round_ms} ms ` +
      `(this client ${out.client_cpu_per_round_ms} ms)`);
  say(`# missed receipts ${out.missed_receipts}, stray ${stray}, other events ${JSON.stringify(otherEvents)}, closed after joining ${closedAfterJoin}, failed triggers ${bad.length}`);
  say(JSON.stringify(out));
  clearTimeout(total);
  for (const ws of sockets) if (ws) ws.terminate();
  agent.destroy();
  setTimeout(() => process.exit(0), 100);
})().catch((e) => { console.error(e); process.exit(2); });
