//! Plain-text renderings of the knowledge, a screening and a plan, for terminals
//! and text pages. Lines are wrapped at [`WIDTH`] columns; references are shown as
//! `[A]`, `[B]`, `[A,B]` (one word, so wrapping never splits it).

use crate::ids::{Decision, Level, Source, Topic};
use crate::model::{BenefitKind, EnergyKind, Knowledge, MuscleGroup, Tradition};
use crate::plan::{Plan, Section};
use crate::screen::Screening;

/// Wrap width: fits an 80-column terminal with room for indentation.
pub const WIDTH: usize = 78;

/// `[A,B]`.
fn tag(sources: &[Source]) -> String {
    let s: Vec<&str> = sources.iter().map(|s| s.as_str()).collect();
    format!("[{}]", s.join(","))
}

/// Word-wrap `text` with a first-line prefix and an indent for the rest.
fn wrap(first: &str, indent: usize, text: &str) -> String {
    let mut out = String::new();
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = " ".repeat(indent);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

fn bullet(text: &str, sources: &[Source]) -> String {
    wrap("  - ", 4, &format!("{text} {}", tag(sources)))
}

fn heading(out: &mut String, title: &str) {
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(title);
    out.push('\n');
    out.push_str(&"=".repeat(title.chars().count()));
    out.push('\n');
}

fn sub(out: &mut String, title: &str) {
    out.push('\n');
    out.push_str(title);
    out.push('\n');
}

/// All topics, in order.
pub fn knowledge_text(k: &Knowledge) -> String {
    Topic::ALL
        .iter()
        .map(|t| topic_text(k, *t))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One topic as text.
pub fn topic_text(k: &Knowledge, topic: Topic) -> String {
    let mut o = String::new();
    match topic {
        Topic::Meaning => {
            heading(&mut o, "Names and meaning");
            for n in &k.names {
                o.push_str(&bullet(&format!("{}: {}", n.text, n.note), &n.sources));
            }
            sub(&mut o, "Overview");
            for f in &k.overview {
                o.push_str(&bullet(&f.text, &f.sources));
            }
            sub(&mut o, "The Sanskrit parts");
            for p in &k.meaning.parts {
                o.push_str(&bullet(&format!("{} = {}", p.part, p.meaning), &p.sources));
            }
            for (t, title) in [
                (Tradition::Sanskrit, "The name as a whole"),
                (
                    Tradition::VedicUpanishadic,
                    "Vedic and Upanishadic symbolism",
                ),
                (
                    Tradition::Mythological,
                    "Mythological symbolism: the bow turned inward",
                ),
                (Tradition::YogicInterpretation, "Yogic interpretation"),
            ] {
                sub(&mut o, title);
                for s in k.meaning.symbolism.iter().filter(|s| s.tradition == t) {
                    o.push_str(&bullet(&s.text, &s.sources));
                }
            }
        }
        Topic::Muscles => {
            heading(&mut o, "Muscles");
            for f in &k.anatomy {
                o.push_str(&bullet(&f.text, &f.sources));
            }
            for (g, title) in [
                (MuscleGroup::Primary, "Primary muscles"),
                (MuscleGroup::Secondary, "Secondary muscles"),
            ] {
                sub(&mut o, title);
                for (i, m) in k.muscles.iter().filter(|m| m.group == g).enumerate() {
                    let side = match m.side {
                        crate::model::BodySide::ExtendedLeg => " (extended leg)",
                        crate::model::BodySide::BentLeg => " (bent leg)",
                        crate::model::BodySide::Both => "",
                    };
                    o.push_str(&wrap(
                        &format!("  {:>2}. ", i + 1),
                        6,
                        &format!("{}{side}: {} {}", m.name, m.role, tag(&m.sources)),
                    ));
                }
            }
        }
        Topic::Joints => {
            heading(&mut o, "Joint mechanics");
            for j in &k.joints {
                sub(&mut o, &format!("{} {}", j.name, tag(&j.sources)));
                for a in &j.actions {
                    o.push_str(&wrap("  - ", 4, a));
                }
            }
        }
        Topic::Steps => {
            heading(
                &mut o,
                "Step by step (right knee bent, left leg extended first)",
            );
            for t in &k.techniques {
                sub(&mut o, &format!("{} [{}]", t.title, t.source));
                for (i, s) in t.steps.iter().enumerate() {
                    let breath = match s.breath {
                        crate::model::BreathCue::Inhale => "inhale",
                        crate::model::BreathCue::Exhale => "exhale",
                        crate::model::BreathCue::Steady => "steady breath",
                        crate::model::BreathCue::Natural => "natural breath",
                        crate::model::BreathCue::RetentionOrSteady => "see breath",
                    };
                    let phase = format!("{:?}", s.phase).to_lowercase();
                    o.push_str(&wrap(
                        &format!("  {:>2}. ", i + 1),
                        6,
                        &format!("({phase}; {breath}) {}", s.text),
                    ));
                }
            }
        }
        Topic::Benefits => {
            heading(&mut o, "Benefits");
            for (kind, title) in [
                (BenefitKind::Physiological, "Physiological"),
                (BenefitKind::Emotional, "Emotional"),
                (BenefitKind::Energetic, "Energetic"),
            ] {
                sub(&mut o, title);
                for b in k.benefits.iter().filter(|b| b.kind == kind) {
                    o.push_str(&bullet(&b.text, &b.sources));
                }
            }
        }
        Topic::Therapy => {
            heading(&mut o, "Therapeutic uses (each id is a plan goal)");
            for t in &k.therapy {
                o.push_str(&wrap(
                    "  - ",
                    4,
                    &format!("{} [{}]: {} {}", t.name, t.id, t.text, tag(&t.sources)),
                ));
            }
            for f in &k.therapy_notes {
                o.push_str(&bullet(&f.text, &f.sources));
            }
            sub(&mut o, "Fascial lines");
            for f in &k.fascia {
                o.push_str(&bullet(&format!("{}: {}", f.name, f.text), &f.sources));
            }
        }
        Topic::Variations => {
            heading(&mut o, "Variations by level");
            for level in Level::ALL {
                sub(&mut o, &capital(level.as_str()));
                for v in k.variations_for(*level) {
                    let props = if v.props.is_empty() {
                        String::new()
                    } else {
                        format!(" Props: {}.", v.props.join(", "))
                    };
                    o.push_str(&wrap(
                        "  - ",
                        4,
                        &format!(
                            "{} [{}]: {}{props} {}",
                            v.name,
                            v.id,
                            v.text,
                            tag(&v.sources)
                        ),
                    ));
                }
            }
            sub(&mut o, "Level-up poses");
            for e in &k.level_up {
                if let Some(p) = k.pose(&e.pose) {
                    o.push_str(&bullet(&p.display_name(), &e.sources));
                }
            }
        }
        Topic::Props => {
            heading(&mut o, "Props");
            for p in &k.props {
                o.push_str(&bullet(
                    &format!("{} [{}]: {}", p.name, p.id, p.text),
                    &p.sources,
                ));
            }
            sub(&mut o, "Modifications: when to use each");
            for m in &k.modifications {
                let props = if m.props.is_empty() {
                    String::new()
                } else {
                    format!(" Props: {}.", m.props.join(", "))
                };
                o.push_str(&wrap(
                    "  - ",
                    4,
                    &format!("When: {} Do: {}{props} {}", m.when, m.what, tag(&m.sources)),
                ));
            }
        }
        Topic::Mistakes => {
            heading(&mut o, "Common mistakes and their corrections");
            for m in &k.mistakes {
                o.push_str(&wrap(
                    "  - ",
                    4,
                    &format!("{} [{}]: {} {}", m.name, m.id, m.text, tag(&m.sources)),
                ));
                for c in k.corrections_for(m.id) {
                    o.push_str(&wrap(
                        "      fix: ",
                        11,
                        &format!("{} {}", c.text, tag(&c.sources)),
                    ));
                }
                if !m.props.is_empty() {
                    o.push_str(&wrap("      props: ", 13, &m.props.join(", ")));
                }
            }
        }
        Topic::Contraindications => {
            heading(
                &mut o,
                "Contraindications (severity: modify < supervised < avoid)",
            );
            for c in k
                .conditions
                .iter()
                .filter(|c| c.id != crate::ConditionId::None)
            {
                let decision = c
                    .views
                    .iter()
                    .map(|v| v.decision)
                    .max()
                    .unwrap_or(Decision::Proceed);
                sub(&mut o, &format!("{} [{}]", c.name, c.id));
                for v in &c.views {
                    o.push_str(&wrap(
                        "  - ",
                        4,
                        &format!("{}: {} [{}]", v.decision, v.text, v.source),
                    ));
                }
                for t in &c.trimesters {
                    for v in &t.views {
                        o.push_str(&wrap(
                            "  - ",
                            4,
                            &format!(
                                "trimester {}: {}: {} [{}]",
                                t.trimester, v.decision, v.text, v.source
                            ),
                        ));
                    }
                }
                if c.trimesters.is_empty() {
                    o.push_str(&format!("  Janu decides: {decision}\n"));
                }
            }
            sub(&mut o, "Warning signs: stop or adapt at once");
            for w in &k.warning_signs {
                o.push_str(&bullet(&w.text, &w.sources));
            }
        }
        Topic::Sequence => {
            heading(&mut o, "Sequencing");
            sub(&mut o, "Before (warm-ups)");
            for e in &k.sequence.before {
                if let Some(p) = k.pose(&e.pose) {
                    o.push_str(&bullet(&p.display_name(), &e.sources));
                }
            }
            sub(&mut o, "After (follow-ups)");
            for e in &k.sequence.after {
                if let Some(p) = k.pose(&e.pose) {
                    o.push_str(&bullet(&p.display_name(), &e.sources));
                }
            }
            sub(&mut o, "Why");
            for f in &k.sequence.notes {
                o.push_str(&bullet(&f.text, &f.sources));
            }
        }
        Topic::Breath => {
            heading(&mut o, "Breath");
            for f in &k.breath.guidance {
                o.push_str(&bullet(&f.text, &f.sources));
            }
            sub(&mut o, "Hold lengths in the references");
            for h in &k.breath.reference_holds {
                o.push_str(&bullet(&h.text, &h.sources));
            }
            sub(&mut o, "Janu's hold per side, by level (5-second breaths)");
            for h in &k.breath.level_holds {
                let s = h.seconds;
                o.push_str(&wrap(
                    "  - ",
                    4,
                    &format!(
                        "{}: {}-{} s ({}-{} breaths), {} s to start. {} {}",
                        h.level,
                        s.min,
                        s.max,
                        s.min / crate::SECONDS_PER_BREATH,
                        s.max / crate::SECONDS_PER_BREATH,
                        s.base,
                        h.text,
                        tag(&h.sources)
                    ),
                ));
            }
        }
        Topic::Energy => {
            heading(&mut o, "Energetic pathways");
            for (kind, title) in [
                (EnergyKind::Vayu, "Vayus"),
                (EnergyKind::Nadi, "Nadis"),
                (EnergyKind::Chakra, "Chakras"),
                (EnergyKind::Prana, "Prana"),
            ] {
                sub(&mut o, title);
                for e in k.energy.iter().filter(|e| e.kind == kind) {
                    o.push_str(&bullet(&format!("{}: {}", e.name, e.text), &e.sources));
                }
            }
        }
        Topic::Ayurveda => {
            heading(&mut o, "Ayurvedic view");
            for a in &k.ayurveda {
                o.push_str(&bullet(
                    &format!("{} ({}): {}", a.dosha, a.effect, a.text),
                    &a.sources,
                ));
            }
        }
        Topic::Disagreements => {
            heading(&mut o, "Where the references disagree");
            for d in &k.disagreements {
                sub(&mut o, &format!("{} [{}]", d.topic, d.id));
                for v in &d.views {
                    o.push_str(&wrap("  - ", 4, &format!("[{}] {}", v.source, v.text)));
                }
                o.push_str(&wrap("  Janu: ", 8, &d.cautious));
            }
        }
    }
    o
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// One topic as JSON: the parts of the knowledge the text rendering shows.
/// (`janu pose --json` without a topic serialises the whole [`Knowledge`].)
pub fn topic_json(k: &Knowledge, topic: Topic) -> serde_json::Value {
    use serde_json::{Value, json};
    let out: Value = match topic {
        Topic::Meaning => json!({
            "names": k.names, "overview": k.overview, "meaning": k.meaning
        }),
        Topic::Muscles => json!({ "anatomy": k.anatomy, "muscles": k.muscles }),
        Topic::Joints => json!({ "joints": k.joints }),
        Topic::Steps => json!({ "techniques": k.techniques }),
        Topic::Benefits => json!({ "benefits": k.benefits }),
        Topic::Therapy => json!({
            "therapy": k.therapy, "therapy_notes": k.therapy_notes, "fascia": k.fascia
        }),
        Topic::Variations => json!({ "variations": k.variations, "level_up": k.level_up }),
        Topic::Props => json!({ "props": k.props, "modifications": k.modifications }),
        Topic::Mistakes => json!({ "mistakes": k.mistakes, "corrections": k.corrections }),
        Topic::Contraindications => json!({
            "conditions": k.conditions, "warning_signs": k.warning_signs
        }),
        Topic::Sequence => json!({ "sequence": k.sequence, "poses": k.poses }),
        Topic::Breath => json!({ "breath": k.breath }),
        Topic::Energy => json!({ "energy": k.energy }),
        Topic::Ayurveda => json!({ "ayurveda": k.ayurveda }),
        Topic::Disagreements => json!({ "disagreements": k.disagreements }),
    };
    out
}

/// A screening as text.
pub fn screening_text(k: &Knowledge, s: &Screening) -> String {
    let mut o = String::new();
    let conds: Vec<&str> = s.conditions.iter().map(|c| c.as_str()).collect();
    let t = s
        .trimester
        .map(|t| format!(" (trimester {t})"))
        .unwrap_or_default();
    o.push_str(&format!("Screening for: {}{t}\n", conds.join(", ")));
    o.push_str(&format!(
        "Decision: {}\n",
        s.decision.as_str().to_uppercase()
    ));
    o.push_str(&wrap("", 0, &s.summary));
    if !s.reasons.is_empty() {
        sub(&mut o, "Reasons");
        for r in &s.reasons {
            o.push_str(&wrap(
                "  - ",
                4,
                &format!("{} [{}] {}: {}", r.condition, r.source, r.decision, r.text),
            ));
        }
    }
    if !s.cautious_choices.is_empty() {
        sub(&mut o, "Where the references disagree");
        for c in &s.cautious_choices {
            o.push_str(&wrap("  - ", 4, &c.note));
        }
    }
    if let Some(v) = s.variation.as_deref().and_then(|v| k.variation(v)) {
        sub(&mut o, "Variation");
        o.push_str(&wrap(
            "  ",
            2,
            &format!("{} [{}]: {}", v.name, v.id, v.text),
        ));
    }
    if !s.props.is_empty() {
        sub(&mut o, "Props");
        for p in s.props.iter().filter_map(|p| k.prop(p)) {
            o.push_str(&wrap(
                "  - ",
                4,
                &format!("{} [{}]: {}", p.name, p.id, p.text),
            ));
        }
    }
    if !s.excluded_tags.is_empty() {
        sub(&mut o, "Leave out");
        o.push_str(&wrap(
            "  ",
            2,
            &format!("poses tagged: {}", s.excluded_tags.join(", ")),
        ));
    }
    sub(&mut o, "Stop or adapt at once on");
    for w in &s.warning_signs {
        o.push_str(&wrap("  - ", 4, w));
    }
    o
}

/// A plan as text.
pub fn plan_text(k: &Knowledge, p: &Plan) -> String {
    let mut o = String::new();
    let mm = |s: u32| format!("{}:{:02}", s / 60, s % 60);
    o.push_str(&format!(
        "Janusirsasana practice: {} level, {} minutes asked, {} planned\n",
        p.level,
        p.minutes,
        mm(p.total_seconds)
    ));
    if let Some(v) = k.variation(&p.variation) {
        o.push_str(&wrap("", 2, &format!("Variation: {} [{}]", v.name, v.id)));
    }
    if !p.props.is_empty() {
        o.push_str(&format!("Props: {}\n", p.props.join(", ")));
    }
    if !p.goals.is_empty() {
        let g: Vec<&str> = p.goals.iter().map(|g| g.as_str()).collect();
        o.push_str(&format!("Goals: {}\n", g.join(", ")));
    }
    let mut section: Option<Section> = None;
    let mut t = 0;
    for s in &p.steps {
        if section != Some(s.section) {
            sub(&mut o, s.section.label());
            section = Some(s.section);
        }
        let hold = if s.section == Section::Main {
            format!(", hold {} s = {} breaths", s.hold_seconds, s.breaths)
        } else {
            String::new()
        };
        o.push_str(&wrap(
            &format!("  {:>2}. {} ", s.index, mm(t)),
            12,
            &format!("{} ({} s{hold}) {}", s.name, s.seconds, tag(&s.sources)),
        ));
        t += s.seconds;
    }
    o.push_str(&format!("      {}  end\n", mm(t)));
    sub(&mut o, "Notes");
    for n in &p.notes {
        o.push_str(&wrap("  - ", 4, n));
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_width_and_words() {
        let text = "word ".repeat(60);
        let w = wrap("  - ", 4, &text);
        assert!(w.lines().all(|l| l.chars().count() <= WIDTH));
        assert_eq!(w.split_whitespace().filter(|x| *x == "word").count(), 60);
    }

    #[test]
    fn every_topic_renders_with_sources() {
        let k = crate::knowledge();
        for t in Topic::ALL {
            let text = topic_text(k, *t);
            assert!(text.lines().count() > 3, "{t}");
            assert!(text.contains("[A") || text.contains("[B"), "{t}");
        }
    }
}
