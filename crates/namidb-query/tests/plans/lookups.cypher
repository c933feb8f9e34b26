MATCH (n:Person {id: $personId}) RETURN n.firstName
---
UNWIND $rows AS r MATCH (n:Person {id: r.id}) SET n.name = r.name
---
MATCH (n:Person {id: 42, name: 'x'})-[:KNOWS]->(m:Person {name: n.name}) RETURN m
---
MATCH (n {id: 1}) RETURN n
---
MATCH (n:Person) WHERE n.id = 1 RETURN n
