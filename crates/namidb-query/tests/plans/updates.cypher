CREATE (a:A {x: 1})-[:R]->(b:B) RETURN a, b
---
MERGE (n:Counter {id: 1}) ON CREATE SET n.n = 0 ON MATCH SET n.n = n.n + 1
---
MATCH (n) DETACH DELETE n
---
UNWIND [1, 2] AS i FOREACH (j IN [i] | CREATE (:X {j: j}))
