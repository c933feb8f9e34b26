RETURN 1 + 2 * 3 - 4 / 5 % 6 ^ 7 AS x
---
RETURN -2 ^ 2, NOT true OR false AND true XOR false
---
RETURN 1 < 2 <= 3, 'a' STARTS WITH 'b', 'a' ENDS WITH 'b', 'a' CONTAINS 'b', 'a' =~ 'a.*', 1 IN [1]
---
RETURN null IS NULL, 1 IS NOT NULL, [1, 2][0], [1, 2, 3][1..], [1, 2, 3][..2], {a: 1}.a
---
RETURN 0x1F, 0o17, 017, 1.5e3, .5, 1e-3, 'it\'s', "double \"quoted\"", '\u00e9\n\t'
---
RETURN -9223372036854775808 AS min
---
RETURN CASE WHEN 1 > 2 THEN 'a' WHEN 2 > 1 THEN 'b' ELSE 'c' END, CASE 1 WHEN 1 THEN 'one' END
---
RETURN [x IN range(1, 10) WHERE x % 2 = 0 | x * x] AS squares, [x IN [1, 2]] AS copy
---
MATCH (a) RETURN [(a)-->(b:B) WHERE b.x > 1 | b.name] AS names
---
MATCH (n) RETURN n {.name, .*, age: n.age + 1, n} AS map
---
RETURN reduce(acc = 0, x IN [1, 2, 3] | acc + x) AS total
---
RETURN all(x IN [1] WHERE x > 0), any(x IN [1] WHERE x > 0), none(x IN [1] WHERE x > 0), single(x IN [1] WHERE x > 0)
---
MATCH (a) WHERE (a)-->() AND NOT (a)<--(:B) RETURN a
---
MATCH (a) WHERE exists((a)-->()) RETURN a
---
MATCH (a) WHERE EXISTS { MATCH (a)-->(b) WHERE b.x = 1 } RETURN a
---
MATCH (a) WHERE EXISTS { (a)-->(:B) } RETURN COUNT { (a)-->() } AS degree
---
MATCH (a) RETURN COLLECT { MATCH (a)-->(b) RETURN b.name } AS names
---
MATCH (a) RETURN count(*), count(DISTINCT a), collect(a.name), percentileCont(a.x, 0.5)
---
RETURN $param, $0, date('2020-01-01'), duration.between(date(), date())
---
MATCH (n) WHERE n:A:B OR n:C RETURN n
---
// a comment
RETURN /* inline */ 1 AS one
