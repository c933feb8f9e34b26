"""Warm latency of LDBC SNB Interactive v1 queries: NamiDB (the Neo4j texts, unchanged) against
Kùzu 0.11.3 and LadybugDB 0.22.0 (the same queries in their dialect, bench/ldbc_dialect.py), on
the v1 test data, same process, same run.

    python bench/ldbc_vs_kuzu.py [--ldbc DIR] [--runs N]

NamiDB: the data is imported with the release `namidb` binary into a file:// namespace and
queried through the `namidb` Python package (build it with NAMIDB_PY_PROFILE=release
scripts/python-env.sh for meaningful numbers). Kùzu and LadybugDB: one node table per entity,
relationship table groups where a type joins several pairs, loaded with COPY FROM
(bench/import_vs_kuzu.py). Each query runs once to warm up, then N times; the median is
reported with the ratios (peer time / NamiDB time: above 1 means NamiDB is faster); every
engine first runs every query once, so each is timed warm. Every
engine's rows are compared with NamiDB's (`same`); LadybugDB is skipped when not installed.
"""

import argparse
import importlib
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import namidb as tg

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from import_vs_kuzu import NAMIDB, ROOT, kuzu_ldbc_statements  # noqa: E402
from ldbc_dialect import DIFFERENCES, KUZU, comparable, same_rows  # noqa: E402

# Kùzu and LadybugDB each register pybind11 types of the same names, so one process can load
# only one of them: each peer runs in its own child process (`--peer`), NamiDB in this one.
PEERS = ("kuzu", "ladybug")

FILES = {f"IS{n}": f"interactive-short-{n}" for n in range(1, 8)}
FILES.update({f"IC{n}": f"interactive-complex-{n}" for n in range(1, 15)})


def neo4j_text(ldbc, name):
    with open(os.path.join(ldbc, "queries", "interactive-v1-neo4j", FILES[name] + ".cypher")) as f:
        text = f.read()
    comment = re.search(r"/\*(.*?)\*/", text, re.S)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = "\n".join(line for line in text.splitlines() if not line.strip().startswith("//"))
    return text.strip(), comment.group(1) if comment else ""


def parse_scalar(text):
    text = text.strip().strip('"')
    return int(text) if re.fullmatch(r"-?\d+", text) else text


def params(ldbc, name, comment):
    if name.startswith("IS"):
        return {k: parse_scalar(v) for k, v in re.findall(r":param (\w+): (\S+)", comment)}
    n = name[2:]
    path = os.path.join(ldbc, "interactive-v1-test-data", "substitution_parameters", f"interactive_{n}_param.txt")
    with open(path) as f:
        header = f.readline().strip().split("|")
        values = f.readline().strip().split("|")
    p = {k: parse_scalar(v) for k, v in zip(header, values)}
    if "durationDays" in p:  # the driver's derivation (IC3, IC4)
        p["endDate"] = p["startDate"] + p.pop("durationDays") * 86_400_000
    return p


def timed(run, runs):
    run()  # warm up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        rows = run()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), rows


def run_peer(args):
    """Child process: load the sample into a fresh database of `args.peer`, time every query,
    write {query: [median seconds, rows]} as JSON to stdout."""
    module = importlib.import_module(args.peer)
    data = os.path.join(args.ldbc, "interactive-v1-test-data", "vanilla")
    out = {}
    with tempfile.TemporaryDirectory() as d:
        conn = module.Connection(module.Database(os.path.join(d, args.peer)))
        for statement in kuzu_ldbc_statements(data):
            conn.execute(statement)
        for name in KUZU:  # every query warmed once before any is timed
            conn.execute(KUZU[name], params(args.ldbc, name, neo4j_text(args.ldbc, name)[1])).get_all()
        for name in KUZU:
            p = params(args.ldbc, name, neo4j_text(args.ldbc, name)[1])
            t, rows = timed(lambda: conn.execute(KUZU[name], p).get_all(), args.runs)
            out[name] = [t, comparable(name, rows)]
    json.dump(out, sys.stdout)


def peer_results(name, args):
    """The timings and rows of peer `name`, or None when it is not installed."""
    if importlib.util.find_spec(name) is None:
        print(f"({name} is not installed: skipped)")
        return None
    child = subprocess.run(
        [sys.executable, __file__, "--peer", name, "--ldbc", args.ldbc, "--runs", str(args.runs)],
        check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(child.stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ldbc", default=os.path.join(ROOT, "..", "shared", "ldbc"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--peer", choices=PEERS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peer:
        return run_peer(args)
    peers = {name: r for name in PEERS if (r := peer_results(name, args)) is not None}
    data = os.path.join(args.ldbc, "interactive-v1-test-data", "vanilla")
    with tempfile.TemporaryDirectory() as d:
        uri = f"file://{d}/namidb?ns=ldbc"
        subprocess.run([NAMIDB, "import", uri, "--ldbc", data], check=True, stdout=subprocess.DEVNULL)
        ours = tg.Client(uri)
        for name in KUZU:  # every query warmed once before any is timed, as for the peers
            text, comment = neo4j_text(args.ldbc, name)
            ours.cypher(text, params(args.ldbc, name, comment)).tuples()
        print(f"{'query':6} {'namidb ms':>10}" + "".join(f" {p + ' ms':>11} {p + '/ours':>13}" for p in peers) + "  rows  same")
        for name in KUZU:
            text, comment = neo4j_text(args.ldbc, name)
            p = params(args.ldbc, name, comment)
            ours_t, ours_rows = timed(lambda: ours.cypher(text, p).tuples(), args.runs)
            line = f"{name:6} {ours_t * 1000:10.2f}"
            verdicts = []
            for results in peers.values():
                t, rows = results[name]
                line += f" {t * 1000:11.2f} {t / ours_t:12.2f}x"
                verdicts.append(comparable(name, ours_rows) == rows)
            note = f"  ({DIFFERENCES[name]})" if not all(verdicts) and name in DIFFERENCES else ""
            print(f"{line}  {len(ours_rows):4}  {'/'.join(map(str, verdicts))}{note}")
            sys.stdout.flush()
        ours.close()


if __name__ == "__main__":
    main()
