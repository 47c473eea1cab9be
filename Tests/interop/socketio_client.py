#!/usr/bin/env python3
"""A real third-party Socket.IO client (python-socketio) driven by fcb's tests.

Connects to fcb's Socket.IO server, joins conversations, and prints one JSON object per line on
stdout for everything that happens, flushed at once, so a test can follow along:

  {"kind": "connected", "sid": ..., "transport": ...}   on every (re)connect
  {"kind": "connect_error", "data": ...}
  {"kind": "joined", "contactId": ..., "ack": ...}      after the server acked a join
  {"kind": "event", "name": ..., "data": ...}           every server event
  {"kind": "disconnected", "reason": ...}
  {"kind": "done", "events": N} / {"kind": "timeout"}   then exits (0 / 3)

Everything is bounded by --timeout. Loopback use only.
"""
import argparse
import base64
import hashlib
import hmac
import json
import signal
import sys
import threading
import time

import socketio


def emit(kind, **fields):
    fields["kind"] = kind
    sys.stdout.write(json.dumps(fields, sort_keys=True) + "\n")
    sys.stdout.flush()


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def make_jwt(secret, user, exp_from_now):
    """An HS256 JWT as Node's jsonwebtoken makes it (unpadded base64url, compact JSON)."""
    header = {"alg": "HS256", "typ": "JWT"}
    now = int(time.time())
    claims = {"userId": user, "iat": now}
    if exp_from_now is not None:
        claims["exp"] = now + int(exp_from_now)
    signing_input = b64url(json.dumps(header, separators=(",", ":")).encode()) + "." + \
        b64url(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(secret.encode("utf-8"), signing_input.encode("ascii"), hashlib.sha256).digest()
    return signing_input + "." + b64url(signature)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--transports", default="polling,websocket")
    parser.add_argument("--token", help="sent as auth.token in the CONNECT packet")
    parser.add_argument("--bearer", help="sent as an Authorization: Bearer header")
    parser.add_argument("--query-token", help="sent as ?token=")
    parser.add_argument("--join", action="append", default=[], help="contact id to join after every connect")
    parser.add_argument("--events", type=int, default=0, help="exit after this many server events")
    parser.add_argument("--connects", type=int, default=1, help="with --reconnect: exit only after this many connects")
    parser.add_argument("--reconnect", action="store_true", help="reconnect like the dashboard does")
    parser.add_argument("--origin", help="an Origin header")
    parser.add_argument("--jwt-secret", help="build an HS256 token signed with this secret")
    parser.add_argument("--jwt-user", help="the token's userId claim (with --jwt-secret)")
    parser.add_argument("--jwt-exp", type=int, help="the token's exp, in seconds from now (negative: expired)")
    parser.add_argument("--jwt-via", choices=["auth", "bearer", "query"], default="auth",
                        help="where the built token goes: auth.token, Authorization: Bearer, or ?token=")
    parser.add_argument("--timeout", type=float, default=30)
    args = parser.parse_args()
    if args.jwt_secret is not None:
        token = make_jwt(args.jwt_secret, args.jwt_user or "", args.jwt_exp)
        if args.jwt_via == "auth":
            args.token = token
        elif args.jwt_via == "bearer":
            args.bearer = token
        else:
            args.query_token = token

    sio = socketio.Client(reconnection=args.reconnect, reconnection_delay=0.2, reconnection_delay_max=1,
                          reconnection_attempts=0 if args.reconnect else 1)
    # python-engineio hands every incoming message packet to a new thread (run_async=True), so
    # two events that arrive back to back can reach the handlers in either order. Dispatch them
    # on the reader thread instead, in the order the server sent them: what is printed is then
    # the wire order (the handlers below never block; joins run on their own thread).
    eio_trigger = sio.eio._trigger_event

    def in_order(event, *fields, **options):
        if event == "message":
            options["run_async"] = False
        return eio_trigger(event, *fields, **options)

    sio.eio._trigger_event = in_order
    received = []
    connects = [0]
    finished = threading.Event()

    def join_all():
        for contact in args.join:
            try:
                ack = sio.call("join:conversation", contact, timeout=10)
            except Exception as error:  # noqa: BLE001 - reported to the test
                emit("join_failed", contactId=contact, error=repr(error))
                continue
            emit("joined", contactId=contact, ack=ack)
        if connects[0] >= args.connects and args.events == 0:
            finished.set()

    @sio.event
    def connect():
        connects[0] += 1
        emit("connected", sid=sio.get_sid(), transport=sio.transport())
        # Joining from the handler would block python-socketio's reader; use a thread.
        threading.Thread(target=join_all, daemon=True).start()

    @sio.event
    def connect_error(data):
        emit("connect_error", data=data)
        if not args.reconnect:
            finished.set()

    @sio.event
    def disconnect(reason=None):
        emit("disconnected", reason=str(reason))

    @sio.on("*")
    def any_event(name, *data):
        payload = data[0] if len(data) == 1 else list(data)
        emit("event", name=name, data=payload)
        received.append(name)
        if args.events and len(received) >= args.events and connects[0] >= args.connects:
            finished.set()

    headers = {}
    if args.bearer:
        headers["Authorization"] = "Bearer " + args.bearer
    if args.origin:
        headers["Origin"] = args.origin
    url = args.url
    if args.query_token:
        url += ("&" if "?" in url else "?") + "token=" + args.query_token
    auth = {"token": args.token} if args.token else None
    stopped = threading.Event()

    def on_sigterm(*_):
        # Told to stop: disconnect properly (a close packet), so the server sees the goodbye.
        stopped.set()
        finished.set()

    signal.signal(signal.SIGTERM, on_sigterm)
    # A parent may spawn us with signals blocked (its thread's mask is inherited): unblock.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    deadline = time.monotonic() + args.timeout
    try:
        sio.connect(url, transports=args.transports.split(","), auth=auth, headers=headers, wait_timeout=10)
    except socketio.exceptions.ConnectionError as error:
        emit("connect_failed", error=str(error))
        if not args.reconnect:
            return 2
    while not finished.is_set() and time.monotonic() < deadline:
        finished.wait(0.05)
        if not args.reconnect and connects[0] > 0 and not sio.connected and not finished.is_set():
            break
    if stopped.is_set():
        emit("stopped", events=len(received))
        code = 0
    elif finished.is_set():
        emit("done", events=len(received), transport=sio.transport() if sio.connected else None)
        code = 0
    else:
        emit("timeout", events=len(received))
        code = 3
    try:
        sio.disconnect()
    except Exception:  # noqa: BLE001
        pass
    return code


if __name__ == "__main__":
    sys.exit(main())
