MATCH (n:Person {id: $personId}) RETURN n.firstName
---
UNWIND $rows AS r MATCH (n:Person {id: r.id}) SET n.name = r.name
---
MATCH (n:Person {id: 42, name: 'x'})-[:KNOWS]->(m:Person {name: n.name}) RETURN m
---
MATCH (n {id: 1}) RETURN n
---
MATCH (n:Person) WHERE n.id = 1 RETURN n
---
MATCH (n:Person) WHERE n.id IN $ids RETURN n
---
MATCH (a:Person), (b:Person) WHERE (a.id = 1 AND b.id = 2) OR (a.id = 2 AND b.id = 1) RETURN a, b
---
MATCH (x:Person {id: 1})-[:KNOWS]-(r) WITH r RETURN [(a:Person)<-[:LIKES]-(b:Person) WHERE (a.id = r.id AND b.id = 5) OR (a.id = 5 AND b.id = r.id) | b.name] AS names
