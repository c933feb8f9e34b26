MATCH (a:Person)-[:KNOWS]->(b:Person {id: 42}) RETURN a
---
MATCH (a:Person)-[:HAS_TAG]->(t:Tag) WHERE t.name = $name RETURN a
---
MATCH (a)-[:KNOWS]->(b:Person) RETURN count(*)
---
MATCH (a:Person {id: 1})-[:KNOWS]->(b:Person {id: 2}) RETURN b
---
MATCH (t:Tag)<-[:HAS_TAG]-(p:Person)-[:KNOWS]->(f:Person {id: $id}) RETURN t
---
MATCH (a:Person)-[r:KNOWS*1..2]->(b:Person {id: 1}) RETURN r
---
MATCH (a:Person)-[:KNOWS]->(b:Person {id: a.id}) RETURN b
---
MATCH (p:Person) WHERE p.age > 75 RETURN p
---
MATCH (p:Person)-[:KNOWS]->(f:Person) WHERE f.age < 10 RETURN p, count(f) AS n ORDER BY n DESC LIMIT 5
---
MATCH (p:Person {id: 7}) OPTIONAL MATCH (p)-[:HAS_TAG]->(t:Tag) RETURN t.name
