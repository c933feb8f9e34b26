"""Queries on data written through Cypher and not yet flushed, then the same after a flush:
shows whether the planner and the property lookups treat memtable data as well as SST data.

    python bench/unflushed.py [NODES] [RELATIONSHIPS]

Creates NODES `Person` nodes (id, age) and RELATIONSHIPS random `KNOWS` through `UNWIND`
statements on a fresh file:// namespace with background maintenance off (so nothing is flushed
behind the run), times each query (median of 5 warm runs) on the memtables, flushes, and times
them again. NamiDB only: the peers have no memtable to compare with.
"""

import random
import statistics
import sys
import tempfile
import time

import namidb as tg

QUERIES = {
    "scan_filter": "MATCH (p:Person) WHERE p.age > 60 RETURN count(*) AS n",
    "group_nodes": "MATCH (p:Person) RETURN p.age AS age, count(*) AS n ORDER BY age",
    "expand": "MATCH (a:Person)-[:KNOWS]->(b:Person) RETURN sum(b.age) AS s",
    "lookup": "MATCH (a:Person {id: 42}) RETURN a.age AS age",
    "parts_order": "MATCH (b:Person), (a:Person {id: 42})-[:KNOWS]->(b) RETURN sum(b.age) AS s",
    "join_expr": "MATCH (a:Person), (b:Person) WHERE a.age = 30 AND b.age = 31 "
                 "AND (a.id + 1) % 1000 = b.id % 1000 RETURN count(*) AS n",
}
BATCH = 20_000


def timed(client, query, runs=5):
    client.cypher(query)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        rows = client.cypher(query).tuples()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000, rows


def main():
    nodes = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rels = int(sys.argv[2]) if len(sys.argv) > 2 else 300_000
    with tempfile.TemporaryDirectory() as data:
        client = tg.Client(f"file://{data}?ns=bench", background=False)
        started = time.perf_counter()
        for first in range(0, nodes, BATCH):
            client.cypher("UNWIND range($s, $e) AS i CREATE (:Person {id: i, age: i % 60 + 10})",
                          {"s": first, "e": min(nodes, first + BATCH) - 1})
        rng = random.Random(1)
        for first in range(0, rels, BATCH):
            pairs = [[rng.randrange(nodes), rng.randrange(nodes)] for _ in range(min(BATCH, rels - first))]
            client.cypher("UNWIND $p AS p MATCH (a:Person {id: p[0]}), (b:Person {id: p[1]}) "
                          "CREATE (a)-[:KNOWS]->(b)", {"p": pairs})
        print(f"{nodes} nodes, {rels} relationships created in {time.perf_counter() - started:.1f} s")
        print(f"{'query':14} {'unflushed ms':>13} {'flushed ms':>11}")
        unflushed = {name: timed(client, q) for name, q in QUERIES.items()}
        client.flush()
        for name, query in QUERIES.items():
            ms, rows = timed(client, query)
            same = "" if rows == unflushed[name][1] else "  ANSWERS DIFFER"
            print(f"{name:14} {unflushed[name][0]:13.2f} {ms:11.2f}{same}")


if __name__ == "__main__":
    main()
