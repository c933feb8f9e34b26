UNWIND [1, 2, 3] AS x WITH x WHERE x > 1 RETURN x ORDER BY x DESC LIMIT 1
---
MATCH (n:L) RETURN n.k AS k, count(*) AS c, count(*) + 1 AS d ORDER BY c
---
MATCH (n) RETURN DISTINCT labels(n) AS l
---
RETURN 1 AS x UNION RETURN 2 AS x
---
MATCH (n) WHERE EXISTS { (n)-->() } RETURN [(n)-->(m) | m.name] AS names
---
MATCH (a:Person)-[r:KNOWS]->(b) RETURN a.name AS n, coalesce(b.bio, b.note) AS bio, r.since AS s, a.age / b.age AS q ORDER BY b.age DESC, s SKIP 2 LIMIT 3
---
UNWIND $rows AS x MATCH (a:Person {id: x.id}) RETURN x.name AS n, a.name AS m ORDER BY a.age LIMIT 3
