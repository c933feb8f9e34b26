MATCH (a:Person)-[:KNOWS]->(b:Person) WHERE b.age > 30 RETURN a.name, b.name
---
MATCH (a)-[r]-(a) RETURN r
---
MATCH (a:A) MATCH (a)<-[:R]-(b) RETURN b
---
MATCH (a:A) OPTIONAL MATCH (a)-[:R*1..3]->(c) RETURN a, collect(c) AS cs
---
MATCH p = (a {id: 1})-[:R]->()-[:S]->(c) RETURN p
---
MATCH (a:Person {id: 1}), (b:Person {id: 2}) MATCH p = shortestPath((a)-[:KNOWS*]-(b)) RETURN length(p)
---
MATCH (a:Person {id: 1}), (b:Person {id: 2}) OPTIONAL MATCH p = allShortestPaths((a)-[r:KNOWS*0..4]->(b)) RETURN p, r
