MATCH (n:P) RETURN n.id AS id, n.name AS name, n.age AS age ORDER BY id
---
MATCH (n:Nope) RETURN n
---
MATCH (n) RETURN count(n) AS nodes, count(n.age) AS aged
---
MATCH (n) WHERE id(n) = -1 RETURN n
---
MATCH (n:P {id: 2}) RETURN n.name AS name
---
MATCH (n:P {id: null}) RETURN n
---
MATCH (n:P {name: 'zz'}) RETURN n
---
UNWIND [1, null, 9, 3] AS i OPTIONAL MATCH (n:P {id: i}) RETURN i, n.id AS found
---
MATCH (n:P) WHERE n.name IN ['b', null] RETURN n.id AS id
---
MATCH (a:P)-[k:K]->(b) RETURN a.id AS a, b.id AS b, k.w AS w
---
MATCH (a:Q)-[:K]->(b) RETURN b
---
MATCH (a)-[:K]-(b) WHERE a.id = 1 RETURN b.id AS b
---
MATCH (a:P {id: 1})-[:K*1..2]->(b) RETURN b.id AS b
---
MATCH (a:P {id: 1})-[:K*0..0]->(b) RETURN b.id AS b
---
MATCH (a:Nope)-[:K*]->(b) RETURN b
---
MATCH p = shortestPath((a:P {id: 1})-[:K*]-(d:Q)) RETURN length(p) AS hops
---
MATCH p = shortestPath((a:P {id: 1})-[:K|L*]-(d:Q)) RETURN length(p) AS hops
---
MATCH (n:P) WHERE n.age > 35 RETURN n.id AS id
---
MATCH (n:P) WHERE NOT (n.age > 35) RETURN n.id AS id
---
MATCH (n:P) WHERE n.age IS NULL RETURN n.id AS id
---
MATCH (n:P) RETURN n.id AS id, n.age + 1 AS next, n.score * 2 AS double, n.name + '!' AS shout ORDER BY id
---
MATCH (n:P) RETURN DISTINCT n.name AS name
---
MATCH (n:P) RETURN n.age AS age ORDER BY age
---
MATCH (n:P) RETURN n.age AS age ORDER BY age DESC
---
MATCH (n:P) RETURN n.id AS id ORDER BY n.age, id LIMIT 2
---
MATCH (n:P) RETURN n.id AS id ORDER BY id SKIP 1 LIMIT 1
---
MATCH (n:P) RETURN n.id AS id LIMIT 0
---
MATCH (n:Nope) RETURN n.id AS id ORDER BY id SKIP 1 LIMIT 3
---
MATCH (n:P) OPTIONAL MATCH (n)-[:L]->(m) RETURN n.id AS n, m.id AS m
---
OPTIONAL MATCH (x:Nope) RETURN x
---
MATCH (x:Nope) OPTIONAL MATCH (x)-[:K]->(y) RETURN x, y
---
UNWIND [] AS x RETURN x
---
UNWIND null AS x RETURN x
---
UNWIND [1, null, [2]] AS x RETURN x
---
MATCH (n:P) RETURN n.name AS v UNION MATCH (n:Q) RETURN n.name AS v
---
MATCH (n:P) RETURN n.name AS v UNION ALL MATCH (n:Q) RETURN n.name AS v
---
MATCH (n:Nope) RETURN n.id AS v UNION MATCH (n:Nope) RETURN n.id AS v
---
MATCH (a:P), (b:Q) WHERE a.name = b.name RETURN a.id AS a, b.id AS b
---
MATCH (a:P), (b:P) WHERE a.age = b.age RETURN a.id AS a, b.id AS b
---
MATCH (a:P), (b:Nope) RETURN a, b
---
MATCH (n:P) WHERE (n)-[:L]->() RETURN n.id AS id
---
MATCH (n:P) WHERE NOT (n)-[:K]->(:Q) RETURN n.id AS id
---
MATCH (n) WHERE EXISTS { (n)-[k:K]->() WHERE k.w IS NULL } RETURN n.id AS id
---
MATCH (n:P) RETURN n.id AS id, COUNT { (n)-[:K]->() } AS out ORDER BY id
---
MATCH (n:P) CALL { WITH n MATCH (n)-[:K]->(m) RETURN count(m) AS c } RETURN n.id AS id, c ORDER BY id
---
MATCH (n:P) CALL { WITH n MATCH (n)-[:L]->(m) RETURN m } RETURN n.id AS id, m.id AS m
---
MATCH (n) WITH n.age AS age WHERE age IS NOT NULL RETURN age
