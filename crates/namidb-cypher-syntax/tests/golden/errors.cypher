MATCH (n) RETURN m
---
MATCH (n RETURN n
---
RETURN 1 +
---
RETURN 9223372036854775808
---
RETURN 0x
---
RETURN 42 — 41
---
MATCH ()-[r]-() MATCH (r) RETURN r
---
MATCH ()-[r]-()-[r]-() RETURN r
---
WITH 1 AS x UNWIND [1] AS x RETURN x
---
MATCH (a) MERGE (a)
---
CREATE ()-[:A|B]->()
---
CREATE ()-[:R*2]->()
---
CREATE ()-[:R]-()
---
MATCH (n $props) RETURN n
---
MATCH (n) WHERE count(n) > 1 RETURN n
---
RETURN count(count(*))
---
RETURN count(rand())
---
MATCH (a)--(b) RETURN a.x + count(b)
---
MATCH (n) WITH n.x AS x ORDER BY count(n) RETURN x
---
MATCH (n) WITH n.x AS x, count(*) AS c ORDER BY n.y RETURN x
---
RETURN 1 AS a, 2 AS a
---
MATCH (n) WITH n.x RETURN 1
---
RETURN 1 AS a UNION RETURN 2 AS b
---
RETURN 1 AS a UNION RETURN 2 AS a UNION ALL RETURN 3 AS a
---
RETURN foo(1)
---
RETURN size(1, 2)
---
RETURN NOT 1
---
RETURN 'a' % 2
---
WITH 1 AS x RETURN x.prop
---
MATCH p = ()-->() RETURN labels(p)
---
MATCH (n) WHERE (n)-[r]->(m) RETURN n
---
MATCH (n) WHERE exists { MATCH (n)-->(m) SET m.x = 1 } RETURN n
---
MATCH ()-[r]-() DELETE r:T
---
MATCH (n)-[:R..2]->() RETURN n
---
RETURN *
---
MATCH (n) RETURN n SKIP n.x
---
MATCH (n) RETURN (n)-->()
