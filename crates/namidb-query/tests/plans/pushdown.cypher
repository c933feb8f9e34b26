MATCH (a:Person)-[:KNOWS]->(b:Person) WHERE a.age > 30 AND b.age < 20 AND $flag RETURN b
---
MATCH (a:Person) OPTIONAL MATCH (a)-[:KNOWS]->(b) WITH a, b WHERE a.age > 30 AND b IS NULL RETURN a
---
MATCH (a:Person) WITH a ORDER BY a.name LIMIT 3 WHERE a.age > 1 RETURN a
---
MATCH (a:Person)-[:KNOWS]->(b) WITH a, count(b) AS n WHERE a.age > 1 AND n > 2 RETURN a
---
MATCH (a:Person)-[:KNOWS]->(b) WHERE exists((b)-[:KNOWS]->(a)) AND a.age > 1 RETURN a
