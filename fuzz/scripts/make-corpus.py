#!/usr/bin/env python3
"""Derives the seed corpora under fuzz/corpus/<target>/ from the repository's own examples.

Run from the repository root: python3 fuzz/scripts/make-corpus.py. Deterministic; the output
is committed so `fuzz/run.sh` needs nothing but the toolchain.
"""
import base64, hashlib, hmac, json, os, glob

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def read(path):
    with open(os.path.join(ROOT, path), "rb") as f:
        return f.read()


webhooks = sorted(glob.glob(os.path.join(ROOT, "examples/webhooks/*.json")))
flows = sorted(glob.glob(os.path.join(ROOT, "examples/flows/*.json")))

# Webhook decoding: every example delivery, minified (smaller seeds mutate faster).
for p in webhooks:
    put("FuzzWebhook", os.path.basename(p), json.dumps(json.loads(read(p)), separators=(",", ":"), ensure_ascii=False))
put("FuzzWebhook", "empty-object.json", "{}")

# Flow loading + validation: every example flow, minified.
for p in flows:
    put("FuzzFlow", os.path.basename(p), json.dumps(json.loads(read(p)), separators=(",", ":"), ensure_ascii=False))

# JSON parser: a few of both, plus edge cases.
for p in webhooks[:4] + flows[:2]:
    put("FuzzJSON", os.path.basename(p), read(p))
for i, s in enumerate(['[1,-0,1e308,5e-324,0.1,"\\ud83d\\ude00"]', '{"a":{"a":{"a":[]}}}', '"\\u0000"', "\ufeff null ", "123"]):
    put("FuzzJSON", f"edge-{i}.json", s)

# Expressions: the distinct expressions of the fixture table (the base context is built in).
table = json.loads(read("Tests/CoreTests/Expression/Fixtures/expression-table.json"))
seen = []
for row in table["rows"]:
    if row["expr"] not in seen:
        seen.append(row["expr"])
for i, e in enumerate(seen[::3]):  # every third: enough shapes, small corpus
    put("FuzzExpression", f"expr-{i:03d}.txt", e)
put("FuzzExpression", "with-context.txt", "context.a?.b[0] ?? 'x'\0" + '{"a":{"b":[1,2]}}')

# Signatures: header \0 secret \0 body.
body = json.dumps(json.loads(read(webhooks[0])), separators=(",", ":")).encode()
for name, secret in [("valid", "s3cret"), ("other", "x")]:
    digest = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    put("FuzzSignature", f"{name}.bin", ("sha256=" + digest).encode() + b"\0" + secret.encode() + b"\0" + body)
put("FuzzSignature", "multi.bin", b"sha1=abcd, sha256=00ff ,SHA256 = " + b"ab" * 32 + b"\0k\0{}")
put("FuzzSignature", "bare.bin", b"ab" * 32 + b"\0k\0{}")

# Engine.IO: polling bodies and single frames.
for i, s in enumerate(["0{\"sid\":\"abc\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}",
                       "2", "3probe", "5", "6", "40", "42[\"hello\",1]\x1e42[\"b\"]", "bAQIDBA==", "4hello\x1ebAAE=\x1e1"]):
    put("FuzzEngineIO", f"packet-{i}.txt", s)

# Socket.IO: the text of Engine.IO messages.
for i, s in enumerate(["0", "0{\"token\":\"abc\"}", "0/admin,{\"token\":\"x\"}", "1", "2[\"subscribe\",{\"room\":\"tenant-1\"}]",
                       "213[\"ping\"]", "3/admin,7[1,\"two\"]", "4{\"message\":\"nope\"}", "2/chat,[\"a\",null,true,1.5]"]):
    put("FuzzSocketIO", f"packet-{i}.txt", s)
# Socket.IO: a connection's messages, 0x00 between them, a binary one starting with 0x01.
for i, b in enumerate([
        b'452-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]\0\x01\x01\x02\x03\0\x01\x04\x05\x06',
        b'461-/admin,789[{"_placeholder":true,"num":0}]\0\x01\xff\0' + b'42["after"]',
        b'451-["up",{"a":[{"_placeholder":true,"num":0}]}]\0' + b'42["too soon"]',
        b'\x01\x01\x02',
        b'40/custom\0' + b'41/custom\0' + b'40/random']):
    put("FuzzSocketIO", f"connection-{i}.bin", b)


# Dashboard tokens: byte 0 even = raw token, odd = header \0 payload (signed by the target).
def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=")


def sign(header, payload, secret=b"fuzz-secret"):
    si = b64(header) + b"." + b64(payload)
    return si + b"." + b64(hmac.new(secret, si, hashlib.sha256).digest())


h = b'{"alg":"HS256","typ":"JWT"}'
put("FuzzDashboardToken", "raw-valid.bin", b"\0" + sign(h, b'{"userId":"u1","exp":1900000000,"iat":1700000000}'))
put("FuzzDashboardToken", "raw-wrong-key.bin", b"\0" + sign(h, b'{"sub":"u1"}', b"other"))
put("FuzzDashboardToken", "raw-none.bin", b"\0" + b64(b'{"alg":"none"}') + b"." + b64(b'{"userId":"u"}') + b".")
put("FuzzDashboardToken", "signed-claims.bin", b"\1" + h + b"\0" + b'{"userId":"u1","exp":1800000100,"nbf":1700000000,"iat":1.5}')
put("FuzzDashboardToken", "signed-sub.bin", b"\1" + b'{"alg":"HS256"}' + b"\0" + b'{"sub":"s","exp":null}')
