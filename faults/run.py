#!/usr/bin/env python3
"""Scripted, bounded fault-injection suite for `fcb serve` (docs/targets.md#bad-input).

Run through faults/run.sh (it starts a throwaway PostgreSQL with scripts/with-postgres).
Every scenario: a fresh database, the fake Graph API (`fcb dev fake-graph`), one or two
`fcb serve` processes, a load of N signed deliveries from several contacts to an echo flow
(one reply per message), a fault in the middle of the load, redelivery of everything not
acknowledged (as Meta does) plus some acknowledged ones (duplicates), then counts:

  sent / acked / inbound rows / replies (distinct, total) / duplicate replies / lost / parked

Scenarios 6-9 (issue "Reliability"): listener abuse (faults/abuse.py), PostgreSQL restart mid-load,
a long Graph outage, and a long mixed-fault run (only with --only 9); each prints its figures beside
the issue's targets and reports a missed target as a violation.

Invariants (exit 1 when broken): nothing acknowledged is lost (every accepted message has its
inbound row, its inbox item finished and an answer: a reply the fake accepted or a Failed row),
no reply is accepted by the fake twice, no inbound row twice, nothing left unfinished.

Loopback only, every wait bounded, every process started here is stopped on exit.
"""
import argparse
import atexit
import collections
import hashlib
import hmac
import http.client
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

import abuse

PHONE_NUMBER_ID = "106540352242922"
SECRET = "faults-secret"
TENANT_ID = "cfaultstenant000000000001"
CUT_TEXT = "fcb stopped while this message was being sent"

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# ---------------------------------------------------------------- processes and cleanup

STARTED = []  # Popen objects started by this script (each in its own process group)
MOUNTS = []  # tmpfs mount points to unmount
WORKDIR = None
KEEP = False


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def spawn(args, logpath, env=None):
    out = open(logpath, "ab")
    p = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                         env=env, start_new_session=True, cwd=WORKDIR)
    out.close()
    STARTED.append(p)
    return p


def stop(p, sig=signal.SIGTERM, timeout=15):
    """Stops one process we started (its own process group, by id), bounded."""
    if p.poll() is not None:
        return p.returncode
    try:
        os.killpg(p.pid, sig)
    except ProcessLookupError:
        pass
    try:
        return p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return p.wait(timeout=10)


def kill9(p):
    os.kill(p.pid, signal.SIGKILL)
    p.wait(timeout=10)


def cleanup():
    for p in STARTED:
        if p.poll() is None:
            try:
                stop(p, signal.SIGKILL, timeout=5)
            except Exception:
                pass
    for m in MOUNTS:
        subprocess.run(["umount", "-l", m], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    MOUNTS.clear()
    if WORKDIR and not KEEP:
        shutil.rmtree(WORKDIR, ignore_errors=True)


def on_signal(signum, _frame):
    log(f"signal {signum}: cleaning up")
    cleanup()
    os._exit(130)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_until(predicate, timeout, interval=0.1, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except Exception:
            pass
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}")


def http_get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read()


# ---------------------------------------------------------------- fake Graph API and serve


class FakeGraph:
    def __init__(self, fcb, name, rules):
        self.logpath = os.path.join(WORKDIR, f"{name}-fake-graph.log")
        script = os.path.join(WORKDIR, f"{name}-rules.json")
        with open(script, "w") as f:
            json.dump(rules, f)
        self.proc = spawn([fcb, "dev", "fake-graph", "--port", "0", "--script", script], self.logpath)
        self.url = None

        def ready():
            with open(self.logpath) as f:
                for line in f:
                    if "listening on " in line:
                        self.url = line.split("listening on ")[1].split()[0]
                        return True
            if self.proc.poll() is not None:
                raise RuntimeError("fake-graph exited: " + open(self.logpath).read())
            return False

        wait_until(ready, 20, what="fake Graph API")

    def requests(self):
        _, body = http_get(self.url + "/__fake/requests", timeout=30)
        return json.loads(body)

    def set_rules(self, rules):
        """PUT /__fake/rules: replaces the failure rules while fcb runs."""
        self._rules_request("PUT", json.dumps(rules).encode())

    def clear_rules(self):
        self._rules_request("DELETE", None)

    def _rules_request(self, method, body):
        req = urllib.request.Request(self.url + "/__fake/rules", data=body, method=method)
        with urllib.request.urlopen(req, timeout=10) as r:
            if r.status != 200:
                raise RuntimeError(f"{method} /__fake/rules answered {r.status}")


def graph_replies(requests):
    """The fake's `messages` requests in arrival order: (reply text, status)."""
    out = []
    for r in sorted(requests, key=lambda r: r.get("sequence", 0)):
        if not r["path"].endswith("/messages"):
            continue
        try:
            out.append((json.loads(r["body"])["text"]["body"], r["status"]))
        except Exception:
            continue
    return out


class Serve:
    def __init__(self, fcb, name, db_url, seed, graph_url, instance, port=None, workers=4, wrapper=None):
        self.fcb, self.name, self.db_url, self.seed, self.graph_url = fcb, name, db_url, seed, graph_url
        self.instance, self.workers = instance, workers
        self.wrapper = wrapper or []  # e.g. prlimit --nofile=512:512 -- (it execs: the pid stays serve's)
        self.port = port or free_port()
        self.logpath = os.path.join(WORKDIR, f"{name}-serve-{instance}.log")
        self.proc = None
        self.starts = 0

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/webhook"

    def start(self):
        env = dict(os.environ)
        env.update({"META_GRAPH_URL": self.graph_url, "META_APP_SECRET": "", "META_VERIFY_TOKEN": "", "FCB_ENV": "development"})
        env.pop("DATABASE_URL", None)
        with open(self.logpath, "a") as f:
            f.write(f"==== start {self.starts + 1} at {time.strftime('%H:%M:%S')}\n")
        self.proc = spawn(self.wrapper + [self.fcb, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--database-url", self.db_url,
                           "--seed", self.seed, "--instance-id", self.instance, "--workers", str(self.workers),
                           "--log-format", "json", "--env-file", os.path.join(WORKDIR, "empty.env")], self.logpath, env=env)
        self.starts += 1

        def healthy():
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve {self.instance} exited: {self.tail()}")
            return http_get(f"http://127.0.0.1:{self.port}/health", timeout=2)[0] == 200

        wait_until(healthy, 60, what=f"serve {self.instance} /health")

    def tail(self, n=15):
        try:
            return "".join(open(self.logpath, errors="replace").readlines()[-n:])
        except OSError:
            return ""

    def kill9(self):
        kill9(self.proc)

    def terminate(self):
        if self.proc:
            stop(self.proc, signal.SIGTERM, timeout=20)

    def log_count(self, needle):
        try:
            return open(self.logpath, errors="replace").read().count(needle)
        except OSError:
            return 0

    def log_lines(self, *needles):
        """Lines of the log containing any of the needles."""
        try:
            return [line for line in open(self.logpath, errors="replace") if any(n in line for n in needles)]
        except OSError:
            return []


# ---------------------------------------------------------------- database access


class DB:
    def __init__(self, url):
        self.url = url
        self.postgres = url.startswith("postgres")
        self.message = '"Message"'
        self.inbox = 'fcb.inbox' if self.postgres else 'fcb_inbox'

    def query(self, sql):
        if self.postgres:
            r = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-F", "\x1f", "-v", "ON_ERROR_STOP=1", self.url, "-c", sql],
                               capture_output=True, text=True, timeout=30)
            if r.returncode != 0:
                raise RuntimeError(r.stderr.strip())
            return [line.split("\x1f") for line in r.stdout.splitlines() if line != ""]
        con = sqlite3.connect(self.url[len("sqlite:"):], timeout=10)
        try:
            return [[("" if v is None else str(v)) for v in row] for row in con.execute(sql).fetchall()]
        finally:
            con.close()

    def inbox_counts(self):
        return {state: int(n) for state, n in self.query(f"SELECT state, count(*) FROM {self.inbox} GROUP BY state")}

    def inbound(self):
        return [r[0] for r in self.query(f"SELECT \"waMessageId\" FROM {self.message} WHERE direction = 'inbound'")]

    def outbound(self):
        return self.query(f"SELECT content, status, coalesce(error, '') FROM {self.message} WHERE direction = 'outbound'")

    def errored_sessions(self):
        return int(self.query('SELECT count(*) FROM "Session" WHERE status = \'Errored\'')[0][0])

    def message_keys_in_order(self):
        """Dedupe keys (message:<wamid>) of the message items in inbox order."""
        return [r[0] for r in self.query(f"SELECT dedupe_key FROM {self.inbox} WHERE kind = 'message' ORDER BY id")]

    def unfinished_message_items(self):
        return self.query(f"SELECT dedupe_key, state, attempts, coalesce(last_error, '') FROM {self.inbox} "
                          f"WHERE kind = 'message' AND state <> 'done'")


# ---------------------------------------------------------------- deliveries


class Delivery:
    __slots__ = ("index", "contact", "n", "wamid", "text", "phone", "body", "sig")

    def __init__(self, scenario, contact, n, index):
        self.index, self.contact, self.n = index, contact, n
        self.phone = f"54911{20000 + contact:08d}"
        self.text = f"{scenario}-c{contact}-m{n}"
        self.wamid = f"wamid.FAULT.{self.text}"
        body = {
            "object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
                "messaging_product": "whatsapp",
                "metadata": {"display_phone_number": "15550783881", "phone_number_id": PHONE_NUMBER_ID},
                "contacts": [{"wa_id": self.phone, "profile": {"name": f"Contact {contact}"}}],
                "messages": [{"from": self.phone, "id": self.wamid, "timestamp": str(int(time.time())), "type": "text",
                              "text": {"body": self.text}}],
            }}]}],
        }
        self.body = json.dumps(body, separators=(",", ":")).encode()
        self.sig = "sha256=" + hmac.new(SECRET.encode(), self.body, hashlib.sha256).hexdigest()


class Load:
    """Sends deliveries; remembers which were acknowledged, every answer's status, and how many POSTs."""

    def __init__(self, deliveries):
        self.deliveries = deliveries
        self.lock = threading.Lock()
        self.acked = set()
        self.posts = 0
        self.statuses = collections.Counter()
        self.during_fault = collections.Counter()
        self.fault_active = False
        self.duplicates_posted = 0
        self.max_latency = 0.0
        self.timeline = []  # (began, ended, status) of every POST, monotonic clock

    def post(self, d, url, timeout=30):
        u = urllib.parse.urlparse(url)
        status = None
        began = time.monotonic()
        try:
            c = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
            c.request("POST", u.path, body=d.body, headers={"Content-Type": "application/json", "X-Hub-Signature-256": d.sig})
            r = c.getresponse()
            r.read()
            status = r.status
            c.close()
        except (OSError, http.client.HTTPException):
            status = "no answer"
        took = time.monotonic() - began
        with self.lock:
            self.posts += 1
            self.max_latency = max(self.max_latency, took)
            self.timeline.append((began, began + took, status))
            self.statuses[status] += 1
            if self.fault_active:
                self.during_fault[status] += 1
            if status == 200:
                self.acked.add(d.index)
        return status

    def acked_count(self):
        with self.lock:
            return len(self.acked)

    def run(self, urls_for, rate, contacts):
        """Each contact posts its messages in order (one thread per contact), at `rate` deliveries/s overall."""
        per_contact = collections.defaultdict(list)
        for d in self.deliveries:
            per_contact[d.contact].append(d)
        interval = contacts / rate if rate > 0 else 0

        def sender(items):
            next_at = time.monotonic()
            for d in items:
                self.post(d, urls_for(d))
                next_at += interval
                time.sleep(max(0, next_at - time.monotonic()))

        threads = [threading.Thread(target=sender, args=(items,), daemon=True) for items in per_contact.values()]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)

    def run_meta_like(self, urls_for, rate, contacts, seed, duplicate_fraction, retry_delays=(1, 2, 4, 8, 16)):
        """As Meta over a long run: each contact posts its messages in order at `rate`/s overall
        (contacts staggered); a delivery not acknowledged is posted again after 1, 2, 4, 8, 16 s
        before the contact goes on (what is still unacknowledged is left to redeliver()), and a
        `duplicate_fraction` of the acknowledged ones is posted a second time."""
        per_contact = collections.defaultdict(list)
        for d in self.deliveries:
            per_contact[d.contact].append(d)
        interval = contacts / rate
        longest = max(len(items) for items in per_contact.values())
        deadline = time.monotonic() + longest * interval + 2 * sum(retry_delays) + 300

        def sender(contact, items):
            rng = random.Random(seed * 100003 + contact)
            next_at = time.monotonic() + rng.uniform(0, interval)
            for d in items:
                if time.monotonic() > deadline:
                    return
                time.sleep(max(0, next_at - time.monotonic()))
                status = self.post(d, urls_for(d))
                for delay in retry_delays:
                    if status == 200:
                        break
                    time.sleep(delay)
                    status = self.post(d, urls_for(d))
                if status == 200 and rng.random() < duplicate_fraction:
                    self.post(d, urls_for(d))
                    with self.lock:
                        self.duplicates_posted += 1
                next_at = max(next_at + interval, time.monotonic())

        threads = [threading.Thread(target=sender, args=(c, items), daemon=True) for c, items in per_contact.items()]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=max(1, deadline - time.monotonic()))

    def redeliver(self, urls_for, duplicate_fraction, rng, rounds=8):
        """As Meta: everything not acknowledged again (bounded rounds), plus some acknowledged ones."""
        with self.lock:
            acked = sorted(self.acked)
        dups = rng.sample(acked, int(len(acked) * duplicate_fraction)) if acked else []
        for i in dups:
            self.post(self.deliveries[i], urls_for(self.deliveries[i]))
        self.duplicates_posted += len(dups)
        for attempt in range(rounds):
            with self.lock:
                missing = [d for d in self.deliveries if d.index not in self.acked]
            if not missing:
                return 0
            log(f"  redelivery round {attempt + 1}: {len(missing)} not acknowledged yet")
            per_contact = collections.defaultdict(list)
            for d in missing:
                per_contact[d.contact].append(d)
            threads = [threading.Thread(target=lambda items=items: [self.post(d, urls_for(d)) for d in items], daemon=True)
                       for items in per_contact.values()]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=120)
            time.sleep(min(2 ** attempt * 0.5, 4))
        with self.lock:
            return len([d for d in self.deliveries if d.index not in self.acked])


def when_acked(load, count, action, timeout=120):
    """Runs action (in a thread) once `count` deliveries are acknowledged."""
    def watch():
        deadline = time.monotonic() + timeout
        while load.acked_count() < count and time.monotonic() < deadline:
            time.sleep(0.002)
        action()
    t = threading.Thread(target=watch, daemon=True)
    t.start()
    return t


# ---------------------------------------------------------------- scenario harness


def write_seed():
    d = os.path.join(WORKDIR, "seed")
    os.makedirs(d, exist_ok=True)
    flow = {"nodes": [{"id": "t", "type": "trigger", "data": {"keyword": "default"}},
                      {"id": "m", "type": "message", "data": {"text": "eco: {{triggerMessage}}"}}],
            "edges": [{"id": "e1", "source": "t", "target": "m"}]}
    with open(os.path.join(d, "echo.json"), "w") as f:
        json.dump(flow, f)
    seed = {"user": {"id": TENANT_ID, "email": "faults@example.com", "metaPhoneNumberId": PHONE_NUMBER_ID, "metaAppSecret": SECRET,
                     "metaVerifyToken": "faults-token", "metaAccessToken": "EAAG-faults"},
            "flows": ["echo.json"]}
    path = os.path.join(d, "seed.json")
    with open(path, "w") as f:
        json.dump(seed, f)
    return path


class Context:
    def __init__(self, args):
        self.args = args
        self.fcb = args.fcb
        self.seed = write_seed()
        self.pg_admin = os.environ.get("FCB_TEST_POSTGRES_URL")
        self.pg_bindir = os.environ.get("FCB_TEST_POSTGRES_BINDIR")
        self.pg_datadir = os.environ.get("FCB_TEST_POSTGRES_DATADIR")

    def postgres_db(self, name):
        if not self.pg_admin:
            raise Skip("no PostgreSQL (run through faults/run.sh, which uses scripts/with-postgres)")
        admin = DB(self.pg_admin)
        admin.query(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.query(f'CREATE DATABASE "{name}"')
        u = urllib.parse.urlparse(self.pg_admin)
        url = f"postgres://{u.username}@{u.hostname}:{u.port}/{name}?sslmode=disable"
        r = subprocess.run([self.fcb, "migrate-deploy", "--database-url", url], capture_output=True, text=True, timeout=120, cwd=ROOT)
        if r.returncode != 0:
            raise RuntimeError("migrate-deploy failed: " + r.stderr)
        return url

    # pg_ctl as the cluster's owner (scripts/with-postgres runs it as `postgres` when we are root)
    def pg_ctl(self, *args, timeout=60):
        cmd = [os.path.join(self.pg_bindir, "pg_ctl"), "-D", self.pg_datadir, *args]
        if os.getuid() == 0:
            cmd = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(shlex_quote(a) for a in cmd)]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)

    def pg_options(self):
        """The server options scripts/with-postgres started the cluster with, and its log file."""
        u = urllib.parse.urlparse(self.pg_admin)
        sockdir = os.path.dirname(self.pg_datadir)
        opts = f"-p {u.port} -k {sockdir} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200"
        return opts, os.path.join(sockdir, "server.log")

    def pg_start_again(self):
        opts, logfile = self.pg_options()
        return self.pg_ctl("-l", logfile, "-w", "-t", "60", "-o", opts, "start")

    def pg_restart(self):
        """pg_ctl restart -m fast: stop (clients disconnected) and start again at once."""
        if not self.pg_datadir:
            raise Skip("no PostgreSQL data directory (run through faults/run.sh)")
        opts, logfile = self.pg_options()
        return self.pg_ctl("-l", logfile, "-m", "fast", "-w", "-t", "60", "-o", opts, "restart", timeout=90)


def shlex_quote(s):
    import shlex
    return shlex.quote(s)


class Skip(Exception):
    pass


class Result:
    def __init__(self, name, db_kind):
        self.name, self.db_kind = name, db_kind
        self.row = {}
        self.violations = []
        self.notes = []
        self.targets = []  # (figure, value, target, met) for the targets table

    def target(self, figure, value, target, met):
        """Records a figure beside its target; a missed target is also a violation."""
        self.targets.append((figure, value, target, met))
        if not met:
            self.violations.append(f"target missed: {figure} = {value} (target {target})")


def wait_drained(db, accepted_wamids, timeout):
    """Until every accepted message has its inbound row and no message item is pending/processing."""
    state = {}

    def drained():
        inbound = set(db.inbound())
        counts = db.inbox_counts()
        state.update(inbound=len(inbound), counts=counts)
        return accepted_wamids <= inbound and counts.get("pending", 0) == 0 and counts.get("processing", 0) == 0

    try:
        wait_until(drained, timeout, interval=0.3, what="the inbox to drain")
        return True
    except TimeoutError:
        log(f"  not drained after {timeout}s: {state}")
        return False


def rows_by_text_of(outbound):
    rows = collections.defaultdict(list)
    for content, status, error in outbound:
        rows[content].append((status, error))
    return rows


def evaluate(res, ctx, db, load, fake, scenario_tag, started_at, drained):
    deliveries = load.deliveries
    accepted = {deliveries[i].wamid for i in load.acked}
    text_of = {d.wamid: d.text for d in deliveries}

    inbound = db.inbound()
    inbound_ours = [w for w in inbound if w.startswith("wamid.FAULT.")]
    outbound = db.outbound()
    items_unfinished = db.unfinished_message_items()
    counts = db.inbox_counts()

    requests = fake.requests()
    accepted_replies = collections.Counter()
    attempts = collections.Counter()
    for r in requests:
        if not r["path"].endswith("/messages"):
            continue
        try:
            text = json.loads(r["body"])["text"]["body"]
        except Exception:
            continue
        attempts[text] += 1
        if r["status"] == 200:
            accepted_replies[text] += 1
    res.reply_sequence = [text for text, status in graph_replies(requests) if status == 200]
    res.accepted_replies = accepted_replies
    res.outbound_rows = rows_by_text_of(outbound)
    replies_total = sum(accepted_replies.values())
    replies_distinct = len(accepted_replies)
    duplicate_replies = {t: n for t, n in accepted_replies.items() if n > 1}

    rows_by_text = collections.defaultdict(list)
    for content, status, error in outbound:
        rows_by_text[content].append((status, error))
    cut = sum(1 for rows in rows_by_text.values() for s, e in rows if s == "Failed" and CUT_TEXT in e)
    cut_delivered = sorted(t for t, rows in rows_by_text.items() if any(s == "Failed" and CUT_TEXT in e for s, e in rows) and t in accepted_replies)
    if cut_delivered:
        res.notes.append(f"{len(cut_delivered)} reply/replies recorded Failed \"{CUT_TEXT}\" although the Graph API had accepted them "
                         f"(the send succeeded, its row was not written; expected only when a process was killed): {cut_delivered[:5]}")
    failed_other = collections.Counter(e[:60] for rows in rows_by_text.values() for s, e in rows if s == "Failed" and CUT_TEXT not in e)

    lost = []
    inbound_set = set(inbound)
    for w in sorted(accepted):
        reply = "eco: " + text_of[w]
        if w not in inbound_set:
            lost.append((w, "no inbound row"))
        elif reply not in accepted_replies and reply not in rows_by_text:
            lost.append((w, "no reply sent and no outbound row"))
    unfinished = [r for r in items_unfinished if r[1] not in ("done", "parked")]
    parked = [r for r in items_unfinished if r[1] == "parked"]
    inbound_dupes = len(inbound_ours) - len(set(inbound_ours))
    never_acked = [d.wamid for d in deliveries if d.index not in load.acked]

    parked_out = subprocess.run([ctx.fcb, "inbox", "parked", "--database-url", db.url], capture_output=True, text=True, timeout=60, cwd=ROOT)
    res.parked_listing = parked_out.stdout.strip()

    res.row = {
        "scenario": res.name, "db": res.db_kind, "sent": len(deliveries), "posts": load.posts, "acked": len(accepted),
        "inbound": len(set(inbound_ours)), "replies_distinct": replies_distinct, "replies_total": replies_total,
        "graph_requests": sum(attempts.values()), "dup_deliveries": load.duplicates_posted,
        "duplicates": sum(n - 1 for n in duplicate_replies.values()) + inbound_dupes, "lost": len(lost),
        "unfinished": len(unfinished), "parked": len(parked), "cut": cut, "failed_sends": sum(failed_other.values()),
        "non200": {str(k): v for k, v in load.statuses.items() if k != 200},
        "during_fault": {str(k): v for k, v in load.during_fault.items()},
        "duration": round(time.monotonic() - started_at, 1), "max_answer_s": round(load.max_latency, 1),
    }
    if failed_other:
        res.notes.append("sends recorded Failed (Graph errors, not retried further, by design): " + json.dumps(dict(failed_other)))
    if not drained:
        res.violations.append("inbox did not drain within the bound")
    if never_acked:
        res.violations.append(f"{len(never_acked)} deliveries never acknowledged even after redelivery, e.g. {never_acked[:3]}")
    if lost:
        res.violations.append(f"{len(lost)} accepted messages lost, e.g. {lost[:5]}")
    if duplicate_replies:
        res.violations.append(f"{len(duplicate_replies)} replies accepted by the Graph API more than once, e.g. {list(duplicate_replies.items())[:5]}")
    if inbound_dupes:
        res.violations.append(f"{inbound_dupes} duplicate inbound rows")
    if unfinished:
        res.violations.append(f"{len(unfinished)} message items unfinished: {unfinished[:5]}")
    if parked:
        res.violations.append(f"{len(parked)} message items parked: {parked[:5]}")
    # Every accepted message is answered exactly once: a reply the fake accepted, or a Failed row.
    unanswered = [w for w in accepted if ("eco: " + text_of[w]) not in accepted_replies
                  and not any(s == "Failed" for s, _ in rows_by_text.get("eco: " + text_of[w], []))]
    if unanswered:
        res.violations.append(f"{len(unanswered)} accepted messages neither replied to nor recorded Failed, e.g. {unanswered[:5]}")
    extra_rows = {t: rows for t, rows in rows_by_text.items() if len(rows) > 1}
    if extra_rows:
        res.violations.append(f"{len(extra_rows)} replies with more than one outbound row, e.g. {list(extra_rows.items())[:3]}")


# ---------------------------------------------------------------- scenarios


def base_scenario(ctx, name, db_kind, rules, fault, *, instances=1, rate=None, drain_timeout=200, tmpfs=None,
                  n=None, contacts=None, duplicates=None, check=None):
    """Common skeleton: database, fake, serve(s), load with a fault, redelivery, drain, counts.

    fault(env) returns (watcher thread, after); it may set env["run_load"] (replaces the load),
    env["watch_timeout"] (bound on joining the watcher), env["urls_for"], env["redeliver_urls_for"]
    and env["settle"]. check(env), when given, runs after the counts, with everything still up."""
    args = ctx.args
    n = n or args.n
    contacts = contacts or args.contacts
    res = Result(name, db_kind)
    started = time.monotonic()
    tag = f"s{name.split('.')[0]}{db_kind[0]}"
    if db_kind == "postgres":
        url = ctx.postgres_db(f"fcb_faults_{tag}")
    else:
        d = tmpfs or os.path.join(WORKDIR, f"db-{tag}")
        os.makedirs(d, exist_ok=True)
        url = "sqlite:" + os.path.join(d, "fcb.sqlite")
    db = DB(url)
    fake = FakeGraph(ctx.fcb, tag, rules)
    servers = [Serve(ctx.fcb, tag, url, ctx.seed, fake.url, f"{tag}-{chr(ord('a') + i)}") for i in range(instances)]
    try:
        for s in servers:
            s.start()
        deliveries = [Delivery(tag, i % contacts, i // contacts, i) for i in range(n)]
        load = Load(deliveries)
        rng = random.Random(args.seed)
        urls_for = (lambda d: servers[(d.contact + d.n) % len(servers)].url)
        env = {"ctx": ctx, "servers": servers, "load": load, "db": db, "fake": fake, "res": res, "url": url}
        watcher, after = fault(env)
        log(f"  load: {n} deliveries from {contacts} contacts at {rate or args.rate}/s")
        if "run_load" in env:
            env["run_load"]()
        else:
            load.run(env.get("urls_for", urls_for), rate or args.rate, contacts)
        if watcher:
            watcher.join(timeout=env.get("watch_timeout", 120))
        if after:
            after()
        missing = load.redeliver(env.get("redeliver_urls_for", urls_for), args.duplicates if duplicates is None else duplicates, rng)
        log(f"  acknowledged {load.acked_count()}/{len(deliveries)} ({missing} never); statuses {dict(load.statuses)}")
        accepted = {deliveries[i].wamid for i in load.acked}
        drain_started = time.monotonic()
        drained = wait_drained(db, accepted, drain_timeout)
        drain_seconds = round(time.monotonic() - drain_started, 1)
        # Let slow (delayed) fake answers land before the fake's records are read.
        time.sleep(env.get("settle", 0.5))
        evaluate(res, ctx, db, load, fake, tag, started, drained)
        res.row["taken_back"] = sum(s.log_count("took back") for s in servers)
        res.row["drain"] = drain_seconds
        unrecorded = sum(s.log_count("could not record the item's outcome: ") for s in servers)
        res.row["outcome_not_recorded"] = unrecorded
        if unrecorded:
            res.notes.append(f"{unrecorded} item outcome(s) could not be recorded during the fault (log: \"could not record the item's outcome\"); "
                             f"those items stay 'processing' until their 2-minute lease runs out, and their contacts' later messages wait: "
                             f"the inbox drained {drain_seconds} s after the last redelivery")
        if check:
            check(env)
    finally:
        for s in servers:
            s.terminate()
        stop(fake.proc)
    res.row["duration"] = round(time.monotonic() - started, 1)
    return res


def scenario_kill9(ctx, db_kind):
    def fault(env):
        load, servers, res = env["load"], env["servers"], env["res"]

        def kill():
            log(f"  kill -9 serve at {load.acked_count()} acknowledged")
            load.fault_active = True
            servers[0].kill9()

        def after():
            load.fault_active = False
            servers[0].start()  # same --instance-id and port: takes its interrupted items back
            log("  serve restarted")
        return when_acked(load, ctx.args.n // 2, kill), after

    rules = [{"edge": "messages", "always": True, "delay_ms": 15}]
    return base_scenario(ctx, f"1.kill-9", db_kind, rules, fault)


def scenario_pg_outage(ctx):
    def fault(env):
        load = env["load"]

        def outage():
            log(f"  pg_ctl stop -m fast at {load.acked_count()} acknowledged")
            load.fault_active = True
            r = ctx.pg_ctl("-m", "fast", "-w", "-t", "60", "stop")
            if r.returncode != 0:
                env["res"].violations.append("pg_ctl stop failed: " + r.stderr)
            time.sleep(ctx.args.pg_outage)
            r = ctx.pg_start_again()
            load.fault_active = False
            log(f"  PostgreSQL started again (rc {r.returncode}); during the outage: {dict(load.during_fault)}")
            if r.returncode != 0:
                raise RuntimeError("PostgreSQL did not start again: " + r.stdout + r.stderr)
        return when_acked(load, ctx.args.n // 3, outage), None

    rules = [{"edge": "messages", "always": True, "delay_ms": 10}]
    res = base_scenario(ctx, "2.postgres-stop", "postgres", rules, fault, rate=40)
    res.notes.append(f"slowest answer to a delivery: {res.row['max_answer_s']} s (requests arriving during the outage wait for the database)")
    bad = {k: v for k, v in res.row["during_fault"].items() if k not in ("503", "200")}
    if bad:
        res.notes.append(f"answers during the outage other than 503: {bad}")
    if "503" not in res.row["during_fault"]:
        res.violations.append("no 503 during the PostgreSQL outage")
    return res


def scenario_graph_failures(ctx):
    n = ctx.args.n
    rules = [
        {"comment": "5xx", "edge": "messages", "times": max(10, n // 8), "status": 503, "body": "upstream unavailable"},
        {"comment": "slower than the sender's 15 s timeout", "edge": "messages", "times": 4, "delay_ms": 16000},
        {"comment": "rate limit", "edge": "messages", "times": max(10, n // 8), "error": 130429},
        {"comment": "500 with Meta's error", "edge": "messages", "times": 10, "error": 2, "http_status": 500},
    ]

    def fault(env):
        env["settle"] = 2
        return None, None

    res = base_scenario(ctx, "3.graph-failing", "postgres", rules, fault, drain_timeout=150)
    res.notes.append("Graph rules, in order: " + json.dumps([{k: v for k, v in r.items() if k != 'edge'} for r in rules]))
    return res


def scenario_disk_full(ctx):
    mount = os.path.join(WORKDIR, "tinyfs")
    os.makedirs(mount, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mount], capture_output=True, text=True)
    if r.returncode != 0:
        raise Skip("cannot mount a tmpfs here: " + r.stderr.strip())
    MOUNTS.append(mount)
    filler = os.path.join(mount, "filler")

    def fill():
        with open(filler, "wb") as f:
            chunk = b"\0" * 65536
            try:
                while True:
                    f.write(chunk)
                    f.flush()
            except OSError:
                pass
            # byte-wise to the very last block
            try:
                while True:
                    f.write(b"\0")
                    f.flush()
            except OSError:
                pass

    def fault(env):
        load = env["load"]

        def full():
            log(f"  filling the database's filesystem at {load.acked_count()} acknowledged")
            load.fault_active = True
            try:
                fill()
            except OSError:
                pass
            log(f"  filesystem full: {shutil.disk_usage(mount).free} bytes free")
            time.sleep(ctx.args.outage)
            os.remove(filler)
            load.fault_active = False
            log(f"  space freed; during the fault: {dict(load.during_fault)}")
        return when_acked(load, ctx.args.n // 3, full), None

    rules = [{"edge": "messages", "always": True, "delay_ms": 10}]
    try:
        res = base_scenario(ctx, "4.disk-full", "sqlite", rules, fault, rate=40, tmpfs=mount)
    finally:
        subprocess.run(["umount", "-l", mount], capture_output=True)
        if mount in MOUNTS:
            MOUNTS.remove(mount)
    if not res.row.get("during_fault"):
        res.notes.append("no delivery arrived while the disk was full")
    elif "200" in res.row["during_fault"] and len(res.row["during_fault"]) == 1:
        res.notes.append("every delivery during the disk-full window was still accepted (space left in the WAL/pages)")
    return res


def scenario_two_instances(ctx):
    def fault(env):
        load, servers = env["load"], env["servers"]
        a, b = servers
        dead = {"a": False}
        # While a is dead Meta's redeliveries go to whichever instance answers: b.
        env["redeliver_urls_for"] = lambda d: b.url if dead["a"] else servers[(d.contact + d.n) % 2].url

        def kill():
            log(f"  kill -9 instance a at {load.acked_count()} acknowledged (b keeps serving)")
            load.fault_active = True
            dead["a"] = True
            a.kill9()

        def after():
            load.fault_active = False
            # b works alone for a while (a's leased items wait for their lease), then a restarts.
            time.sleep(2)
            a.start()
            dead["a"] = False
            log("  instance a restarted")
        return when_acked(load, ctx.args.n // 2, kill), after

    rules = [{"edge": "messages", "always": True, "delay_ms": 15}]
    return base_scenario(ctx, "5.two-instances", "postgres", rules, fault, instances=2)


# ---------------------------------------------------------------- issue "Reliability": scenarios 6-9


def scenario_abuse(ctx):
    """6: listener abuse against one serve (SQLite), with its open-file limit as it is and under 512."""
    limited = (["prlimit", "--nofile=512:512", "--"] if shutil.which("prlimit")
               else ["bash", "-c", 'ulimit -n 512 && exec "$@"', "fcb-serve"])
    return [abuse_variant(ctx, "d", "nofile as is", None), abuse_variant(ctx, "l", "nofile 512", limited)]


def abuse_variant(ctx, letter, label, wrapper):
    res = Result("6.listener-abuse", f"sqlite, {label}")
    started = time.monotonic()
    tag = f"s6{letter}"
    d = os.path.join(WORKDIR, f"db-{tag}")
    os.makedirs(d, exist_ok=True)
    fake = FakeGraph(ctx.fcb, tag, [])
    serve = Serve(ctx.fcb, tag, "sqlite:" + os.path.join(d, "fcb.sqlite"), ctx.seed, fake.url, f"{tag}-a", wrapper=wrapper)
    try:
        serve.start()
        log(f"  {label}: serve pid {serve.proc.pid}, open-file limit {abuse.nofile_limit(serve.proc.pid)}")
        report = abuse.abuse_listener("127.0.0.1", serve.port, serve.proc.pid, wait=ctx.args.abuse_wait, log=log)
        alive = serve.proc.poll() is None
        res.row = {"scenario": res.name, "db": res.db_kind, "abuse": report, "serve_alive": alive}
        res.violations += abuse.judge(report)
        if not alive:
            crash = " ".join(line.strip() for line in serve.tail(4).splitlines() if line.strip())[-300:]
            res.violations.insert(0, f"serve exited during the abuse (code {serve.proc.returncode}); its log ends: {crash}")
        emfile = serve.log_lines("Too many open files", "EMFILE")
        if emfile:
            res.notes.append(f"{len(emfile)} log line(s) about open files, first: {emfile[0].strip()[:200]}")
    finally:
        serve.terminate()
        stop(fake.proc)
    res.row["duration"] = round(time.monotonic() - started, 1)
    return res


def reply_order_problems(db, reply_sequence):
    """Contacts whose replies the fake accepted (first acceptance of each) are not in the order
    of their inbound messages (inbox order): {contact: (reply, the earlier-inbound reply after it)}."""
    rank = {}
    for i, key in enumerate(db.message_keys_in_order()):
        if "wamid.FAULT." in key:
            rank["eco: " + key.split("wamid.FAULT.", 1)[1]] = i
    per_contact = collections.defaultdict(list)
    seen = set()
    for text in reply_sequence:
        if text in rank and text not in seen:
            seen.add(text)
            per_contact[text.rsplit("-m", 1)[0]].append(text)
    problems = {}
    for contact, texts in per_contact.items():
        for a, b in zip(texts, texts[1:]):
            if rank[b] < rank[a]:
                problems[contact[len("eco: "):]] = (a, b)
                break
    return problems


def check_replies(res, load, db, allow_cut):
    """Every accepted message's reply accepted by the fake (exactly once: evaluate counts the
    duplicates), in each contact's inbound order, and no Failed row (but the documented
    at-most-once "cut" rows when allow_cut)."""
    accepted = {load.deliveries[i].text for i in load.acked}
    rows = res.outbound_rows
    cut = {t for t, rs in rows.items() if any(s == "Failed" and CUT_TEXT in e for s, e in rs)}
    missing = sorted(t for t in accepted if "eco: " + t not in res.accepted_replies and not (allow_cut and "eco: " + t in cut))
    res.row["replies_missing"] = len(missing)
    if missing:
        res.violations.append(f"{len(missing)} accepted messages whose reply the Graph API never accepted, e.g. {missing[:5]}")
    failed = collections.Counter(e[:60] for rs in rows.values() for s, e in rs if s == "Failed" and not (allow_cut and CUT_TEXT in e))
    if failed:
        res.violations.append(f"{sum(failed.values())} outbound rows Failed: {json.dumps(dict(failed))}")
    problems = reply_order_problems(db, res.reply_sequence)
    res.row["order_problems"] = len(problems)
    if problems:
        res.violations.append(f"{len(problems)} contacts' replies out of their inbound order, e.g. "
                              f"{[f'{c}: {a} accepted before {b}' for c, (a, b) in list(problems.items())[:3]]}")


def scenario_pg_restart(ctx):
    """7: pg_ctl restart -m fast during a load at 50/s (3,000 deliveries with --full)."""
    n = max(ctx.args.n, 3000) if ctx.args.full else ctx.args.n
    marks = {}

    def fault(env):
        load = env["load"]

        def restart():
            log(f"  pg_ctl restart -m fast at {load.acked_count()} acknowledged")
            load.fault_active = True
            marks["began"] = time.monotonic()
            r = ctx.pg_restart()
            marks["done"] = time.monotonic()
            load.fault_active = False
            log(f"  PostgreSQL restarted in {marks['done'] - marks['began']:.1f} s (rc {r.returncode}); during it: {dict(load.during_fault)}")
            if r.returncode != 0:
                raise RuntimeError("pg_ctl restart failed: " + r.stdout + r.stderr)
        return when_acked(load, n // 3, restart), None

    def check(env):
        res, db, load, servers = env["res"], env["db"], env["load"], env["servers"]
        if "done" not in marks:
            res.violations.append("PostgreSQL was not restarted (the fault did not run)")
            return
        errored = db.errored_sessions()
        unique = [line for s in servers for line in s.log_lines("Unique constraint", "duplicate key")]
        res.row.update(errored_sessions=errored, unique_violation_lines=len(unique), pg_restart_s=round(marks["done"] - marks["began"], 1))
        res.target("sessions Errored", errored, "0", errored == 0)
        if unique:
            res.notes.append(f"{len(unique)} log line(s) with \"Unique constraint\"/\"duplicate key\", first: {unique[0].strip()[:240]}")
        first_after_restart(res, load, marks)
        check_replies(res, load, db, allow_cut=False)

    rules = [{"edge": "messages", "always": True, "delay_ms": 10}]
    return [base_scenario(ctx, "7.postgres-restart", "postgres", rules, fault, rate=50, n=n, check=check)]


def first_after_restart(res, load, marks):
    """The first delivery posted after pg_ctl restart returned (target: answered 200 in < 1 s),
    and the slowest answer to one posted during the restart."""
    with load.lock:
        timeline = list(load.timeline)
    after = sorted(t for t in timeline if t[0] >= marks["done"])
    during = [t for t in timeline if marks["began"] <= t[0] < marks["done"]]
    if not after:
        res.violations.append("no delivery was posted after the restart (load ended first; use a larger -n)")
        return
    began, ended, status = after[0]
    took = round(ended - began, 3)
    res.row.update(first_after_restart_s=took, first_after_restart_status=str(status))
    res.target("first delivery posted after the restart: answer time (status)", f"{took} s ({status})", "< 1 s, 200",
               took < 1 and status == 200)
    answered = sorted((t for t in timeline if t[1] >= marks["done"] and t[0] < marks["done"]), key=lambda t: t[1])
    if answered:
        b, e, st = answered[0]
        res.notes.append(f"first answer after the restart ended: a delivery posted {marks['done'] - b:.2f} s before, answered "
                         f"{e - marks['done']:.3f} s after it ({st}; {e - b:.2f} s in all)")
    if during:
        slow = max(during, key=lambda t: t[1] - t[0])
        res.notes.append(f"{len(during)} deliveries posted during the restart; slowest answered after {slow[1] - slow[0]:.2f} s ({slow[2]}); "
                         f"answers: {dict(collections.Counter(str(t[2]) for t in during))}")


def scenario_graph_outage(ctx):
    """8: every messages request answered 503 (first half) then error 130429 (second half) for
    --graph-outage seconds mid-load, then healthy; every reply must still be sent once, in order."""
    args = ctx.args
    outage, n = args.graph_outage, args.n
    # The load spans twice the outage: a third of it before, the outage, a third after.
    rate = round(min(args.rate, max(0.2, n / (2 * outage))), 2)
    drain_bound = max(120, outage)
    marks = {}

    def fault(env):
        load, fake, db = env["load"], env["fake"], env["db"]
        env["watch_timeout"] = outage + drain_bound + 60
        env["settle"] = 1

        def outage_window():
            log(f"  Graph outage ({outage:.0f} s) at {load.acked_count()} acknowledged: 503, then 130429")
            marks["began"] = time.monotonic()
            fake.set_rules([{"edge": "messages", "always": True, "status": 503, "body": "graph outage"}])
            time.sleep(outage / 2)
            fake.set_rules([{"edge": "messages", "always": True, "error": 130429}])
            time.sleep(outage / 2)
            fake.clear_rules()
            marks["ended"] = time.monotonic()
            with load.lock:
                backlog = {load.deliveries[i].text for i in load.acked}
            log(f"  Graph healthy again; waiting (≤ {drain_bound:.0f} s) for the replies to the {len(backlog)} messages accepted so far")
            marks["drain"] = wait_replies_sent(fake, db, backlog, drain_bound)
            log(f"  after the outage: {marks['drain']}")
        return when_acked(load, n // 3, outage_window, timeout=n / rate + 60), None

    def check(env):
        res, db, load = env["res"], env["db"], env["load"]
        if "drain" not in marks:
            res.violations.append("the outage did not run to its end")
            return
        d = marks["drain"]
        res.row.update(graph_outage_s=outage, drain_after_outage=d["seconds"], backlog=d["backlog"])
        res.target(f"replies to the {d['backlog']} messages accepted before the outage ended: sent after it ended",
                   f"all after {d['seconds']} s" if d["seconds"] is not None else f"{d['missing']} never ({d['failed']} recorded Failed)",
                   "all, once", d["seconds"] is not None)
        check_replies(res, load, db, allow_cut=False)

    rules = []  # DELETE /__fake/rules after the outage brings back exactly this
    return [base_scenario(ctx, "8.graph-outage", "postgres", rules, fault, rate=rate, drain_timeout=drain_bound, check=check)]


def wait_replies_sent(fake, db, texts, bound):
    """Until the fake has accepted a reply to every text (seconds), or the rest are given up
    (recorded Failed with nothing left pending/processing) or `bound` s pass."""
    began = time.monotonic()
    wanted = {"eco: " + t for t in texts}
    missing = wanted
    failed = 0
    while time.monotonic() - began < bound:
        accepted = {text for text, status in graph_replies(fake.requests()) if status == 200}
        missing = wanted - accepted
        if not missing:
            return {"seconds": round(time.monotonic() - began, 1), "backlog": len(wanted), "missing": 0, "failed": 0}
        failed_rows = {content for content, status, _ in db.outbound() if status == "Failed"}
        failed = len(missing & failed_rows)
        counts = db.inbox_counts()
        if failed == len(missing) and counts.get("pending", 0) == 0 and counts.get("processing", 0) == 0:
            break
        time.sleep(1)
    return {"seconds": None, "backlog": len(wanted), "missing": len(missing), "failed": failed}


def scenario_mixed(ctx):
    """9: two instances, a steady load from many contacts for --mixed-minutes, seeded random
    faults (kill -9 + restart, PostgreSQL restart, Graph 5xx/429 bursts), Meta-like redelivery."""
    args = ctx.args
    seconds = args.mixed_minutes * 60
    n = int(args.mixed_rate * seconds)
    base_rules = [{"edge": "messages", "always": True, "delay_ms": 10}]
    faults = []
    state = {"down": set(), "load_done": threading.Event()}

    def fault(env):
        servers, load, fake = env["servers"], env["load"], env["fake"]

        def pick(d):
            preferred = [servers[(d.contact + d.n) % 2], servers[(d.contact + d.n + 1) % 2]]
            live = [s for s in preferred if s.instance not in state["down"]]
            return (live or preferred)[0].url

        def run_load():
            load.run_meta_like(pick, args.mixed_rate, args.mixed_contacts, args.seed, duplicate_fraction=0.05)
            state["load_done"].set()

        def after():
            for s in servers:  # a fault cut short by the end of the load leaves nothing behind
                if s.proc.poll() is not None:
                    s.start()
            state["down"].clear()
            fake.set_rules(base_rules)

        env.update(run_load=run_load, urls_for=pick, redeliver_urls_for=pick, watch_timeout=180, settle=2)
        t = threading.Thread(target=mixed_faults, args=(ctx, env, state, faults, base_rules, seconds), daemon=True)
        t.start()
        return t, after

    def check(env):
        res = env["res"]
        kinds = collections.Counter(f["kind"] for f in faults)
        res.row.update(faults=dict(kinds), faults_detail=faults)
        res.notes.append(f"{len(faults)} faults: " + "; ".join(f"{f['at']} s {f['kind']} {f['detail']}" for f in faults))
        if seconds >= 120:
            res.target("faults injected", len(faults), "≥ 1 of each kind", all(kinds.get(k, 0) for k in MIXED_FAULTS))
        res.target("messages (distinct deliveries acknowledged)", res.row["acked"], f"{n} sent", res.row["acked"] == n)
        res.notes.append(f"replies recorded Failed \"{CUT_TEXT}\" (at-most-once, counted apart, not a violation): {res.row['cut']}")
        check_replies(res, env["load"], env["db"], allow_cut=True)

    return [base_scenario(ctx, "9.mixed-faults", "postgres", base_rules, fault, instances=2, n=n, contacts=args.mixed_contacts,
                          rate=args.mixed_rate, duplicates=0, drain_timeout=300, check=check)]


MIXED_FAULTS = ("kill-9", "postgres-restart", "graph-burst")


def mixed_faults(ctx, env, state, faults, base_rules, seconds):
    """Injects faults one at a time at seeded random times until the load ends: each round of
    three is a shuffled kill -9 / PostgreSQL restart / Graph burst; none starts in the last
    min(35 s, a quarter of the run)."""
    rng = random.Random(ctx.args.seed)
    began = time.monotonic()
    mean_gap = min(40, max(5, seconds / 8))
    quiet_end = min(35, seconds / 4)
    kinds = []
    while True:
        if state["load_done"].wait(rng.uniform(0.5, 1.5) * mean_gap) or time.monotonic() - began > seconds - quiet_end:
            return
        if not kinds:
            kinds = rng.sample(MIXED_FAULTS, len(MIXED_FAULTS))
        kind = kinds.pop()
        at = round(time.monotonic() - began, 1)
        try:
            detail = inject_fault(ctx, env, state, kind, rng, base_rules)
        except Exception as e:
            detail = f"FAILED: {e!r}"
            env["res"].violations.append(f"mixed fault {kind} at {at} s failed: {e!r}")
        faults.append({"at": at, "kind": kind, "detail": detail})
        log(f"  {at} s: {kind} {detail}; acknowledged so far {env['load'].acked_count()}")


def inject_fault(ctx, env, state, kind, rng, base_rules):
    if kind == "kill-9":
        victim = rng.choice(env["servers"])
        down = rng.uniform(1, 5)
        state["down"].add(victim.instance)
        victim.kill9()
        time.sleep(down)
        victim.start()
        state["down"].discard(victim.instance)
        return f"{victim.instance}, down {down:.1f} s"
    if kind == "postgres-restart":
        began = time.monotonic()
        r = ctx.pg_restart()
        if r.returncode != 0:
            raise RuntimeError("pg_ctl restart failed: " + r.stderr)
        return f"({time.monotonic() - began:.1f} s)"
    # Bursts alternate 503 / 130429 (the first one drawn), so a short run sees both.
    state["bursts"] = state.get("bursts", rng.randrange(2)) + 1
    rule = [{"status": 503, "body": "burst"}, {"error": 130429}][state["bursts"] % 2]
    length = rng.uniform(5, 30)
    env["fake"].set_rules([dict(rule, edge="messages", always=True)])
    time.sleep(length)
    env["fake"].set_rules(base_rules)
    return f"{'503' if 'status' in rule else '130429'} for {length:.1f} s"


SCENARIOS = {
    "1": lambda ctx: [scenario_kill9(ctx, "postgres"), scenario_kill9(ctx, "sqlite")],
    "2": lambda ctx: [scenario_pg_outage(ctx)],
    "3": lambda ctx: [scenario_graph_failures(ctx)],
    "4": lambda ctx: [scenario_disk_full(ctx)],
    "5": lambda ctx: [scenario_two_instances(ctx)],
    "6": scenario_abuse,
    "7": scenario_pg_restart,
    "8": scenario_graph_outage,
    "9": scenario_mixed,
}


def table(results):
    lines = ["| scenario | db | sent | POSTs | acked (200) | inbound rows (distinct wamids) | replies to fake Graph: distinct / total | redelivered acked (dups posted) | duplicates sent | lost | parked | sends cut by kill | failed sends | non-200 answers | drain after load | duration |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        x = r.row
        if "abuse" in x:
            continue
        if not x:
            lines.append(f"| {r.name} | {r.db_kind} | skipped: {'; '.join(r.notes)} |" + " |" * 14)
            continue
        non200 = ", ".join(f"{k}: {v}" for k, v in sorted(x["non200"].items())) or "—"
        lines.append(f"| {x['scenario']} | {x['db']} | {x['sent']} | {x['posts']} | {x['acked']} | {x['inbound']} | "
                     f"{x['replies_distinct']} / {x['replies_total']} | {x['dup_deliveries']} | {x['duplicates']} | {x['lost']} | "
                     f"{x['parked']} | {x['cut']} | {x['failed_sends']} | {non200} | {x.get('drain', '?')} s | {x['duration']} s |")
    abused = [(f"{r.name} ({r.db_kind})", r.row["abuse"]) for r in results if "abuse" in r.row]
    if abused:
        lines += ["", abuse.tables(abused)]
    targeted = [r for r in results if r.targets]
    if targeted:
        lines += ["", "| scenario | figure | measured | target | met |", "|---|---|---|---|---|"]
        lines += [f"| {r.name} | {figure} | {value} | {target} | {'yes' if met else 'NO'} |"
                  for r in targeted for figure, value, target, met in r.targets]
    return "\n".join(lines)


def main():
    global WORKDIR, KEEP
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--fcb", default=os.environ.get("FCB") or os.path.join(ROOT, ".build-faults", "release", "fcb"))
    p.add_argument("-n", type=int, default=int(os.environ.get("FAULTS_N", 300)), help="deliveries per scenario (default 300)")
    p.add_argument("--contacts", type=int, default=10)
    p.add_argument("--rate", type=float, default=150, help="deliveries per second (overall) during the load")
    p.add_argument("--duplicates", type=float, default=0.1, help="fraction of acknowledged deliveries redelivered")
    p.add_argument("--outage", type=float, default=4, help="seconds PostgreSQL stays stopped / the disk stays full")
    p.add_argument("--pg-outage", type=float, default=15,
                   help="seconds PostgreSQL stays stopped (longer than serve's 10 s database timeout, so deliveries get 503)")
    p.add_argument("--seed", type=int, default=8, help="seed of the duplicates' choice and of scenario 9's faults")
    p.add_argument("--only", default="1,2,3,4,5,6,7,8", help="scenarios to run, e.g. 1,3 (9, the long mixed run, only when named)")
    p.add_argument("--full", action="store_true",
                   help="the issue's full sizes: scenario 7 with at least 3,000 deliveries, --graph-outage 60 unless given")
    p.add_argument("--graph-outage", type=float, default=None,
                   help="seconds of scenario 8's Graph outage (default 30, 60 with --full; the issue's full target is up to 600)")
    p.add_argument("--abuse-wait", type=float, default=120,
                   help="scenario 6: longest wait for the server to close the abusive connections (default 120 s)")
    p.add_argument("--mixed-minutes", type=float, default=None, help="scenario 9: minutes of load (default 30; 2 with --short)")
    p.add_argument("--short", action="store_true", help="scenario 9 for CI: --mixed-minutes 2 unless given")
    p.add_argument("--mixed-rate", type=float, default=20, help="scenario 9: deliveries per second (default 20)")
    p.add_argument("--mixed-contacts", type=int, default=200, help="scenario 9: contacts (default 200)")
    p.add_argument("--keep", action="store_true", help="keep the work directory (logs, databases)")
    p.add_argument("--json", help="also write the rows as JSON here")
    args = p.parse_args()
    if args.graph_outage is None:
        args.graph_outage = 60 if args.full else 30
    if args.mixed_minutes is None:
        args.mixed_minutes = 2 if args.short else 30
    if not os.access(args.fcb, os.X_OK):
        sys.exit(f"no fcb binary at {args.fcb} (swift build -c release, or --fcb)")
    args.fcb = os.path.abspath(args.fcb)
    KEEP = args.keep
    WORKDIR = tempfile.mkdtemp(prefix="fcb-faults-")
    open(os.path.join(WORKDIR, "empty.env"), "w").close()
    atexit.register(cleanup)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    log(f"fcb faults: n={args.n}, contacts={args.contacts}, work dir {WORKDIR}")
    ctx = Context(args)
    results = []
    suite_started = time.monotonic()
    for key in args.only.split(","):
        key = key.strip()
        log(f"scenario {key}")
        before = len(results)
        try:
            results += SCENARIOS[key](ctx)
        except Skip as e:
            r = Result(f"{key}", "—")
            r.notes.append(str(e))
            results.append(r)
            log(f"  skipped: {e}")
        except Exception as e:
            r = Result(f"{key}", "—")
            r.violations.append(f"scenario crashed: {e!r}")
            results.append(r)
            log(f"  scenario {key} crashed: {e!r}")
        for r in results[before:]:
            if r.row:
                log(f"  {r.name} ({r.db_kind}): {json.dumps(r.row)}")
    print()
    print(f"fcb fault-injection suite, {time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} cores, "
          f"N={args.n} deliveries from {args.contacts} contacts (scenarios 7-9 size their own loads: column sent), "
          f"total {time.monotonic() - suite_started:.0f} s")
    print()
    print(table(results))
    print()
    failed = False
    for r in results:
        for note in r.notes:
            print(f"note [{r.name} {r.db_kind}]: {note}")
        if getattr(r, "parked_listing", "") and r.parked_listing != "no parked items":
            print(f"parked [{r.name}]:\n{r.parked_listing}")
        for v in r.violations:
            failed = True
            print(f"VIOLATION [{r.name} {r.db_kind}]: {v}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump([dict(r.row, violations=r.violations, notes=r.notes) for r in results], f, indent=1)
    if failed:
        print(f"\nFAILED (logs kept in {WORKDIR})")
        KEEP = True
        sys.exit(1)
    print("\nall invariants held")


if __name__ == "__main__":
    main()
