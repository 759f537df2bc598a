//! ARCHITECTURE.md's crate table says which Janu crates each crate depends on;
//! this keeps that column true to the manifests.

use std::collections::BTreeSet;
use std::path::Path;

/// The Janu crates a manifest's `[dependencies]` table names (dev-dependencies
/// are not part of the architecture).
fn janu_dependencies(manifest: &str) -> BTreeSet<String> {
    let mut inside = false;
    let mut found = BTreeSet::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line == "[dependencies]";
            continue;
        }
        if inside && line.starts_with("janu-") {
            let name: String = line
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            found.insert(name);
        }
    }
    found
}

#[test]
fn the_architecture_table_names_each_crates_real_janu_dependencies() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let architecture = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for row in architecture.lines().filter(|l| l.starts_with("| `janu-")) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let name = cells[1].trim_matches('`');
        let listed = cells[3];
        if listed.contains("all of the above") {
            continue;
        }
        let said: BTreeSet<String> = listed
            .split(',')
            .map(|d| d.split_whitespace().next().unwrap_or("").to_owned())
            .filter(|d| d.starts_with("janu-"))
            .collect();
        let manifest = std::fs::read_to_string(root.join("crates").join(name).join("Cargo.toml"))
            .unwrap_or_else(|e| panic!("ARCHITECTURE.md names {name}, which has no manifest: {e}"));
        let real = janu_dependencies(&manifest);
        if said != real {
            wrong.push(format!(
                "{name}: the table says {said:?}, Cargo.toml has {real:?}"
            ));
        }
        checked += 1;
    }
    assert!(
        checked >= 12,
        "only {checked} crate rows found in ARCHITECTURE.md"
    );
    assert!(
        wrong.is_empty(),
        "ARCHITECTURE.md's dependency column is out of date:\n{}",
        wrong.join("\n")
    );
}
