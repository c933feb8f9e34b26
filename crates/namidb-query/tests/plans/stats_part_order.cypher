MATCH (a:Person), (b:Person {id: 1})-[:KNOWS]->(a) RETURN a
---
MATCH (t:Tag), (p:Person {id: 3}) RETURN t, p
---
MATCH (a:Person)-[:KNOWS]->(b:Person), (b)-[:HAS_TAG]->(t:Tag {name: $n}) RETURN a
---
MATCH (a:Person), (b:Person) WHERE b.id = 5 AND a.age = b.age RETURN a
---
MATCH (a:Person {id: 1}), (b:Person {id: 2}) RETURN a, b
---
MATCH (p:Person {id: 1}) MATCH (x:Person), (p)-[:KNOWS]->(x) RETURN x
---
MATCH (a:Person), (b:Tag), (c:Person {id: 1}), (d:Tag {name: 'x'}), (e:Person {id: 2})-[:KNOWS]->(a) RETURN a, b
---
MATCH (p:Person {id: 1}) OPTIONAL MATCH (t:Tag), (p)-[:HAS_TAG]->(t) RETURN t
---
MATCH (a:Person) WHERE EXISTS { MATCH (t:Tag), (a)-[:HAS_TAG]->(t) } RETURN a
---
MATCH (t:Tag) MATCH (p:Person {id: 3})-[:HAS_TAG]->(t) RETURN p
---
MATCH (a:Person)-[r:KNOWS]->(b) MATCH (c:Person {id: 1})-[s:KNOWS]->(d) WHERE d.age = 3 RETURN a
---
MATCH (a:Person) WITH * MATCH (b:Person {id: 1})-[:KNOWS]->(a) RETURN a
