//! The knowledge as HTML: each topic's JSON (the same as `janu pose TOPIC --json`)
//! rendered generically, so new fields in the knowledge show up without changes
//! here. Items become cards with their title, text, other fields and sources.

use janu_pose::Topic;
use serde_json::{Map, Value};

use crate::html::escape;

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

/// Source tags `[A] [B]` as badges.
pub fn sources(list: &[janu_pose::Source]) -> String {
    list.iter()
        .map(|s| format!("<span class=\"src\">{}</span>", s.as_str()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The topic as HTML.
pub fn topic_html(t: Topic) -> String {
    let v = janu_pose::render::topic_json(janu_pose::knowledge(), t);
    let mut o = String::new();
    match &v {
        Value::Object(m) => {
            for (k, v) in m {
                o.push_str(&format!("<section><h2>{}</h2>", escape(&humanize(k))));
                value_html(v, &mut o, 0);
                o.push_str("</section>");
            }
        }
        other => value_html(other, &mut o, 0),
    }
    o
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

fn source_tags(m: &Map<String, Value>) -> String {
    let mut tags = Vec::new();
    for key in ["sources", "source"] {
        match m.get(key) {
            Some(Value::Array(a)) => tags.extend(a.iter().filter_map(scalar)),
            Some(v) => tags.extend(scalar(v)),
            None => {}
        }
    }
    tags.iter()
        .map(|s| format!("<span class=\"src\">{}</span>", escape(s)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn value_html(v: &Value, o: &mut String, depth: usize) {
    match v {
        Value::Array(items) if items.iter().all(|i| scalar(i).is_some()) => {
            o.push_str("<ul>");
            for i in items {
                o.push_str(&format!(
                    "<li>{}</li>",
                    escape(&scalar(i).unwrap_or_default())
                ));
            }
            o.push_str("</ul>");
        }
        Value::Array(items) => {
            o.push_str("<div class=\"items\">");
            for i in items {
                value_html(i, o, depth + 1);
            }
            o.push_str("</div>");
        }
        Value::Object(m) => object_html(m, o, depth),
        other => o.push_str(&format!(
            "<p>{}</p>",
            escape(&scalar(other).unwrap_or_default())
        )),
    }
}

fn object_html(m: &Map<String, Value>, o: &mut String, depth: usize) {
    let title_key = TITLE_KEYS
        .iter()
        .find(|k| m.get(**k).and_then(scalar).is_some());
    let text_key = TEXT_KEYS
        .iter()
        .find(|k| Some(**k) != title_key.copied() && m.get(**k).and_then(scalar).is_some());
    let class = if depth <= 1 { "card item" } else { "item" };
    o.push_str(&format!("<div class=\"{class}\">"));
    if let Some(k) = title_key {
        o.push_str(&format!(
            "<h3>{}</h3>",
            escape(&m.get(*k).and_then(scalar).unwrap_or_default())
        ));
    }
    if let Some(k) = text_key {
        o.push_str(&format!(
            "<p>{} {}</p>",
            escape(&m.get(*k).and_then(scalar).unwrap_or_default()),
            source_tags(m)
        ));
    } else {
        let tags = source_tags(m);
        if !tags.is_empty() {
            o.push_str(&format!("<p>{tags}</p>"));
        }
    }
    let mut meta = Vec::new();
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
            v if scalar(v).is_some() => meta.push(format!(
                "<span><em>{}</em>: {}</span>",
                escape(&humanize(k)),
                escape(&scalar(v).unwrap_or_default())
            )),
            Value::Array(a) if a.iter().all(|i| scalar(i).is_some()) => meta.push(format!(
                "<span><em>{}</em>: {}</span>",
                escape(&humanize(k)),
                escape(&a.iter().filter_map(scalar).collect::<Vec<_>>().join(", "))
            )),
            nested => {
                o.push_str(&format!("<h4>{}</h4>", escape(&humanize(k))));
                value_html(nested, o, depth + 1);
            }
        }
    }
    if !meta.is_empty() {
        o.push_str(&format!("<p class=\"meta\">{}</p>", meta.join(" · ")));
    }
    o.push_str("</div>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_topic_renders_its_items() {
        for t in Topic::ALL {
            let html = topic_html(*t);
            assert!(html.contains("<h2>"), "{t:?}");
            assert!(html.len() > 300, "{t:?}: {html}");
        }
        let mistakes = topic_html(Topic::Mistakes);
        for m in &janu_pose::knowledge().mistakes {
            assert!(mistakes.contains(&escape(&m.name)), "{}", m.name);
        }
    }
}
