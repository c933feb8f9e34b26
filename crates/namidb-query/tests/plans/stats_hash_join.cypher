MATCH (a:Person), (t:Tag) WHERE toLower(a.name) = toLower(t.name) RETURN a, t
---
MATCH (a:Person), (b:Person)-[:KNOWS]->(c) WHERE a.age = c.age + 1 AND a.id < b.id AND c.age > 50 RETURN count(*)
---
MATCH (a:Person), (b:Person) WHERE a.age = b.id RETURN a, b
---
MATCH (a:Person), (b:Person) WHERE a.age < b.age RETURN a, b
---
CREATE (n:Person {id: 1}) WITH n MATCH (m:Person) WHERE m.age + 1 = n.age RETURN m
---
MATCH (a:Person), (b:Person) WHERE a.age = b.age + 1 RETURN a.age, count(*)
