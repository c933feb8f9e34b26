//! The `namidb` binary end to end on a file:// namespace: import, query, shell (stdin),
//! compact, gc, inspect, and the errors a user meets.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn namidb(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_namidb"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn write(dir: &Path, name: &str, content: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn import_query_shell_and_maintenance() {
    let dir = tempfile::tempdir().unwrap();
    let uri = format!("file://{}/db?ns=cli", dir.path().display());
    let people = write(dir.path(), "people.csv", "id:ID,name,born:INT\n1,Ada,1815\n2,Alan,1912\n");
    let knows = write(dir.path(), "knows.csv", ":START_ID,:END_ID,since:INT\n1,2,1936\n");
    let dangling = write(dir.path(), "dangling.csv", ":START_ID,:END_ID\n1,99\n");

    let out = namidb(
        &[
            "import",
            &uri,
            "--nodes",
            &format!("Person={people}"),
            "--relationships",
            &format!("KNOWS={knows}"),
        ],
        None,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(text(&out).contains("imported 2 nodes and 1 relationships"), "{}", text(&out));

    // A failing import names the file and line and leaves the namespace as it was.
    let out = namidb(
        &[
            "import",
            &uri,
            "--nodes",
            &format!("Person={people}"),
            "--relationships",
            &format!("KNOWS={dangling}"),
        ],
        None,
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("dangling.csv:2") && err.contains("nothing was imported"), "{err}");

    let out = namidb(
        &[
            "query",
            &uri,
            "MATCH (p:Person) RETURN p.name AS name, p.born AS born ORDER BY born",
            "--format",
            "csv",
        ],
        None,
    );
    assert!(out.status.success());
    assert_eq!(text(&out), "name,born\nAda,1815\nAlan,1912\n");

    let out = namidb(
        &[
            "query",
            &uri,
            "MATCH (p:Person {name: $n})-[k:KNOWS]->(q) RETURN q.name AS q, k.since AS since",
            "-p",
            "n=Ada",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(text(&out), "{\"q\":\"Alan\",\"since\":1936}\n");

    let script = "MATCH (p:Person)\nWHERE p.born > 1900\nRETURN p.name AS name;\n:schema\n:explain MATCH (n) RETURN n\n:param x=41\nRETURN $x + 1 AS answer;\n:profile MATCH (n:Person) RETURN count(n);\n:quit\nRETURN 'not reached';\n";
    let out = namidb(&["shell", &uri], Some(script));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let shown = text(&out);
    for expected in [
        "| Alan |",
        "| Person | 2     |",
        "| KNOWS | 1             |",
        "(:Person)                born INTEGER, id INTEGER, name STRING",
        "[:KNOWS]                 since INTEGER",
        "NodeScan",
        "| 42     |",
        "object-store requests",
    ] {
        assert!(shown.contains(expected), "missing {expected:?} in\n{shown}");
    }
    assert!(!shown.contains("not reached"));

    // Errors in piped input are shown and make the exit status non-zero.
    let out = namidb(&["shell", &uri], Some("RETURN nope;\nRETURN 1 AS one;\n"));
    assert!(!out.status.success());
    assert!(text(&out).contains("UndefinedVariable") && text(&out).contains("| 1   |"));

    let out = namidb(&["compact", &uri], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(text(&out).contains("node SSTs"));
    let out = namidb(&["gc", &uri, "--dry-run"], None);
    assert!(out.status.success() && text(&out).starts_with("would delete"));
    let out = namidb(&["gc", &uri], None);
    assert!(out.status.success() && text(&out).starts_with("deleted"));
    let out = namidb(&["inspect", &uri], None);
    assert!(out.status.success());
    assert!(text(&out).contains("L1: 1 SSTs") && text(&out).contains("2 rows"), "{}", text(&out));
    assert!(
        text(&out).contains("(:Person)                born INTEGER, id INTEGER, name STRING"),
        "{}",
        text(&out)
    );

    // Data is still all there after compaction and GC.
    let out = namidb(&["query", &uri, "MATCH (n) RETURN count(n) AS n", "--format", "csv"], None);
    assert_eq!(text(&out), "n\n2\n");
}

#[test]
fn query_on_a_missing_namespace_fails_without_creating_it() {
    let dir = tempfile::tempdir().unwrap();
    let uri = format!("file://{}/db?ns=absent", dir.path().display());
    let out = namidb(&["query", &uri, "RETURN 1"], None);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
    let out = namidb(&["query", &uri, "RETURN 1"], None);
    assert!(!out.status.success(), "the first attempt must not have created it");
}
