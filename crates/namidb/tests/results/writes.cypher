CREATE (n:New {x: null, y: 1}) RETURN keys(n) AS keys, n.x AS x
---
MERGE (n:P {id: 2}) ON MATCH SET n.seen = true ON CREATE SET n.made = true RETURN n.id AS id, n.seen AS seen, n.made AS made
---
MERGE (n:P {id: 9}) ON MATCH SET n.seen = true ON CREATE SET n.made = true RETURN n.id AS id, n.seen AS seen, n.made AS made
---
MERGE (n:P {id: null}) RETURN n
---
MATCH (n:Nope) MERGE (m:Made {from: n.id}) RETURN count(*) AS rows
---
MATCH (n:P {id: 3}) SET n.age = null RETURN n.age AS age, keys(n) AS keys
---
MATCH (n:P {id: 1}) SET n += {age: null, extra: 'e'} RETURN n.age AS age, n.extra AS extra
---
MATCH (n:Nope) SET n.x = 1 RETURN count(*) AS rows
---
MATCH (n:P {id: 1}) REMOVE n.name, n:P RETURN labels(n) AS labels, n.name AS name
---
MATCH (n:P {id: 2}) DELETE n
---
MATCH (n:Q) DELETE n RETURN count(*) AS deleted
---
MATCH (n:P {id: 2}) DETACH DELETE n WITH count(*) AS gone MATCH (m:P) RETURN gone, count(m) AS left
---
MATCH (n:Nope) DETACH DELETE n RETURN count(*) AS rows
---
OPTIONAL MATCH (n:Nope) DELETE n RETURN n
---
FOREACH (x IN [] | CREATE (:F {x: x})) WITH 1 AS one MATCH (f:F) RETURN count(f) AS made
---
FOREACH (x IN null | CREATE (:F {x: x})) WITH 1 AS one MATCH (f:F) RETURN count(f) AS made
---
FOREACH (x IN [1, null, 2] | CREATE (:F {x: x})) WITH 1 AS one MATCH (f:F) RETURN f.x AS x
---
MATCH (a:P {id: 1}), (b:Q) CREATE (a)-[r:R {w: null}]->(b) RETURN type(r) AS type, keys(r) AS keys
---
CREATE (n:New {x: 1}) WITH n MATCH (m:New) RETURN count(m) AS seen
---
UNWIND [1, 2] AS i CREATE (n:Bad {x: 1 / (i - 2)}) RETURN n
