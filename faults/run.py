#!/usr/bin/env python3
"""Scripted, bounded fault-injection suite for `fcb serve` (docs/targets.md#bad-input).

Run through faults/run.sh (it starts a throwaway PostgreSQL with scripts/with-postgres).
Every scenario: a fresh database, the fake Graph API (`fcb dev fake-graph`), one or two
`fcb serve` processes, a load of N signed deliveries from several contacts to an echo flow
(one reply per message), a fault in the middle of the load, redelivery of everything not
acknowledged (as Meta does) plus some acknowledged ones (duplicates), then counts:

  sent / acked / inbound rows / replies (distinct, total) / duplicate replies / lost / parked

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


class Serve:
    def __init__(self, fcb, name, db_url, seed, graph_url, instance, port=None, workers=4):
        self.fcb, self.name, self.db_url, self.seed, self.graph_url = fcb, name, db_url, seed, graph_url
        self.instance, self.workers = instance, workers
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
        self.proc = spawn([self.fcb, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--database-url", self.db_url,
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

    def redeliver(self, urls_for, duplicate_fraction, rng, rounds=8):
        """As Meta: everything not acknowledged again (bounded rounds), plus some acknowledged ones."""
        with self.lock:
            acked = sorted(self.acked)
        dups = rng.sample(acked, int(len(acked) * duplicate_fraction)) if acked else []
        for i in dups:
            self.post(self.deliveries[i], urls_for(self.deliveries[i]))
        self.duplicates_posted = len(dups)
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

    def pg_start_again(self):
        u = urllib.parse.urlparse(self.pg_admin)
        sockdir = os.path.dirname(self.pg_datadir)
        opts = f"-p {u.port} -k {sockdir} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200"
        return self.pg_ctl("-l", os.path.join(sockdir, "server.log"), "-w", "-t", "60", "-o", opts, "start")


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
    for w in sorted(accepted):
        reply = "eco: " + text_of[w]
        if w not in inbound:
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


def base_scenario(ctx, name, db_kind, rules, fault, *, instances=1, rate=None, drain_timeout=200, tmpfs=None):
    """Common skeleton: database, fake, serve(s), load with a fault, redelivery, drain, counts."""
    args = ctx.args
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
        deliveries = [Delivery(tag, i % args.contacts, i // args.contacts, i) for i in range(args.n)]
        load = Load(deliveries)
        rng = random.Random(args.seed)
        urls_for = (lambda d: servers[(d.contact + d.n) % len(servers)].url)
        env = {"ctx": ctx, "servers": servers, "load": load, "db": db, "fake": fake, "res": res, "url": url}
        watcher, after = fault(env)
        log(f"  load: {args.n} deliveries from {args.contacts} contacts at {rate or args.rate}/s")
        load.run(env.get("urls_for", urls_for), rate or args.rate, args.contacts)
        if watcher:
            watcher.join(timeout=120)
        if after:
            after()
        missing = load.redeliver(env.get("redeliver_urls_for", urls_for), args.duplicates, rng)
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


SCENARIOS = {
    "1": lambda ctx: [scenario_kill9(ctx, "postgres"), scenario_kill9(ctx, "sqlite")],
    "2": lambda ctx: [scenario_pg_outage(ctx)],
    "3": lambda ctx: [scenario_graph_failures(ctx)],
    "4": lambda ctx: [scenario_disk_full(ctx)],
    "5": lambda ctx: [scenario_two_instances(ctx)],
}


def table(results):
    lines = ["| scenario | db | sent | POSTs | acked (200) | inbound rows (distinct wamids) | replies to fake Graph: distinct / total | redelivered acked (dups posted) | duplicates sent | lost | parked | sends cut by kill | failed sends | non-200 answers | drain after load | duration |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        x = r.row
        if not x:
            lines.append(f"| {r.name} | {r.db_kind} | skipped: {'; '.join(r.notes)} |" + " |" * 14)
            continue
        non200 = ", ".join(f"{k}: {v}" for k, v in sorted(x["non200"].items())) or "—"
        lines.append(f"| {x['scenario']} | {x['db']} | {x['sent']} | {x['posts']} | {x['acked']} | {x['inbound']} | "
                     f"{x['replies_distinct']} / {x['replies_total']} | {x['dup_deliveries']} | {x['duplicates']} | {x['lost']} | "
                     f"{x['parked']} | {x['cut']} | {x['failed_sends']} | {non200} | {x.get('drain', '?')} s | {x['duration']} s |")
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
    p.add_argument("--seed", type=int, default=8)
    p.add_argument("--only", default="1,2,3,4,5", help="scenarios to run, e.g. 1,3")
    p.add_argument("--keep", action="store_true", help="keep the work directory (logs, databases)")
    p.add_argument("--json", help="also write the rows as JSON here")
    args = p.parse_args()
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
          f"N={args.n} deliveries from {args.contacts} contacts, total {time.monotonic() - suite_started:.0f} s")
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
