"""Scan, expand, 2-hop and aggregation over a synthetic graph: NamiDB against Kùzu 0.11.3 and
LadybugDB 0.22.0 on the same data, same run.

    python bench/graph_ops_vs_kuzu.py [--rels M] [--nodes N] [--runs R] [--only NAME,...]

The graph is bench/import_vs_kuzu.py's: N `Person` nodes (id, name, age), M `KNOWS`
relationships (since) with uniform random endpoints; N defaults to M / 10 (average degree 10).
NamiDB imports it with the release `namidb` binary into a file:// namespace and queries it
through the `namidb` Python package (build it with NAMIDB_PY_PROFILE=release
scripts/python-env.sh); the peers load it with COPY FROM. Every engine runs in its own child
process (Kùzu and LadybugDB cannot share one, and each process's peak memory is its own): one
query over the whole graph first (`WARM_UP`), then each query once to warm up, then R times;
the median is reported with the ratio peer / NamiDB (above 1 means NamiDB is faster), and each
engine's answer is compared with NamiDB's. The query texts are the same for every engine.

Peak memory of the 2-hop count from every node (`two_hop_all`, 10 M paths at the defaults) is
measured in a process of its own per engine, as the rise of the peak resident set over the
resident set after opening the database: it shows whether the 2-hop product is materialized.
"""

import argparse
import decimal
import importlib
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from import_vs_kuzu import NAMIDB, generate  # noqa: E402

ENGINES = ("namidb", "kuzu", "ladybug")

# name -> (what it measures, query); every engine runs the same text.
QUERIES = {
    "scan_filter": ("label scan, filter on a property",
                    "MATCH (p:Person) WHERE p.age > 60 RETURN count(*) AS n"),
    "scan_sum": ("label scan, sum of a property",
                 "MATCH (p:Person) RETURN sum(p.age) AS s"),
    "expand": ("1-hop from every node, neighbour property",
               "MATCH (a:Person)-[:KNOWS]->(b:Person) RETURN sum(b.age) AS s"),
    "expand_filter": ("1-hop from every node, filter on the relationship",
                      "MATCH (a:Person)-[k:KNOWS]->(b:Person) WHERE k.since > 2020 RETURN count(*) AS n"),
    "two_hop_one": ("2-hop from one node, distinct ends",
                    "MATCH (a:Person {id: 42})-[:KNOWS]->(:Person)-[:KNOWS]->(c:Person) RETURN count(DISTINCT c) AS n"),
    "two_hop_all": ("2-hop from every node, count of paths",
                    "MATCH (a:Person)-[:KNOWS]->(:Person)-[:KNOWS]->(c:Person) RETURN count(*) AS n"),
    "group_nodes": ("group nodes by a property",
                    "MATCH (p:Person) RETURN p.age AS age, count(*) AS n ORDER BY age"),
    "group_rels": ("group 1-hop pairs by the source's property",
                   "MATCH (a:Person)-[:KNOWS]->(b:Person) RETURN a.age AS age, count(*) AS n, sum(b.age) AS s ORDER BY age"),
    "parts_order": ("two pattern parts, the selective one written last (join order)",
                    "MATCH (b:Person), (a:Person {id: 42})-[:KNOWS]->(b) RETURN sum(b.age) AS s"),
    "parts_clauses": ("the same parts as two MATCH clauses (one join, ordered the same way)",
                      "MATCH (b:Person) MATCH (a:Person {id: 42})-[:KNOWS]->(b) RETURN sum(b.age) AS s"),
    "join_expr": ("two pattern parts joined on an expression (N/60 nodes each side)",
                  "MATCH (a:Person), (b:Person) WHERE a.age = 30 AND b.age = 31 "
                  "AND (a.id + 1) % 1000 = b.id % 1000 RETURN count(*) AS n"),
}


# Read by every engine before the timed queries (see run_child).
WARM_UP = "MATCH (a:Person)-[k:KNOWS]->(b:Person) RETURN count(k.since) AS n, sum(b.age) AS s"

# Where the peers answer differently by design.
DIFFERENCES = {
    "two_hop_all": "openCypher matches a relationship once per pattern; the peers walk a self-loop "
                   "twice, so they count one extra path per self-loop",
}


def rss_bytes():
    """The current resident set of this process."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def plain(value):
    """JSON-ready: Kùzu returns sums of INT64 as 128-bit integers (Python Decimal)."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def open_engine(engine, data):
    """A function running a query to a list of tuples, on a database holding `data`."""
    if engine == "namidb":
        import namidb as tg

        client = tg.Client(f"file://{data}/namidb?ns=bench")
        return lambda q: [tuple(r) for r in client.cypher(q).tuples()]
    module = importlib.import_module(engine)
    path = os.path.join(data, f"{engine}.db")
    fresh = not os.path.exists(path)
    conn = module.Connection(module.Database(path))
    if not fresh:  # loaded by an earlier child
        return lambda q: [tuple(map(plain, r)) for r in conn.execute(q).get_all()]
    conn.execute("CREATE NODE TABLE Person(id INT64, name STRING, age INT64, PRIMARY KEY(id))")
    conn.execute("CREATE REL TABLE KNOWS(FROM Person TO Person, since INT64)")
    conn.execute(f"COPY Person FROM '{data}/person.csv' (HEADER=true)")
    conn.execute(f"COPY KNOWS FROM '{data}/knows_plain.csv' (HEADER=true)")
    return lambda q: [tuple(map(plain, r)) for r in conn.execute(q).get_all()]


def run_child(args):
    """Child process: time the queries on one engine, print JSON {name: [median s, rows]}
    (with --peak, the peak-memory figures of one query instead)."""
    run = open_engine(args.engine, args.data)
    names = args.only.split(",")
    if args.peak:
        base = rss_bytes()
        started = time.perf_counter()
        rows = run(QUERIES[names[0]][1])
        elapsed = time.perf_counter() - started
        json.dump({"base": base, "peak": peak_rss_bytes(), "seconds": elapsed, "rows": rows}, sys.stdout)
        return
    # Every engine first reads the whole graph once (nodes, relationships, a node property), so
    # a run of a few queries (--only) meets the caches a full run's later queries meet.
    run(WARM_UP)
    out = {}
    for name in names:
        query = QUERIES[name][1]
        rows = run(query)  # warm-up
        samples = []
        for _ in range(args.runs):
            started = time.perf_counter()
            rows = run(query)
            samples.append(time.perf_counter() - started)
        out[name] = [statistics.median(samples), rows]
    json.dump(out, sys.stdout)


def child(engine, data, names, runs, peak=False):
    command = [sys.executable, __file__, "--engine", engine, "--data", data, "--runs", str(runs),
               "--only", ",".join(names)] + (["--peak"] if peak else [])
    return json.loads(subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout)


def same(a, b):
    """Equal answers, floats compared to 9 significant digits."""
    norm = lambda rows: [tuple(round(v, 6) if isinstance(v, float) else v for v in r) for r in rows]  # noqa: E731
    return norm(a) == norm(b)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rels", type=int, default=1_000_000)
    parser.add_argument("--nodes", type=int)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default=",".join(QUERIES))
    parser.add_argument("--engine", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--peak", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:
        return run_child(args)
    names = [n for n in args.only.split(",") if n]
    unknown = [n for n in names if n not in QUERIES]
    if unknown:
        parser.error(f"unknown queries {unknown}; known: {', '.join(QUERIES)}")
    nodes = args.nodes or max(args.rels // 10, 1)
    engines = ["namidb"] + [e for e in ENGINES[1:] if importlib.util.find_spec(e) is not None]
    with tempfile.TemporaryDirectory() as data:
        people, knows = generate(data, nodes, args.rels)
        # The peers' COPY takes plain column names.
        with open(knows) as src, open(os.path.join(data, "knows_plain.csv"), "w") as dst:
            next(src)
            dst.write("from,to,since\n")
            dst.writelines(src)
        subprocess.run([NAMIDB, "import", f"file://{data}/namidb?ns=bench", "--nodes", f"Person={people}",
                        "--relationships", f"KNOWS={knows}"], check=True, stdout=subprocess.DEVNULL)
        print(f"{nodes} nodes, {args.rels} relationships; median of {args.runs} warm runs")
        results = {e: child(e, data, names, args.runs) for e in engines}
        header = f"{'query':14} {'namidb ms':>10}"
        for e in engines[1:]:
            header += f" {e + ' ms':>11} {e + '/ours':>13}"
        print(header + "  same")
        for name in names:
            ours_t, ours_rows = results["namidb"][name]
            line = f"{name:14} {ours_t * 1000:10.1f}"
            verdicts = []
            for e in engines[1:]:
                t, rows = results[e][name]
                line += f" {t * 1000:11.1f} {t / ours_t:12.2f}x"
                verdicts.append(same(ours_rows, rows))
            note = f"  ({DIFFERENCES[name]})" if not all(verdicts) and name in DIFFERENCES else ""
            print(f"{line}  {'/'.join(map(str, verdicts))}   {QUERIES[name][0]}{note}")
            sys.stdout.flush()
        if "two_hop_all" in names:
            print("peak memory of two_hop_all, each engine in a fresh process:")
            for e in engines:
                r = child(e, data, ["two_hop_all"], 1, peak=True)
                rise = (r["peak"] - r["base"]) / 2**20
                print(f"  {e:8} {r['seconds'] * 1000:9.1f} ms  peak RSS {r['peak'] / 2**20:7.1f} MiB "
                      f"(+{rise:.1f} MiB over the open database)  answer {r['rows']}")


if __name__ == "__main__":
    main()
