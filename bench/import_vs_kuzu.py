"""Bulk import: `namidb import` against Kùzu's `COPY FROM` on the same CSV files, same run.

    python bench/import_vs_kuzu.py [--nodes N] [--rels M] [--ldbc DIR] [--repeat R]

Generates a synthetic social graph (N `Person` nodes with a name and an age, M `KNOWS`
relationships with a `since` year, uniform random endpoints) as CSV, then imports it into a
fresh file:// namespace with the release `namidb` binary (wall time of the whole process,
start-up included) and into a fresh Kùzu database (wall time of schema creation and the two
COPY statements, in process). With --ldbc it also imports the LDBC SNB Interactive v1 sample.
Prints rows/s for both and the ratio (ours / Kùzu; above 1 means we are faster). Best of R.
Dirty pages are synced before every timed run, so neither side pays for the other's write-back.
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/namidb/target"))
NAMIDB = os.path.join(TARGET, "release", "namidb")


def generate(directory, nodes, rels, seed=7):
    rng = random.Random(seed)
    people = os.path.join(directory, "person.csv")
    knows = os.path.join(directory, "knows.csv")
    with open(people, "w") as f:
        f.write("id:ID,name:STRING,age:INT\n")
        for i in range(nodes):
            f.write(f"{i},person{i},{18 + i % 60}\n")
    with open(knows, "w") as f:
        f.write(":START_ID,:END_ID,since:INT\n")
        for _ in range(rels):
            f.write(f"{rng.randrange(nodes)},{rng.randrange(nodes)},{rng.randrange(1990, 2024)}\n")
    return people, knows


def time_ours(args):
    best = None
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as d:
            os.sync()  # no write-back of earlier files (the generated CSVs) inside the timing
            started = time.perf_counter()
            subprocess.run([NAMIDB, "import", f"file://{d}/db?ns=bench", *args.files], check=True, stdout=subprocess.DEVNULL)
            elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best


def time_kuzu(statements):
    import kuzu  # here, not at the top: bench/ldbc_vs_kuzu.py imports this module beside LadybugDB

    best = None
    for _ in range(ARGS.repeat):
        with tempfile.TemporaryDirectory() as d:
            os.sync()
            started = time.perf_counter()
            db = kuzu.Database(os.path.join(d, "kuzu"))
            conn = kuzu.Connection(db)
            for s in statements:
                conn.execute(s)
            conn.close()
            db.close()
            elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best


def synthetic(args):
    with tempfile.TemporaryDirectory() as d:
        people, knows = generate(d, args.nodes, args.rels)
        ours = time_ours(argparse.Namespace(repeat=args.repeat, files=["--nodes", f"Person={people}", "--relationships", f"KNOWS={knows}"]))
        theirs = time_kuzu([
            "CREATE NODE TABLE Person(id INT64, name STRING, age INT64, PRIMARY KEY(id))",
            "CREATE REL TABLE KNOWS(FROM Person TO Person, since INT64)",
            f"COPY Person FROM '{people}' (header=true)",
            f"COPY KNOWS FROM '{knows}' (header=true)",
        ])
    report(f"synthetic {args.nodes:,} nodes + {args.rels:,} relationships", args.nodes + args.rels, ours, theirs)


# LDBC v1 sample: Kùzu tables per entity; relationship groups where a type joins several pairs.
LDBC_NODES = {
    "Organisation": ("static/organisation", "id INT64, type STRING, name STRING, url STRING"),
    "Place": ("static/place", "id INT64, name STRING, url STRING, type STRING"),
    "TagClass": ("static/tagclass", "id INT64, name STRING, url STRING"),
    "Tag": ("static/tag", "id INT64, name STRING, url STRING"),
    "Comment": ("dynamic/comment", "id INT64, creationDate INT64, locationIP STRING, browserUsed STRING, content STRING, length INT64"),
    "Forum": ("dynamic/forum", "id INT64, title STRING, creationDate INT64"),
    "Person": ("dynamic/person", "id INT64, firstName STRING, lastName STRING, gender STRING, birthday INT64, creationDate INT64, locationIP STRING, browserUsed STRING, speaks STRING, email STRING"),
    "Post": ("dynamic/post", "id INT64, imageFile STRING, creationDate INT64, locationIP STRING, browserUsed STRING, language STRING, content STRING, length INT64"),
}
LDBC_RELS = [
    ("static/tagclass_isSubclassOf_tagclass", "IS_SUBCLASS_OF", "TagClass", "TagClass", ""),
    ("static/tag_hasType_tagclass", "HAS_TYPE", "Tag", "TagClass", ""),
    ("static/organisation_isLocatedIn_place", "IS_LOCATED_IN", "Organisation", "Place", ""),
    ("static/place_isPartOf_place", "IS_PART_OF", "Place", "Place", ""),
    ("dynamic/comment_hasCreator_person", "HAS_CREATOR", "Comment", "Person", ""),
    ("dynamic/comment_hasTag_tag", "HAS_TAG", "Comment", "Tag", ""),
    ("dynamic/comment_isLocatedIn_place", "IS_LOCATED_IN", "Comment", "Place", ""),
    ("dynamic/comment_replyOf_comment", "REPLY_OF", "Comment", "Comment", ""),
    ("dynamic/comment_replyOf_post", "REPLY_OF", "Comment", "Post", ""),
    ("dynamic/forum_containerOf_post", "CONTAINER_OF", "Forum", "Post", ""),
    ("dynamic/forum_hasMember_person", "HAS_MEMBER", "Forum", "Person", "joinDate INT64"),
    ("dynamic/forum_hasModerator_person", "HAS_MODERATOR", "Forum", "Person", ""),
    ("dynamic/forum_hasTag_tag", "HAS_TAG", "Forum", "Tag", ""),
    ("dynamic/person_hasInterest_tag", "HAS_INTEREST", "Person", "Tag", ""),
    ("dynamic/person_isLocatedIn_place", "IS_LOCATED_IN", "Person", "Place", ""),
    ("dynamic/person_knows_person", "KNOWS", "Person", "Person", "creationDate INT64"),
    ("dynamic/person_likes_comment", "LIKES", "Person", "Comment", "creationDate INT64"),
    ("dynamic/person_likes_post", "LIKES", "Person", "Post", "creationDate INT64"),
    ("dynamic/person_studyAt_organisation", "STUDY_AT", "Person", "Organisation", "classYear INT64"),
    ("dynamic/person_workAt_organisation", "WORK_AT", "Person", "Organisation", "workFrom INT64"),
    ("dynamic/post_hasCreator_person", "HAS_CREATOR", "Post", "Person", ""),
    ("dynamic/post_hasTag_tag", "HAS_TAG", "Post", "Tag", ""),
    ("dynamic/post_isLocatedIn_place", "IS_LOCATED_IN", "Post", "Place", ""),
]


def kuzu_ldbc_statements(root):
    statements = []
    for table, (stem, columns) in LDBC_NODES.items():
        statements.append(f"CREATE NODE TABLE {table}({columns}, PRIMARY KEY(id))")
    groups = {}
    for _, rel, src, dst, props in LDBC_RELS:
        groups.setdefault(rel, ([], props))[0].append(f"FROM {src} TO {dst}")
    for rel, (pairs, props) in groups.items():
        statements.append(f"CREATE REL TABLE {rel}({', '.join(pairs)}{', ' + props if props else ''})")
    for table, (stem, _) in LDBC_NODES.items():
        statements.append(f"COPY {table} FROM '{root}/{stem}_0_0.csv' (header=true, delim='|')")
    for stem, rel, src, dst, _ in LDBC_RELS:
        options = "header=true, delim='|'"
        if len(groups[rel][0]) > 1:
            options += f", from='{src}', to='{dst}'"
        statements.append(f"COPY {rel} FROM '{root}/{stem}_0_0.csv' ({options})")
    return statements


def ldbc(args):
    root = os.path.join(args.ldbc, "interactive-v1-test-data", "vanilla")
    rows = 0
    for stem in [s for s, _ in LDBC_NODES.values()] + [r[0] for r in LDBC_RELS]:
        with open(f"{root}/{stem}_0_0.csv") as f:
            rows += sum(1 for _ in f) - 1
    ours = time_ours(argparse.Namespace(repeat=args.repeat, files=["--ldbc", root]))
    theirs = time_kuzu(kuzu_ldbc_statements(root))
    report("LDBC SNB Interactive v1 sample (31 files)", rows, ours, theirs)


def report(name, rows, ours, theirs):
    print(f"{name}: {rows:,} rows")
    print(f"  namidb import   {ours:8.3f} s  {rows / ours:12,.0f} rows/s")
    print(f"  kuzu COPY FROM  {theirs:8.3f} s  {rows / theirs:12,.0f} rows/s")
    print(f"  ratio (namidb / kuzu throughput): {theirs / ours:.2f}x")
    sys.stdout.flush()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=200_000)
    parser.add_argument("--rels", type=int, default=1_000_000)
    parser.add_argument("--ldbc", default=os.path.join(ROOT, "..", "shared", "ldbc"))
    parser.add_argument("--repeat", type=int, default=3)
    ARGS = parser.parse_args()
    if not os.path.exists(NAMIDB):
        sys.exit(f"{NAMIDB} is missing: cargo build --release -p namidb-cli")
    import kuzu

    print(f"kuzu {kuzu.__version__}; namidb {NAMIDB}")
    if os.path.isdir(ARGS.ldbc):
        ldbc(ARGS)
    synthetic(ARGS)
