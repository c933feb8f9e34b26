//! The LDBC SNB Interactive v1 layout (Hadoop Datagen, `CsvComposite`, dates as epoch
//! milliseconds, `|`-separated, files `<entity>_0_0.csv` under `static/` and `dynamic/`),
//! mapped to the graph the Neo4j reference implementation loads: labels `Person`, `Forum`,
//! `Tag`, `TagClass`, `Comment:Message`, `Post:Message`, `Place` + `City|Country|Continent`,
//! `Organisation` + `University|Company`; integer ids per label (`id` property); `speaks`
//! and `email` as string lists; relationship types `KNOWS`, `HAS_CREATOR`, `REPLY_OF`…
//! Also the Spark Datagen `CsvCompositeProjectedFK` layout (SF0.003 in `../shared/ldbc`):
//! `Entity.csv` file names, ISO 8601 dates, a `creationDate` on every dynamic relationship.

use std::path::Path;

use crate::error::{ImportError, Result};
use crate::importer::{FileKind, FileSpec, LabelCase};

/// Node files: (directory, entity, labels, typed header).
const NODE_FILES: &[(&str, &str, &[&str], &str)] = &[
    ("static", "organisation", &["Organisation"], "id:ID(Organisation)|:LABEL|name:STRING|url:STRING"),
    ("static", "place", &["Place"], "id:ID(Place)|name:STRING|url:STRING|:LABEL"),
    ("static", "tagclass", &["TagClass"], "id:ID(TagClass)|name:STRING|url:STRING"),
    ("static", "tag", &["Tag"], "id:ID(Tag)|name:STRING|url:STRING"),
    (
        "dynamic",
        "comment",
        &["Comment", "Message"],
        "id:ID(Comment)|creationDate:LONG|locationIP:STRING|browserUsed:STRING|content:STRING|length:INT",
    ),
    ("dynamic", "forum", &["Forum"], "id:ID(Forum)|title:STRING|creationDate:LONG"),
    (
        "dynamic",
        "person",
        &["Person"],
        "id:ID(Person)|firstName:STRING|lastName:STRING|gender:STRING|birthday:LONG|creationDate:LONG|locationIP:STRING|browserUsed:STRING|speaks:STRING[]|email:STRING[]",
    ),
    (
        "dynamic",
        "post",
        &["Post", "Message"],
        "id:ID(Post)|imageFile:STRING|creationDate:LONG|locationIP:STRING|browserUsed:STRING|language:STRING|content:STRING|length:INT",
    ),
];

/// Relationship files: (directory, file stem, type, start id space, end id space, property
/// columns).
const RELATIONSHIP_FILES: &[(&str, &str, &str, &str, &str, &str)] = &[
    ("static", "tagclass_isSubclassOf_tagclass", "IS_SUBCLASS_OF", "TagClass", "TagClass", ""),
    ("static", "tag_hasType_tagclass", "HAS_TYPE", "Tag", "TagClass", ""),
    ("static", "organisation_isLocatedIn_place", "IS_LOCATED_IN", "Organisation", "Place", ""),
    ("static", "place_isPartOf_place", "IS_PART_OF", "Place", "Place", ""),
    ("dynamic", "comment_hasCreator_person", "HAS_CREATOR", "Comment", "Person", ""),
    ("dynamic", "comment_isLocatedIn_place", "IS_LOCATED_IN", "Comment", "Place", ""),
    ("dynamic", "comment_replyOf_comment", "REPLY_OF", "Comment", "Comment", ""),
    ("dynamic", "comment_replyOf_post", "REPLY_OF", "Comment", "Post", ""),
    ("dynamic", "forum_containerOf_post", "CONTAINER_OF", "Forum", "Post", ""),
    ("dynamic", "forum_hasMember_person", "HAS_MEMBER", "Forum", "Person", "joinDate:LONG"),
    ("dynamic", "forum_hasModerator_person", "HAS_MODERATOR", "Forum", "Person", ""),
    ("dynamic", "forum_hasTag_tag", "HAS_TAG", "Forum", "Tag", ""),
    ("dynamic", "person_hasInterest_tag", "HAS_INTEREST", "Person", "Tag", ""),
    ("dynamic", "person_isLocatedIn_place", "IS_LOCATED_IN", "Person", "Place", ""),
    ("dynamic", "person_knows_person", "KNOWS", "Person", "Person", "creationDate:LONG"),
    ("dynamic", "person_likes_comment", "LIKES", "Person", "Comment", "creationDate:LONG"),
    ("dynamic", "person_likes_post", "LIKES", "Person", "Post", "creationDate:LONG"),
    (
        "dynamic",
        "person_studyAt_organisation",
        "STUDY_AT",
        "Person",
        "Organisation",
        "classYear:INT",
    ),
    ("dynamic", "person_workAt_organisation", "WORK_AT", "Person", "Organisation", "workFrom:INT"),
    ("dynamic", "post_hasCreator_person", "HAS_CREATOR", "Post", "Person", ""),
    ("dynamic", "comment_hasTag_tag", "HAS_TAG", "Comment", "Tag", ""),
    ("dynamic", "post_hasTag_tag", "HAS_TAG", "Post", "Tag", ""),
    ("dynamic", "post_isLocatedIn_place", "IS_LOCATED_IN", "Post", "Place", ""),
];

/// The files of an Interactive v1 data set under `root` (the directory holding `static/`
/// and `dynamic/`), nodes first. Every file must exist.
pub fn interactive_v1(root: &Path) -> Result<Vec<FileSpec>> {
    let rels: Vec<(&str, String, &str, String)> = RELATIONSHIP_FILES
        .iter()
        .map(|(dir, stem, rel_type, start, end, properties)| {
            let mut header = format!(":START_ID({start})|:END_ID({end})");
            if !properties.is_empty() {
                header.push('|');
                header.push_str(properties);
            }
            (*dir, format!("{stem}_0_0.csv"), *rel_type, header)
        })
        .collect();
    let nodes: Vec<(&str, String, &[&str], String)> = NODE_FILES
        .iter()
        .map(|(dir, entity, labels, header)| {
            (*dir, format!("{entity}_0_0.csv"), *labels, header.to_string())
        })
        .collect();
    layout(root, "an LDBC Interactive v1 data set", &nodes, &rels)
}

/// Node files of the Spark Datagen `CsvCompositeProjectedFK` layout: (directory, entity,
/// labels, typed header). Dates are ISO 8601 text, stored as `DATETIME` / `DATE` as the Neo4j
/// reference implementation of Interactive v2 does.
const PROJECTED_FK_NODE_FILES: &[(&str, &str, &[&str], &str)] = &[
    ("static", "Organisation", &["Organisation"], "id:ID(Organisation)|:LABEL|name:STRING|url:STRING"),
    ("static", "Place", &["Place"], "id:ID(Place)|name:STRING|url:STRING|:LABEL"),
    ("static", "TagClass", &["TagClass"], "id:ID(TagClass)|name:STRING|url:STRING"),
    ("static", "Tag", &["Tag"], "id:ID(Tag)|name:STRING|url:STRING"),
    (
        "dynamic",
        "Comment",
        &["Comment", "Message"],
        "creationDate:DATETIME|id:ID(Comment)|locationIP:STRING|browserUsed:STRING|content:STRING|length:INT",
    ),
    ("dynamic", "Forum", &["Forum"], "creationDate:DATETIME|id:ID(Forum)|title:STRING"),
    (
        "dynamic",
        "Person",
        &["Person"],
        "creationDate:DATETIME|id:ID(Person)|firstName:STRING|lastName:STRING|gender:STRING|birthday:DATE|locationIP:STRING|browserUsed:STRING|speaks:STRING[]|email:STRING[]",
    ),
    (
        "dynamic",
        "Post",
        &["Post", "Message"],
        "creationDate:DATETIME|id:ID(Post)|imageFile:STRING|locationIP:STRING|browserUsed:STRING|language:STRING|content:STRING|length:INT",
    ),
];

/// Relationship files of the projected-FK layout: (directory, file stem, type, start id
/// space, end id space, property columns after the endpoints). Dynamic files start with a
/// `creationDate` column.
const PROJECTED_FK_RELATIONSHIP_FILES: &[(&str, &str, &str, &str, &str, &str)] = &[
    ("static", "TagClass_isSubclassOf_TagClass", "IS_SUBCLASS_OF", "TagClass", "TagClass", ""),
    ("static", "Tag_hasType_TagClass", "HAS_TYPE", "Tag", "TagClass", ""),
    ("static", "Organisation_isLocatedIn_Place", "IS_LOCATED_IN", "Organisation", "Place", ""),
    ("static", "Place_isPartOf_Place", "IS_PART_OF", "Place", "Place", ""),
    ("dynamic", "Comment_hasCreator_Person", "HAS_CREATOR", "Comment", "Person", ""),
    ("dynamic", "Comment_hasTag_Tag", "HAS_TAG", "Comment", "Tag", ""),
    ("dynamic", "Comment_isLocatedIn_Country", "IS_LOCATED_IN", "Comment", "Place", ""),
    ("dynamic", "Comment_replyOf_Comment", "REPLY_OF", "Comment", "Comment", ""),
    ("dynamic", "Comment_replyOf_Post", "REPLY_OF", "Comment", "Post", ""),
    ("dynamic", "Forum_containerOf_Post", "CONTAINER_OF", "Forum", "Post", ""),
    ("dynamic", "Forum_hasMember_Person", "HAS_MEMBER", "Forum", "Person", ""),
    ("dynamic", "Forum_hasModerator_Person", "HAS_MODERATOR", "Forum", "Person", ""),
    ("dynamic", "Forum_hasTag_Tag", "HAS_TAG", "Forum", "Tag", ""),
    ("dynamic", "Person_hasInterest_Tag", "HAS_INTEREST", "Person", "Tag", ""),
    ("dynamic", "Person_isLocatedIn_City", "IS_LOCATED_IN", "Person", "Place", ""),
    ("dynamic", "Person_knows_Person", "KNOWS", "Person", "Person", ""),
    ("dynamic", "Person_likes_Comment", "LIKES", "Person", "Comment", ""),
    ("dynamic", "Person_likes_Post", "LIKES", "Person", "Post", ""),
    ("dynamic", "Person_studyAt_University", "STUDY_AT", "Person", "Organisation", "classYear:INT"),
    ("dynamic", "Person_workAt_Company", "WORK_AT", "Person", "Organisation", "workFrom:INT"),
    ("dynamic", "Post_hasCreator_Person", "HAS_CREATOR", "Post", "Person", ""),
    ("dynamic", "Post_hasTag_Tag", "HAS_TAG", "Post", "Tag", ""),
    ("dynamic", "Post_isLocatedIn_Country", "IS_LOCATED_IN", "Post", "Place", ""),
];

/// The files of a Spark Datagen `CsvCompositeProjectedFK` snapshot under `root` (the
/// directory holding `static/` and `dynamic/`, e.g. `initial_snapshot`), with the same labels
/// and relationship types as [`interactive_v1`]. Every file must exist.
pub fn composite_projected_fk(root: &Path) -> Result<Vec<FileSpec>> {
    let nodes: Vec<(&str, String, &[&str], String)> = PROJECTED_FK_NODE_FILES
        .iter()
        .map(|(dir, entity, labels, header)| {
            (*dir, format!("{entity}.csv"), *labels, header.to_string())
        })
        .collect();
    let rels: Vec<(&str, String, &str, String)> = PROJECTED_FK_RELATIONSHIP_FILES
        .iter()
        .map(|(dir, stem, rel_type, start, end, properties)| {
            let dated = if *dir == "dynamic" { "creationDate:DATETIME|" } else { "" };
            let mut header = format!("{dated}:START_ID({start})|:END_ID({end})");
            if !properties.is_empty() {
                header.push('|');
                header.push_str(properties);
            }
            (*dir, format!("{stem}.csv"), *rel_type, header)
        })
        .collect();
    layout(root, "an LDBC CsvCompositeProjectedFK snapshot", &nodes, &rels)
}

/// Node and relationship files (directory, file name, labels or type, typed header) under
/// `root` as import specifications, nodes first; `what` names the layout in errors.
fn layout(
    root: &Path,
    what: &str,
    nodes: &[(&str, String, &[&str], String)],
    rels: &[(&str, String, &str, String)],
) -> Result<Vec<FileSpec>> {
    let file = |dir: &str, name: &str| -> Result<std::path::PathBuf> {
        let path = root.join(dir).join(name);
        if path.is_file() {
            Ok(path)
        } else {
            Err(ImportError::Layout(format!(
                "{} is not {what}: {} is missing",
                root.display(),
                path.display()
            )))
        }
    };
    let mut specs = Vec::new();
    for (dir, name, labels, header) in nodes {
        specs.push(FileSpec {
            path: file(dir, name)?,
            kind: FileKind::Nodes {
                labels: labels.iter().map(|l| l.to_string()).collect(),
                id_space: labels[0].to_owned(),
                label_case: LabelCase::Capitalized,
            },
            delimiter: '|',
            header: Some(header.clone()),
        });
    }
    for (dir, name, rel_type, header) in rels {
        specs.push(FileSpec {
            path: file(dir, name)?,
            kind: FileKind::Relationships { rel_type: rel_type.to_string() },
            delimiter: '|',
            header: Some(header.clone()),
        });
    }
    Ok(specs)
}

/// The files of whichever LDBC layout `root` holds: Interactive v1 (`person_0_0.csv`) or
/// `CsvCompositeProjectedFK` (`Person.csv`).
pub fn detect(root: &Path) -> Result<Vec<FileSpec>> {
    if root.join("dynamic").join("Person.csv").is_file() {
        composite_projected_fk(root)
    } else {
        interactive_v1(root)
    }
}
