//! The LDBC SNB Interactive v1 layout (Hadoop Datagen, `CsvComposite`, dates as epoch
//! milliseconds, `|`-separated, files `<entity>_0_0.csv` under `static/` and `dynamic/`),
//! mapped to the graph the Neo4j reference implementation loads: labels `Person`, `Forum`,
//! `Tag`, `TagClass`, `Comment:Message`, `Post:Message`, `Place` + `City|Country|Continent`,
//! `Organisation` + `University|Company`; integer ids per label (`id` property); `speaks`
//! and `email` as string lists; relationship types `KNOWS`, `HAS_CREATOR`, `REPLY_OF`…

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
    let file = |dir: &str, stem: &str| -> Result<std::path::PathBuf> {
        let path = root.join(dir).join(format!("{stem}_0_0.csv"));
        if path.is_file() {
            Ok(path)
        } else {
            Err(ImportError::Layout(format!(
                "{} is not an LDBC Interactive v1 data set: {} is missing",
                root.display(),
                path.display()
            )))
        }
    };
    let mut specs = Vec::new();
    for (dir, entity, labels, header) in NODE_FILES {
        specs.push(FileSpec {
            path: file(dir, entity)?,
            kind: FileKind::Nodes {
                labels: labels.iter().map(|l| l.to_string()).collect(),
                id_space: labels[0].to_owned(),
                label_case: LabelCase::Capitalized,
            },
            delimiter: '|',
            header: Some(header.to_string()),
        });
    }
    for (dir, stem, rel_type, start, end, properties) in RELATIONSHIP_FILES {
        let mut header = format!(":START_ID({start})|:END_ID({end})");
        if !properties.is_empty() {
            header.push('|');
            header.push_str(properties);
        }
        specs.push(FileSpec {
            path: file(dir, stem)?,
            kind: FileKind::Relationships { rel_type: rel_type.to_string() },
            delimiter: '|',
            header: Some(header),
        });
    }
    Ok(specs)
}
