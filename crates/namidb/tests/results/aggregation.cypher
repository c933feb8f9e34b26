MATCH (n:P) RETURN count(*) AS rows, count(n.age) AS ages, sum(n.age) AS sum, avg(n.age) AS avg, min(n.age) AS min, max(n.age) AS max
---
MATCH (n:P) RETURN collect(n.age) AS ages, collect(DISTINCT n.name) AS names
---
MATCH (n:Nope) RETURN count(*) AS rows, count(n.x) AS xs, sum(n.x) AS sum, avg(n.x) AS avg, min(n.x) AS min, max(n.x) AS max, collect(n.x) AS all
---
MATCH (n:Nope) RETURN n.x AS key, count(*) AS rows
---
MATCH (n:P) RETURN n.name AS name, count(*) AS rows, sum(n.age) AS sum
---
MATCH (n) RETURN labels(n) AS labels, count(*) AS rows
---
MATCH (a:P)-[k:K]->(b) RETURN a.id AS a, count(k.w) AS weighted, sum(k.w) AS total, collect(b.id) AS targets
---
MATCH (a:P)-[:K]->()-[:K]->(c) RETURN count(*) AS paths
---
MATCH (a:P)-[:K]->()-[:K]->(c) RETURN a.id AS a, count(*) AS paths
---
UNWIND [1, 2, null, 2.5] AS x RETURN sum(x) AS sum, avg(x) AS avg, min(x) AS min, max(x) AS max, count(x) AS n
---
UNWIND [9223372036854775807, 1] AS x RETURN sum(x) AS sum
---
UNWIND ['a', 1] AS x RETURN min(x) AS min, max(x) AS max
---
MATCH (n:P) WITH n.age AS age, count(*) AS rows WHERE rows > 1 RETURN age, rows
