#!/usr/bin/env python3
"""Bounded mutation smoke test: feeds randomly damaged versions of the example flows to
`fcb validate-flow` and `fcb simulate` and fails if either crashes (signal or unexpected exit).

Usage: scripts/mutation-smoke.py [ITERATIONS] [SEED]   (defaults: 200, 1)
"""
import json, os, random, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FCB = os.environ.get("FCB", os.path.join(ROOT, ".build", "debug", "fcb"))
ODD = [None, True, False, 0, -1, 1e308, "", "x" * 5000, "{{a}}{{b.c}}", [], [None], {}, {"a": [1, {"b": None}]}, "\u0000\u202e", 3.5]

def mutate(value, rng, depth=0):
    if isinstance(value, dict) and value and rng.random() < 0.7:
        key = rng.choice(list(value))
        roll = rng.random()
        if roll < 0.3:
            value[key] = rng.choice(ODD)
        elif roll < 0.4:
            del value[key]
        else:
            value[key] = mutate(value[key], rng, depth + 1)
        return value
    if isinstance(value, list) and value and rng.random() < 0.7:
        i = rng.randrange(len(value))
        roll = rng.random()
        if roll < 0.2:
            value.pop(i)
        elif roll < 0.3:
            value.append(rng.choice(ODD))
        else:
            value[i] = mutate(value[i], rng, depth + 1)
        return value
    return rng.choice(ODD)

def run(args, stdin=None):
    p = subprocess.run([FCB] + args, input=stdin, capture_output=True, timeout=60)
    return p.returncode

def main():
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    flows_dir = os.path.join(ROOT, "examples", "flows")
    sources = [json.load(open(os.path.join(flows_dir, f))) for f in sorted(os.listdir(flows_dir)) if f.endswith(".json")]
    script = "hola\nsoporte\n1\n2\nagente\norder\n10452\n/advance 2d\nmenu\n3\n".encode()
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(iterations):
            flow = mutate(json.loads(json.dumps(rng.choice(sources))), rng)
            for _ in range(rng.randrange(1, 4)):
                flow = mutate(flow, rng)
            path = os.path.join(tmp, "flow.json")
            with open(path, "w") as f:
                json.dump(flow, f)
            code = run(["validate-flow", "--format", "json", path])
            if code not in (0, 1):
                failures += 1
                print(f"validate-flow exited {code} on iteration {n}: {json.dumps(flow)[:300]}")
            code = run(["simulate", path, "--mock-api", os.path.join(ROOT, "examples", "transcripts", "order-status.mock.json")], stdin=script)
            if code not in (0, 2):
                failures += 1
                print(f"simulate exited {code} on iteration {n}: {json.dumps(flow)[:300]}")
    print(f"{iterations} mutated flows: {failures} crashes")
    sys.exit(1 if failures else 0)

if __name__ == "__main__":
    main()
