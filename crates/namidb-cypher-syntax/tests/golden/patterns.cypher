MATCH (a)-->(b)<--(c)--(d) RETURN a
---
MATCH (a)<-[r:R|S]->(b) RETURN r
---
MATCH (a:A:B), (c:A|B), (d:A&B), (e:!A), (f:%) RETURN a, c, d, e, f
---
MATCH (a)-[*]->(b), (a)-[*2]->(c), (a)-[*1..3]->(d), (a)-[*..5]->(e), (a)-[*0..]->(f) RETURN b
---
MATCH p = (a)-[:KNOWS*1..2]-(b) RETURN p, length(p)
---
MATCH p = shortestPath((a:Person)-[:KNOWS*]-(b:Person)) RETURN p
---
MATCH p = allShortestPaths((a)-[*..10]->(b)) RETURN nodes(p)
---
MATCH (a WHERE a.x > 1)-[r:R WHERE r.w < 2]->(b) RETURN a
---
MATCH (n:`Odd Label` {`odd key`: 1}) RETURN n.`odd key`
