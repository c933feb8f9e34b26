MATCH (n:Person {name: 'Ann'})-[:KNOWS]->(m) WHERE m.age > 30 RETURN n, m.name AS name
---
OPTIONAL MATCH (a)-[r]-(b) RETURN DISTINCT a, count(r) ORDER BY a.name DESC SKIP 1 LIMIT 10
---
MATCH (n) WITH n, n.x AS x WHERE x IS NOT NULL RETURN *
---
UNWIND [1, 2, 3] AS x RETURN x
---
RETURN 1 AS a UNION RETURN 2 AS a
---
RETURN 1 AS a UNION ALL RETURN 2 AS a
---
MATCH (n) CALL { WITH n MATCH (n)-->(m) RETURN count(m) AS degree } RETURN n, degree
---
CALL db.labels() YIELD label AS l WHERE l STARTS WITH 'P' RETURN l
---
CALL test.doNothing
---
CREATE (a:A {x: 1})-[:R {w: 2.5}]->(b:B), (c)
---
MATCH (a:A) MERGE (a)-[r:R]->(b:B {k: 1}) ON CREATE SET b.created = true ON MATCH SET b.seen = b.seen + 1
---
MATCH (n) SET n.x = 1, n += {y: 2}, n:Tagged:Other
---
MATCH (n) SET n = {z: 3} REMOVE n.x, n:Tagged
---
MATCH (n)-[r]->() DELETE r
---
MATCH (n) DETACH DELETE n
---
UNWIND [1, 2] AS i FOREACH (x IN range(1, i) | CREATE (:N {v: x}))
---
EXPLAIN MATCH (n) RETURN n
---
PROFILE MATCH (n) RETURN n
---
CREATE INDEX person_name IF NOT EXISTS FOR (p:Person) ON (p.name)
---
CREATE INDEX ON :Person(name)
---
DROP INDEX person_name IF EXISTS
---
CREATE CONSTRAINT person_id FOR (p:Person) REQUIRE p.id IS UNIQUE
---
DROP CONSTRAINT person_id
---
MATCH (n) RETURN n; MATCH (m) RETURN m
