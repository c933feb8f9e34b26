"""The LDBC SNB Interactive v1 read queries (IS1–IS7, IC1–IC14) in Kùzu's dialect, which
LadybugDB shares, and how their rows are compared with NamiDB's answers to the Neo4j texts.

The translations keep each query's meaning; what Kùzu lacks is rewritten:
- no multi-labels: `:Message` is `:Post:Comment` (either table), `:City` is a `Place` whose
  `type` is `city`, `:Company`/`:University` are `Organisation`s by `type`;
- no node or list membership of nodes (`n IN list`, `collect(n)` then `IN`): ids are collected
  and tested with `list_contains`; node equality is id equality;
- no pattern predicates or pattern comprehensions: `EXISTS { MATCH … }` and counting
  OPTIONAL MATCHes (IC7, IC10, IC14);
- no chained comparisons (`a < b <= c`); no `head`; `ORDER BY` in `WITH` needs `SKIP`;
- `shortestPath`/`allShortestPaths` are `* SHORTEST` / `* ALL SHORTEST`; IC14's weights
  count the reply patterns between each consecutive pair of path nodes;
- lists must be homogeneous: IC1's `[name, year, city]` triples carry the year as a string;
- email and language lists are `;`-joined strings in the CSV, split with `string_split`.
"""

from decimal import Decimal

KUZU = {
    "IS1": """MATCH (n:Person {id: $personId})-[:IS_LOCATED_IN]->(p:Place) WHERE lower(p.type) = 'city'
        RETURN n.firstName AS firstName, n.lastName AS lastName, n.birthday AS birthday,
               n.locationIP AS locationIP, n.browserUsed AS browserUsed, p.id AS cityId,
               n.gender AS gender, n.creationDate AS creationDate""",
    "IS2": """MATCH (:Person {id: $personId})<-[:HAS_CREATOR]-(message:Post:Comment)
        WITH message, message.id AS messageId, message.creationDate AS messageCreationDate
        ORDER BY messageCreationDate DESC, messageId ASC LIMIT 10
        MATCH (message)-[:REPLY_OF*0..30]->(post:Post), (post)-[:HAS_CREATOR]->(person:Person)
        RETURN messageId, coalesce(message.imageFile, message.content) AS messageContent,
               messageCreationDate, post.id AS postId, person.id AS personId,
               person.firstName AS personFirstName, person.lastName AS personLastName
        ORDER BY messageCreationDate DESC, messageId ASC""",
    "IS3": """MATCH (n:Person {id: $personId})-[r:KNOWS]-(friend:Person)
        RETURN friend.id AS personId, friend.firstName AS firstName, friend.lastName AS lastName,
               r.creationDate AS friendshipCreationDate
        ORDER BY friendshipCreationDate DESC, personId ASC""",
    "IS4": """MATCH (m:Post:Comment {id: $messageId})
        RETURN m.creationDate AS messageCreationDate, coalesce(m.content, m.imageFile) AS messageContent""",
    "IS5": """MATCH (m:Post:Comment {id: $messageId})-[:HAS_CREATOR]->(p:Person)
        RETURN p.id AS personId, p.firstName AS firstName, p.lastName AS lastName""",
    "IS6": """MATCH (m:Post:Comment {id: $messageId})-[:REPLY_OF*0..30]->(p:Post)<-[:CONTAINER_OF]-(f:Forum)-[:HAS_MODERATOR]->(mod:Person)
        RETURN f.id AS forumId, f.title AS forumTitle, mod.id AS moderatorId,
               mod.firstName AS moderatorFirstName, mod.lastName AS moderatorLastName""",
    "IS7": """MATCH (m:Post:Comment {id: $messageId})<-[:REPLY_OF]-(c:Comment)-[:HAS_CREATOR]->(p:Person)
        OPTIONAL MATCH (m)-[:HAS_CREATOR]->(a:Person)-[r:KNOWS]-(p)
        RETURN c.id AS commentId, c.content AS commentContent, c.creationDate AS commentCreationDate,
               p.id AS replyAuthorId, p.firstName AS replyAuthorFirstName, p.lastName AS replyAuthorLastName,
               CASE WHEN r IS NULL THEN false ELSE true END AS replyAuthorKnowsOriginalMessageAuthor
        ORDER BY commentCreationDate DESC, replyAuthorId""",
    "IC1": """MATCH (p:Person {id: $personId}), (friend:Person {firstName: $firstName})
        WHERE p.id <> friend.id
        MATCH path = (p)-[:KNOWS* SHORTEST 1..3]-(friend)
        WITH min(length(path)) AS distance, friend
        ORDER BY distance ASC, friend.lastName ASC, friend.id ASC
        LIMIT 20
        MATCH (friend)-[:IS_LOCATED_IN]->(friendCity:Place)
        WHERE friendCity.type = 'city'
        OPTIONAL MATCH (friend)-[studyAt:STUDY_AT]->(uni:Organisation)-[:IS_LOCATED_IN]->(uniCity:Place)
        WHERE uni.type = 'university' AND uniCity.type = 'city'
        WITH friend, collect(CASE WHEN uni.name IS NULL THEN NULL ELSE [uni.name, CAST(studyAt.classYear AS STRING), uniCity.name] END) AS unis, friendCity, distance
        OPTIONAL MATCH (friend)-[workAt:WORK_AT]->(company:Organisation)-[:IS_LOCATED_IN]->(companyCountry:Place)
        WHERE company.type = 'company' AND companyCountry.type = 'country'
        WITH friend, collect(CASE WHEN company.name IS NULL THEN NULL ELSE [company.name, CAST(workAt.workFrom AS STRING), companyCountry.name] END) AS companies, unis, friendCity, distance
        RETURN friend.id AS friendId, friend.lastName AS friendLastName, distance AS distanceFromPerson,
               friend.birthday AS friendBirthday, friend.creationDate AS friendCreationDate, friend.gender AS friendGender,
               friend.browserUsed AS friendBrowserUsed, friend.locationIP AS friendLocationIp,
               string_split(friend.email, ';') AS friendEmails, string_split(friend.speaks, ';') AS friendLanguages,
               friendCity.name AS friendCityName, unis AS friendUniversities, companies AS friendCompanies
        ORDER BY distanceFromPerson ASC, friendLastName ASC, friendId ASC
        LIMIT 20""",
    "IC2": """MATCH (:Person {id: $personId})-[:KNOWS]-(friend:Person)<-[:HAS_CREATOR]-(message:Post:Comment)
        WHERE message.creationDate <= $maxDate
        RETURN friend.id AS personId, friend.firstName AS personFirstName, friend.lastName AS personLastName,
               message.id AS postOrCommentId, coalesce(message.content, message.imageFile) AS postOrCommentContent,
               message.creationDate AS postOrCommentCreationDate
        ORDER BY postOrCommentCreationDate DESC, postOrCommentId ASC LIMIT 20""",
    "IC3": """MATCH (countryX:Place {name: $countryXName}), (countryY:Place {name: $countryYName}), (person:Person {id: $personId})
        WHERE countryX.type = 'country' AND countryY.type = 'country'
        WITH person, countryX, countryY
        LIMIT 1
        MATCH (city:Place)-[:IS_PART_OF]->(country:Place)
        WHERE city.type = 'city' AND (country.id = countryX.id OR country.id = countryY.id)
        WITH person, countryX, countryY, collect(city.id) AS cities
        MATCH (person)-[:KNOWS*1..2]-(friend:Person)-[:IS_LOCATED_IN]->(city:Place)
        WHERE person.id <> friend.id AND NOT list_contains(cities, city.id)
        WITH DISTINCT friend, countryX, countryY
        MATCH (friend)<-[:HAS_CREATOR]-(message:Post:Comment), (message)-[:IS_LOCATED_IN]->(country:Place)
        WHERE $endDate > message.creationDate AND message.creationDate >= $startDate
          AND (country.id = countryX.id OR country.id = countryY.id)
        WITH friend,
             CASE WHEN country.id = countryX.id THEN 1 ELSE 0 END AS messageX,
             CASE WHEN country.id = countryY.id THEN 1 ELSE 0 END AS messageY
        WITH friend, sum(messageX) AS xCount, sum(messageY) AS yCount
        WHERE xCount > 0 AND yCount > 0
        RETURN friend.id AS friendId, friend.firstName AS friendFirstName, friend.lastName AS friendLastName,
               xCount, yCount, xCount + yCount AS xyCount
        ORDER BY xyCount DESC, friendId ASC
        LIMIT 20""",
    "IC4": """MATCH (person:Person {id: $personId})-[:KNOWS]-(friend:Person), (friend)<-[:HAS_CREATOR]-(post:Post)-[:HAS_TAG]->(tag:Tag)
        WITH DISTINCT tag, post
        WITH tag,
             CASE WHEN $startDate <= post.creationDate AND post.creationDate < $endDate THEN 1 ELSE 0 END AS valid,
             CASE WHEN post.creationDate < $startDate THEN 1 ELSE 0 END AS inValid
        WITH tag, sum(valid) AS postCount, sum(inValid) AS inValidPostCount
        WHERE postCount > 0 AND inValidPostCount = 0
        RETURN tag.name AS tagName, postCount
        ORDER BY postCount DESC, tagName ASC
        LIMIT 10""",
    "IC5": """MATCH (person:Person {id: $personId})-[:KNOWS*1..2]-(friend:Person)
        WHERE person.id <> friend.id
        WITH DISTINCT friend
        MATCH (friend)<-[membership:HAS_MEMBER]-(forum:Forum)
        WHERE membership.joinDate > $minDate
        WITH forum, collect(friend.id) AS friends
        OPTIONAL MATCH (friend:Person)<-[:HAS_CREATOR]-(post:Post)<-[:CONTAINER_OF]-(forum)
        WHERE list_contains(friends, friend.id)
        WITH forum, count(post) AS postCount
        RETURN forum.title AS forumName, postCount
        ORDER BY postCount DESC, forum.id ASC
        LIMIT 20""",
    "IC6": """MATCH (knownTag:Tag {name: $tagName})
        WITH knownTag.id AS knownTagId
        MATCH (person:Person {id: $personId})-[:KNOWS*1..2]-(friend:Person)
        WHERE person.id <> friend.id
        WITH DISTINCT knownTagId, friend
        MATCH (friend)<-[:HAS_CREATOR]-(post:Post), (post)-[:HAS_TAG]->(t:Tag), (post)-[:HAS_TAG]->(tag:Tag)
        WHERE t.id = knownTagId AND t.id <> tag.id
        WITH tag.name AS tagName, count(post) AS postCount
        RETURN tagName, postCount
        ORDER BY postCount DESC, tagName ASC
        LIMIT 10""",
    "IC7": """MATCH (person:Person {id: $personId})<-[:HAS_CREATOR]-(message:Post:Comment)<-[like:LIKES]-(liker:Person)
        WITH liker, message, like.creationDate AS likeTime, person
        ORDER BY likeTime DESC, message.id ASC SKIP 0
        WITH liker, list_extract(collect({id: message.id, content: coalesce(message.content, message.imageFile), creationDate: message.creationDate, likeTime: likeTime}), 1) AS latestLike, person
        RETURN liker.id AS personId, liker.firstName AS personFirstName, liker.lastName AS personLastName,
               latestLike.likeTime AS likeCreationDate, latestLike.id AS commentOrPostId,
               latestLike.content AS commentOrPostContent,
               CAST(floor(floor(CAST(latestLike.likeTime - latestLike.creationDate AS DOUBLE) / 1000.0) / 60.0) AS INT64) AS minutesLatency,
               NOT EXISTS { MATCH (liker)-[:KNOWS]-(person) } AS isNew
        ORDER BY likeCreationDate DESC, personId ASC
        LIMIT 20""",
    "IC8": """MATCH (start:Person {id: $personId})<-[:HAS_CREATOR]-(:Post:Comment)<-[:REPLY_OF]-(comment:Comment)-[:HAS_CREATOR]->(person:Person)
        RETURN person.id AS personId, person.firstName AS personFirstName, person.lastName AS personLastName,
               comment.creationDate AS commentCreationDate, comment.id AS commentId, comment.content AS commentContent
        ORDER BY commentCreationDate DESC, commentId ASC LIMIT 20""",
    "IC9": """MATCH (root:Person {id: $personId})-[:KNOWS*1..2]-(friend:Person)
        WHERE friend.id <> root.id
        WITH DISTINCT friend
        MATCH (friend)<-[:HAS_CREATOR]-(message:Post:Comment)
        WHERE message.creationDate < $maxDate
        RETURN friend.id AS personId, friend.firstName AS personFirstName, friend.lastName AS personLastName,
               message.id AS commentOrPostId, coalesce(message.content, message.imageFile) AS commentOrPostContent,
               message.creationDate AS commentOrPostCreationDate
        ORDER BY commentOrPostCreationDate DESC, commentOrPostId ASC LIMIT 20""",
    "IC10": """MATCH (person:Person {id: $personId})-[:KNOWS*2..2]-(friend:Person), (friend)-[:IS_LOCATED_IN]->(city:Place)
        WHERE city.type = 'city' AND friend.id <> person.id AND NOT EXISTS { MATCH (friend)-[:KNOWS]-(person) }
        WITH person, city, friend, to_timestamp(friend.birthday / 1000) AS birthday
        WHERE (date_part('month', birthday) = $month AND date_part('day', birthday) >= 21)
           OR (date_part('month', birthday) = ($month % 12) + 1 AND date_part('day', birthday) < 22)
        WITH DISTINCT friend, city, person
        OPTIONAL MATCH (friend)<-[:HAS_CREATOR]-(post:Post)
        WITH friend, city, person, count(post) AS postCount
        OPTIONAL MATCH (friend)<-[:HAS_CREATOR]-(common:Post)
        WHERE EXISTS { MATCH (common)-[:HAS_TAG]->(:Tag)<-[:HAS_INTEREST]-(person) }
        WITH friend, city, postCount, count(common) AS commonPostCount
        RETURN friend.id AS personId, friend.firstName AS personFirstName, friend.lastName AS personLastName,
               commonPostCount - (postCount - commonPostCount) AS commonInterestScore,
               friend.gender AS personGender, city.name AS personCityName
        ORDER BY commonInterestScore DESC, personId ASC
        LIMIT 10""",
    "IC11": """MATCH (person:Person {id: $personId})-[:KNOWS*1..2]-(friend:Person)
        WHERE person.id <> friend.id
        WITH DISTINCT friend
        MATCH (friend)-[workAt:WORK_AT]->(company:Organisation)-[:IS_LOCATED_IN]->(country:Place)
        WHERE lower(company.type) = 'company' AND lower(country.type) = 'country' AND country.name = $countryName
          AND workAt.workFrom < $workFromYear
        RETURN friend.id AS personId, friend.firstName AS personFirstName, friend.lastName AS personLastName,
               company.name AS organizationName, workAt.workFrom AS organizationWorkFromYear
        ORDER BY organizationWorkFromYear ASC, personId ASC, organizationName DESC LIMIT 10""",
    "IC12": """MATCH (tag:Tag)-[:HAS_TYPE]->(:TagClass)-[:IS_SUBCLASS_OF*0..30]->(baseTagClass:TagClass)
        WHERE tag.name = $tagClassName OR baseTagClass.name = $tagClassName
        WITH collect(tag.id) AS tags
        MATCH (:Person {id: $personId})-[:KNOWS]-(friend:Person)<-[:HAS_CREATOR]-(comment:Comment)-[:REPLY_OF]->(:Post)-[:HAS_TAG]->(tag:Tag)
        WHERE list_contains(tags, tag.id)
        RETURN friend.id AS personId, friend.firstName AS personFirstName, friend.lastName AS personLastName,
               collect(DISTINCT tag.name) AS tagNames, count(DISTINCT comment) AS replyCount
        ORDER BY replyCount DESC, personId ASC
        LIMIT 20""",
    "IC13": """MATCH (person1:Person {id: $person1Id}), (person2:Person {id: $person2Id})
        OPTIONAL MATCH path = (person1)-[:KNOWS* SHORTEST 1..30]-(person2)
        RETURN CASE WHEN path IS NULL THEN -1 ELSE length(path) END AS shortestPathLength""",
    "IC14": """MATCH path = (person1:Person {id: $person1Id})-[:KNOWS* ALL SHORTEST 1..30]-(person2:Person {id: $person2Id})
        WITH properties(nodes(path), "id") AS ids
        UNWIND range(1, size(ids) - 1) AS i
        WITH ids, i, ids[i] AS u, ids[i + 1] AS v
        OPTIONAL MATCH (a:Person)<-[:HAS_CREATOR]-(:Comment)-[:REPLY_OF]->(:Post)-[:HAS_CREATOR]->(b:Person)
        WHERE (a.id = u AND b.id = v) OR (a.id = v AND b.id = u)
        WITH ids, i, u, v, count(a) AS toPosts
        OPTIONAL MATCH (a:Person)<-[:HAS_CREATOR]-(:Comment)-[:REPLY_OF]->(:Comment)-[:HAS_CREATOR]->(b:Person)
        WHERE (a.id = u AND b.id = v) OR (a.id = v AND b.id = u)
        WITH ids, i, toPosts, count(a) AS toComments
        WITH ids, sum(toPosts * 1.0 + toComments * 0.5) AS pathWeight
        RETURN ids AS personIdsInPath, pathWeight
        ORDER BY pathWeight DESC""",
}

# Where the engines' rows differ by design.
DIFFERENCES = {
    # The v1 text writes `CASE r WHEN null THEN false ELSE true END`: a simple CASE compares
    # with `=`, and `r = null` is null, so openCypher (and NamiDB) always take ELSE (true).
    # The Kùzu translation says what the text means, `CASE WHEN r IS NULL …`.
    "IS7": "v1 text's `CASE r WHEN null` is never true in openCypher",
}

# Columns that hold collected lists in no specified order: compared as sorted lists.
UNORDERED_CELLS = {"IC1": (11, 12), "IC12": (3,)}
# Queries whose ORDER BY leaves ties (IC14 orders paths by weight only): rows compared as sets.
UNORDERED_ROWS = {"IC14"}


def _plain(value):
    """A cell as comparable Python data: Kùzu's sums are Decimals, IC1's years strings."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return [_plain(v) for v in value.values()]
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def comparable(name, rows):
    """The rows of query `name` from either engine, normalized for comparison."""
    out = []
    for row in rows:
        cells = [_plain(c) for c in row]
        for i in UNORDERED_CELLS.get(name, ()):
            cells[i] = sorted(cells[i], key=repr) if name != "IC1" else sorted(
                ([str(x) for x in triple] for triple in cells[i]), key=repr)
        out.append(cells)
    return sorted(out, key=repr) if name in UNORDERED_ROWS else out


def same_rows(name, ours, theirs):
    return comparable(name, ours) == comparable(name, theirs)
