"""Warm latency of LDBC SNB Interactive v1 queries: NamiDB (the Neo4j texts, unchanged) against
Kùzu 0.11.3 (the same queries in Kùzu's dialect), on the v1 test data, same process, same run.

    python bench/ldbc_vs_kuzu.py [--ldbc DIR] [--runs N]

NamiDB: the data is imported with the release `namidb` binary into a file:// namespace and
queried through the `namidb` Python package (build it with NAMIDB_PY_PROFILE=release
scripts/python-env.sh for meaningful numbers). Kùzu: one node table per entity, relationship
table groups where a type joins several pairs, loaded with COPY FROM (bench/import_vs_kuzu.py).
Each query runs once to warm up, then N times; the median is reported with the ratio
(Kùzu time / NamiDB time: above 1 means NamiDB is faster). Both engines' rows are compared.

Kùzu has no multi-labels, so `:Message` is `:Post:Comment` (either table), `:City` is a
`Place` whose `type` column is `city` and so on; shortest paths use `* SHORTEST`. Queries
whose v1 text leans on features Kùzu lacks (pattern comprehensions, `allShortestPaths`, map
projections) are not translated yet: IC1, IC3–IC7, IC10, IC12, IC14.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import kuzu

import namidb as tg

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from import_vs_kuzu import NAMIDB, ROOT, kuzu_ldbc_statements  # noqa: E402

KUZU = {
    "IS1": """MATCH (n:Person {id: $personId})-[:IS_LOCATED_IN]->(p:Place) WHERE lower(p.type) = 'city'
        RETURN n.firstName AS firstName, n.lastName AS lastName, n.birthday AS birthday,
               n.locationIP AS locationIP, n.browserUsed AS browserUsed, p.id AS cityId,
               n.gender AS gender, n.creationDate AS creationDate""",
    "IS2": """MATCH (:Person {id: $personId})<-[:HAS_CREATOR]-(message:Post:Comment)
        WITH message, message.id AS messageId, message.creationDate AS messageCreationDate
        ORDER BY messageCreationDate DESC, messageId ASC LIMIT 10
        MATCH (message)-[:REPLY_OF*0..30]->(post:Post), (post)-[:HAS_CREATOR]->(person:Person)
        RETURN messageId, coalesce(message.imageFile, message.content) AS messageContent,
               messageCreationDate, post.id AS postId, person.id AS personId,
               person.firstName AS personFirstName, person.lastName AS personLastName
        ORDER BY messageCreationDate DESC, messageId ASC""",
    "IS3": """MATCH (n:Person {id: $personId})-[r:KNOWS]-(friend:Person)
        RETURN friend.id AS personId, friend.firstName AS firstName, friend.lastName AS lastName,
               r.creationDate AS friendshipCreationDate
        ORDER BY friendshipCreationDate DESC, personId ASC""",
    "IS4": """MATCH (m:Post:Comment {id: $messageId})
        RETURN m.creationDate AS messageCreationDate, coalesce(m.content, m.imageFile) AS messageContent""",
    "IS5": """MATCH (m:Post:Comment {id: $messageId})-[:HAS_CREATOR]->(p:Person)
        RETURN p.id AS personId, p.firstName AS firstName, p.lastName AS lastName""",
    "IS6": """MATCH (m:Post:Comment {id: $messageId})-[:REPLY_OF*0..30]->(p:Post)<-[:CONTAINER_OF]-(f:Forum)-[:HAS_MODERATOR]->(mod:Person)
        RETURN f.id AS forumId, f.title AS forumTitle, mod.id AS moderatorId,
               mod.firstName AS moderatorFirstName, mod.lastName AS moderatorLastName""",
    "IS7": """MATCH (m:Post:Comment {id: $messageId})<-[:REPLY_OF]-(c:Comment)-[:HAS_CREATOR]->(p:Person)
        OPTIONAL MATCH (m)-[:HAS_CREATOR]->(a:Person)-[r:KNOWS]-(p)
        RETURN c.id AS commentId, c.content AS commentContent, c.creationDate AS commentCreationDate,
               p.id AS replyAuthorId, p.firstName AS replyAuthorFirstName, p.lastName AS replyAuthorLastName,
               CASE WHEN r IS NULL THEN false ELSE true END AS replyAuthorKnowsOriginalMessageAuthor
        ORDER BY commentCreationDate DESC, replyAuthorId""",
    "IC2": """MATCH (:Person {id: $personId})-[:KNOWS]-(friend:Person)<-[:HAS_CREATOR]-(message:Post:Comment)
        WHERE message.creationDate <= $maxDate
        RETURN friend.id AS personId, friend.firstName AS personFirstName, friend.lastName AS personLastName,
               message.id AS postOrCommentId, coalesce(message.content, message.imageFile) AS postOrCommentContent,
               message.creationDate AS postOrCommentCreationDate
        ORDER BY postOrCommentCreationDate DESC, postOrCommentId ASC LIMIT 20""",
    "IC8": """MATCH (start:Person {id: $personId})<-[:HAS_CREATOR]-(:Post:Comment)<-[:REPLY_OF]-(comment:Comment)-[:HAS_CREATOR]->(person:Person)
        RETURN person.id AS personId, person.firstName AS personFirstName, person.lastName AS personLastName,
               comment.creationDate AS commentCreationDate, comment.id AS commentId, comment.content AS commentContent
        ORDER BY commentCreationDate DESC, commentId ASC LIMIT 20""",
    "IC9": """MATCH (root:Person {id: $personId})-[:KNOWS*1..2]-(friend:Person)
        WHERE friend.id <> root.id
        WITH DISTINCT friend
        MATCH (friend)<-[:HAS_CREATOR]-(message:Post:Comment)
        WHERE message.creationDate < $maxDate
        RETURN friend.id AS personId, friend.firstName AS personFirstName, friend.lastName AS personLastName,
               message.id AS commentOrPostId, coalesce(message.content, message.imageFile) AS commentOrPostContent,
               message.creationDate AS commentOrPostCreationDate
        ORDER BY commentOrPostCreationDate DESC, commentOrPostId ASC LIMIT 20""",
    "IC11": """MATCH (person:Person {id: $personId})-[:KNOWS*1..2]-(friend:Person)
        WHERE person.id <> friend.id
        WITH DISTINCT friend
        MATCH (friend)-[workAt:WORK_AT]->(company:Organisation)-[:IS_LOCATED_IN]->(country:Place)
        WHERE lower(company.type) = 'company' AND lower(country.type) = 'country' AND country.name = $countryName
          AND workAt.workFrom < $workFromYear
        RETURN friend.id AS personId, friend.firstName AS personFirstName, friend.lastName AS personLastName,
               company.name AS organizationName, workAt.workFrom AS organizationWorkFromYear
        ORDER BY organizationWorkFromYear ASC, personId ASC, organizationName DESC LIMIT 10""",
    "IC13": """MATCH (person1:Person {id: $person1Id}), (person2:Person {id: $person2Id})
        OPTIONAL MATCH path = (person1)-[:KNOWS* SHORTEST 1..30]-(person2)
        RETURN CASE WHEN path IS NULL THEN -1 ELSE length(path) END AS shortestPathLength""",
}

# Where the engines' rows differ by design.
DIFFERENCES = {
    # The v1 text writes `CASE r WHEN null THEN false ELSE true END`: a simple CASE compares
    # with `=`, and `r = null` is null, so openCypher (and NamiDB) always take ELSE (true).
    # The Kùzu translation says what the text means, `CASE WHEN r IS NULL …`.
    "IS7": "v1 text's `CASE r WHEN null` is never true in openCypher",
}

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
    return {k: parse_scalar(v) for k, v in zip(header, values)}


def timed(run, runs):
    run()  # warm up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        rows = run()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ldbc", default=os.path.join(ROOT, "..", "shared", "ldbc"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    data = os.path.join(args.ldbc, "interactive-v1-test-data", "vanilla")
    with tempfile.TemporaryDirectory() as d:
        uri = f"file://{d}/namidb?ns=ldbc"
        subprocess.run([NAMIDB, "import", uri, "--ldbc", data], check=True, stdout=subprocess.DEVNULL)
        ours = tg.Client(uri)
        kdb = kuzu.Database(os.path.join(d, "kuzu"))
        conn = kuzu.Connection(kdb)
        for statement in kuzu_ldbc_statements(data):
            conn.execute(statement)
        print(f"{'query':6} {'namidb ms':>10} {'kuzu ms':>10} {'kuzu/namidb':>12}  rows  same rows")
        for name in KUZU:
            text, comment = neo4j_text(args.ldbc, name)
            p = params(args.ldbc, name, comment)
            ours_t, ours_rows = timed(lambda: ours.cypher(text, p).tuples(), args.runs)
            kuzu_t, kuzu_rows = timed(lambda: conn.execute(KUZU[name], p).get_all(), args.runs)
            same = [tuple(r) for r in ours_rows] == [tuple(r) for r in kuzu_rows]
            note = f"  ({DIFFERENCES[name]})" if not same and name in DIFFERENCES else ""
            print(f"{name:6} {ours_t * 1000:10.2f} {kuzu_t * 1000:10.2f} {kuzu_t / ours_t:11.2f}x  {len(ours_rows):4}  {same}{note}")
            sys.stdout.flush()
        ours.close()


if __name__ == "__main__":
    main()
