//! The knowledge as HTML: each topic's JSON (the same as `janu pose TOPIC --json`)
//! rendered generically, so new fields in the knowledge show up without changes
//! here. Items become cards with their title, text, other fields and sources.

use janu_pose::Topic;
use serde_json::{Map, Value};

use maud::{Markup, html};

/// The topic's heading.
pub fn topic_title(t: Topic) -> String {
    match t {
        Topic::Meaning => "Names and meaning".into(),
        Topic::Muscles => "Muscles".into(),
        Topic::Joints => "Joint mechanics".into(),
        Topic::Steps => "How to do it".into(),
        Topic::Benefits => "Benefits".into(),
        Topic::Therapy => "Therapeutic uses".into(),
        Topic::Variations => "Variations and progression".into(),
        Topic::Props => "Props and modifications".into(),
        Topic::Mistakes => "Common mistakes and corrections".into(),
        Topic::Contraindications => "Who should be careful".into(),
        Topic::Sequence => "In a sequence".into(),
        Topic::Breath => "Breath".into(),
        Topic::Energy => "Energy".into(),
        Topic::Ayurveda => "Ayurveda".into(),
        Topic::Disagreements => "Where the references disagree".into(),
    }
}

/// Source tags `[A] [B]` as badges, one space apart.
pub fn sources(list: &[janu_pose::Source]) -> Markup {
    tags(list.iter().map(|s| s.as_str()))
}

/// Each tag as a badge, one space apart.
fn tags<S: AsRef<str>>(tags: impl IntoIterator<Item = S>) -> Markup {
    html! {
        @for (i, t) in tags.into_iter().enumerate() {
            @if i > 0 { " " }
            span.src { (t.as_ref()) }
        }
    }
}

/// The topic as HTML.
pub fn topic_html(t: Topic) -> Markup {
    let v = janu_pose::render::topic_json(janu_pose::knowledge(), t);
    match &v {
        Value::Object(m) => html! {
            @for (k, v) in m {
                section { h2 { (humanize(k)) } (value_html(v, 0)) }
            }
        },
        other => value_html(other, 0),
    }
}

/// `level_up` -> `Level up`.
fn humanize(key: &str) -> String {
    let s = key.replace(['_', '-'], " ");
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// Keys that name an item, in order of preference.
const TITLE_KEYS: &[&str] = &[
    "title",
    "name",
    "part",
    "when",
    "dosha",
    "condition",
    "topic",
];
/// Keys that hold an item's main text, in order of preference.
const TEXT_KEYS: &[&str] = &[
    "text", "meaning", "what", "role", "effect", "note", "summary",
];
/// Keys not worth showing to a reader.
const HIDDEN_KEYS: &[&str] = &["id", "sources", "source"];

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "yes" } else { "no" }.into()),
        _ => None,
    }
}

fn source_tags(m: &Map<String, Value>) -> Markup {
    let mut found = Vec::new();
    for key in ["sources", "source"] {
        match m.get(key) {
            Some(Value::Array(a)) => found.extend(a.iter().filter_map(scalar)),
            Some(v) => found.extend(scalar(v)),
            None => {}
        }
    }
    tags(found)
}

fn value_html(v: &Value, depth: usize) -> Markup {
    match v {
        Value::Array(items) if items.iter().all(|i| scalar(i).is_some()) => html! {
            ul { @for i in items { li { (scalar(i).unwrap_or_default()) } } }
        },
        Value::Array(items) => html! {
            div.items { @for i in items { (value_html(i, depth + 1)) } }
        },
        Value::Object(m) => object_html(m, depth),
        other => html! { p { (scalar(other).unwrap_or_default()) } },
    }
}

fn object_html(m: &Map<String, Value>, depth: usize) -> Markup {
    let title_key = TITLE_KEYS
        .iter()
        .find(|k| m.get(**k).and_then(scalar).is_some());
    let text_key = TEXT_KEYS
        .iter()
        .find(|k| Some(**k) != title_key.copied() && m.get(**k).and_then(scalar).is_some());
    let text_of = |k: &str| m.get(k).and_then(scalar).unwrap_or_default();
    // The other fields: short ones on one meta line, nested ones under their
    // own headings.
    let mut meta = Vec::new();
    let mut nested = Vec::new();
    for (k, v) in m {
        let shown = Some(&k.as_str()) == title_key
            || Some(&k.as_str()) == text_key
            || HIDDEN_KEYS.contains(&k.as_str());
        if shown {
            continue;
        }
        match v {
            Value::Null => {}
            Value::Array(a) if a.is_empty() => {}
            v if scalar(v).is_some() => meta.push((k, scalar(v).unwrap_or_default())),
            Value::Array(a) if a.iter().all(|i| scalar(i).is_some()) => {
                meta.push((
                    k,
                    a.iter().filter_map(scalar).collect::<Vec<_>>().join(", "),
                ));
            }
            v => nested.push((k, v)),
        }
    }
    let tags = source_tags(m);
    html! {
        div class=(if depth <= 1 { "card item" } else { "item" }) {
            @if let Some(k) = title_key { h3 { (text_of(k)) } }
            @if let Some(k) = text_key {
                p { (text_of(k)) " " (tags) }
            } @else if !tags.0.is_empty() {
                p { (tags) }
            }
            @for (k, v) in nested {
                h4 { (humanize(k)) }
                (value_html(v, depth + 1))
            }
            @if !meta.is_empty() {
                p.meta {
                    @for (i, (k, v)) in meta.iter().enumerate() {
                        @if i > 0 { " · " }
                        span { em { (humanize(k)) } ": " (v) }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_topic_renders_its_items() {
        for t in Topic::ALL {
            let html = topic_html(*t).into_string();
            assert!(html.contains("<h2>"), "{t:?}");
            assert!(html.len() > 300, "{t:?}: {html}");
        }
        let mistakes = topic_html(Topic::Mistakes).into_string();
        for m in &janu_pose::knowledge().mistakes {
            let name = html! { (m.name) }.into_string();
            assert!(mistakes.contains(&name), "{}", m.name);
        }
    }
}
