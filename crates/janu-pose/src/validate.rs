//! Checks that make the knowledge trustworthy: every item has a reference, no text
//! is empty, ids are unique, every link resolves, and every id enum is covered.

use std::collections::BTreeSet;

use crate::error::PoseError;
use crate::ids::{ConditionId, Decision, GoalId, Level, MistakeId, Source};
use crate::model::Knowledge;

/// Tags a condition or goal may exclude; each must be on at least one pose.
const KNOWN_EXCLUDABLE_TAGS: &[&str] = &["deep-fold", "forward-fold", "twist"];

/// Validate knowledge; collects every problem before failing.
///
/// # Errors
///
/// [`PoseError::InvalidKnowledge`] listing every problem found.
pub fn validate(k: &Knowledge) -> Result<(), PoseError> {
    let mut v = Checker::default();
    v.check(k);
    if v.problems.is_empty() {
        Ok(())
    } else {
        Err(PoseError::InvalidKnowledge(v.problems.join("; ")))
    }
}

#[derive(Default)]
struct Checker {
    problems: Vec<String>,
}

impl Checker {
    fn fail(&mut self, msg: String) {
        self.problems.push(msg);
    }

    fn text(&mut self, what: &str, text: &str) {
        if text.trim().is_empty() {
            self.fail(format!("{what}: empty text"));
        }
    }

    /// A knowledge item needs at least one of the references A and B.
    fn sources(&mut self, what: &str, sources: &[Source]) {
        if !sources.iter().any(|s| matches!(s, Source::A | Source::B)) {
            self.fail(format!("{what}: no reference (A or B) given"));
        }
    }

    /// A part of an item that may be Janu's own (`J`) must still say where it comes from.
    fn any_source(&mut self, what: &str, sources: &[Source]) {
        if sources.is_empty() {
            self.fail(format!("{what}: no source given"));
        }
    }

    fn unique<'a>(&mut self, list: &str, ids: impl IntoIterator<Item = &'a str>) {
        let mut seen = BTreeSet::new();
        for id in ids {
            if id.trim().is_empty() {
                self.fail(format!("{list}: empty id"));
            }
            if !seen.insert(id) {
                self.fail(format!("{list}: duplicate id `{id}`"));
            }
        }
    }

    fn link(&mut self, from: &str, kind: &str, id: &str, ok: bool) {
        if !ok {
            self.fail(format!("{from}: unknown {kind} `{id}`"));
        }
    }

    fn check(&mut self, k: &Knowledge) {
        let prop = |id: &str| k.prop(id).is_some();
        let pose = |id: &str| k.pose(id).is_some();
        let tags: BTreeSet<&str> = k
            .poses
            .iter()
            .flat_map(|p| p.tags.iter().map(String::as_str))
            .collect();

        for s in [Source::A, Source::B] {
            if !k.sources.iter().any(|i| i.id == s && !i.file.is_empty()) {
                self.fail(format!("sources: reference {s} missing"));
            }
        }
        self.unique("names", k.names.iter().map(|n| n.id.as_str()));
        for n in &k.names {
            self.text(&format!("name {}", n.id), &n.text);
            self.sources(&format!("name {}", n.id), &n.sources);
        }
        self.facts("overview", &k.overview);
        for p in &k.meaning.parts {
            self.text(&format!("name part {}", p.part), &p.meaning);
            self.sources(&format!("name part {}", p.part), &p.sources);
        }
        self.unique(
            "symbolism",
            k.meaning.symbolism.iter().map(|s| s.id.as_str()),
        );
        for s in &k.meaning.symbolism {
            self.text(&format!("symbol {}", s.id), &s.text);
            self.sources(&format!("symbol {}", s.id), &s.sources);
        }
        self.facts("anatomy", &k.anatomy);
        self.unique("muscles", k.muscles.iter().map(|m| m.id.as_str()));
        for m in &k.muscles {
            self.text(&format!("muscle {}", m.id), &m.name);
            self.text(&format!("muscle {}", m.id), &m.role);
            self.sources(&format!("muscle {}", m.id), &m.sources);
        }
        self.unique("joints", k.joints.iter().map(|j| j.id.as_str()));
        for j in &k.joints {
            if j.actions.is_empty() {
                self.fail(format!("joint {}: no actions", j.id));
            }
            for a in &j.actions {
                self.text(&format!("joint {}", j.id), a);
            }
            self.sources(&format!("joint {}", j.id), &j.sources);
        }
        self.unique("techniques", k.techniques.iter().map(|t| t.id.as_str()));
        for t in &k.techniques {
            self.sources(&format!("technique {}", t.id), &[t.source]);
            if t.steps.is_empty() {
                self.fail(format!("technique {}: no steps", t.id));
            }
            for (i, s) in t.steps.iter().enumerate() {
                self.text(&format!("technique {} step {}", t.id, i + 1), &s.text);
            }
        }
        self.unique("benefits", k.benefits.iter().map(|b| b.id.as_str()));
        for b in &k.benefits {
            self.text(&format!("benefit {}", b.id), &b.text);
            self.sources(&format!("benefit {}", b.id), &b.sources);
        }
        for goal in GoalId::ALL {
            if k.therapy(*goal).is_none() {
                self.fail(format!("therapy: goal `{goal}` has no entry"));
            }
        }
        self.unique("therapy", k.therapy.iter().map(|t| t.id.as_str()));
        for t in &k.therapy {
            let what = format!("therapy {}", t.id);
            self.text(&what, &t.text);
            self.text(&what, &t.plan_note);
            self.sources(&what, &t.sources);
            self.any_source(&format!("{what} plan"), &t.plan_sources);
            for f in &t.favours {
                self.link(&what, "pose", f, pose(f));
            }
            for x in &t.excludes {
                let ok = KNOWN_EXCLUDABLE_TAGS.contains(&x.as_str()) && tags.contains(x.as_str());
                self.link(&what, "pose tag", x, ok);
            }
        }
        self.facts("therapy notes", &k.therapy_notes);
        self.unique("fascia", k.fascia.iter().map(|f| f.id.as_str()));
        for f in &k.fascia {
            self.text(&format!("fascia {}", f.id), &f.text);
            self.sources(&format!("fascia {}", f.id), &f.sources);
        }
        self.unique("energy", k.energy.iter().map(|e| e.id.as_str()));
        for e in &k.energy {
            self.text(&format!("energy {}", e.id), &e.text);
            self.sources(&format!("energy {}", e.id), &e.sources);
        }
        self.unique("ayurveda", k.ayurveda.iter().map(|a| a.id.as_str()));
        for a in &k.ayurveda {
            self.text(&format!("ayurveda {}", a.id), &a.text);
            self.sources(&format!("ayurveda {}", a.id), &a.sources);
        }
        self.unique("props", k.props.iter().map(|p| p.id.as_str()));
        for p in &k.props {
            self.text(&format!("prop {}", p.id), &p.text);
            self.sources(&format!("prop {}", p.id), &p.sources);
        }
        self.unique(
            "modifications",
            k.modifications.iter().map(|m| m.id.as_str()),
        );
        for m in &k.modifications {
            let what = format!("modification {}", m.id);
            self.text(&what, &m.when);
            self.text(&what, &m.what);
            self.sources(&what, &m.sources);
            for p in &m.props {
                self.link(&what, "prop", p, prop(p));
            }
        }
        self.unique("variations", k.variations.iter().map(|v| v.id.as_str()));
        for level in Level::ALL {
            if k.variations_for(*level).is_empty() {
                self.fail(format!("variations: none for level {level}"));
            }
            match k.level_hold(*level) {
                None => self.fail(format!("breath: no level hold for {level}")),
                Some(h) => {
                    let s = h.seconds;
                    if !(s.min <= s.base && s.base <= s.max && s.min > 0) {
                        self.fail(format!("breath: level hold {level} out of order"));
                    }
                    self.sources(&format!("level hold {level}"), &h.sources);
                }
            }
        }
        for v in &k.variations {
            let what = format!("variation {}", v.id);
            self.text(&what, &v.text);
            self.sources(&what, &v.sources);
            for p in &v.props {
                self.link(&what, "prop", p, prop(p));
            }
        }
        for e in &k.level_up {
            self.link("level_up", "pose", &e.pose, pose(&e.pose));
            self.sources(&format!("level_up {}", e.pose), &e.sources);
        }
        for id in MistakeId::ALL {
            if k.mistake(*id).is_none() {
                self.fail(format!("mistakes: `{id}` missing"));
            }
        }
        self.unique("mistakes", k.mistakes.iter().map(|m| m.id.as_str()));
        for m in &k.mistakes {
            let what = format!("mistake {}", m.id);
            self.text(&what, &m.text);
            self.sources(&what, &m.sources);
            if m.corrections.is_empty() {
                self.fail(format!("{what}: no correction"));
            }
            for c in &m.corrections {
                self.link(&what, "correction", c, k.correction(c).is_some());
            }
            for p in &m.props {
                self.link(&what, "prop", p, prop(p));
            }
        }
        self.unique("corrections", k.corrections.iter().map(|c| c.id.as_str()));
        for c in &k.corrections {
            let what = format!("correction {}", c.id);
            self.text(&what, &c.text);
            self.sources(&what, &c.sources);
            for p in &c.props {
                self.link(&what, "prop", p, prop(p));
            }
            if !k.mistakes.iter().any(|m| m.corrections.contains(&c.id)) {
                self.fail(format!("{what}: no mistake links to it"));
            }
        }
        self.conditions(k, &tags);
        self.facts("warning signs", &k.warning_signs);
        self.unique("poses", k.poses.iter().map(|p| p.id.as_str()));
        for p in &k.poses {
            let what = format!("pose {}", p.id);
            self.text(&what, &p.english);
            self.text(&what, &p.cue);
            self.sources(&what, &p.sources);
            self.any_source(&format!("{what} cue"), &p.cue_sources);
            let s = p.seconds;
            if !(s.min > 0 && s.min <= s.base && s.base <= s.max) {
                self.fail(format!("{what}: seconds out of order"));
            }
        }
        for (list, entries) in [("before", &k.sequence.before), ("after", &k.sequence.after)] {
            for e in entries {
                self.link(&format!("sequence.{list}"), "pose", &e.pose, pose(&e.pose));
                self.sources(&format!("sequence.{list} {}", e.pose), &e.sources);
            }
        }
        if k.sequence.before.last().map(|e| e.pose.as_str()) != Some("dandasana") {
            self.fail("sequence.before: must end with dandasana (the pose starts there)".into());
        }
        if k.sequence.after.last().map(|e| e.pose.as_str()) != Some("nadi-shodhana") {
            self.fail("sequence.after: must end with nadi-shodhana (the closing breath)".into());
        }
        self.facts("sequence notes", &k.sequence.notes);
        self.facts("breath guidance", &k.breath.guidance);
        self.unique(
            "reference holds",
            k.breath.reference_holds.iter().map(|h| h.id.as_str()),
        );
        for h in &k.breath.reference_holds {
            self.text(&format!("reference hold {}", h.id), &h.text);
            self.sources(&format!("reference hold {}", h.id), &h.sources);
        }
        self.unique(
            "disagreements",
            k.disagreements.iter().map(|d| d.id.as_str()),
        );
        for d in &k.disagreements {
            let what = format!("disagreement {}", d.id);
            self.text(&what, &d.topic);
            self.text(&what, &d.cautious);
            let has = |s: Source| d.views.iter().any(|v| v.source == s);
            if !(has(Source::A) && has(Source::B)) {
                self.fail(format!("{what}: needs a view from both A and B"));
            }
            for view in &d.views {
                self.text(&what, &view.text);
            }
        }
    }

    fn facts(&mut self, list: &str, facts: &[crate::model::Fact]) {
        self.unique(list, facts.iter().map(|f| f.id.as_str()));
        for f in facts {
            self.text(&format!("{list} {}", f.id), &f.text);
            self.sources(&format!("{list} {}", f.id), &f.sources);
        }
    }

    fn conditions(&mut self, k: &Knowledge, tags: &BTreeSet<&str>) {
        for id in ConditionId::ALL {
            if k.condition(*id).is_none() {
                self.fail(format!("conditions: `{id}` missing"));
            }
        }
        self.unique("conditions", k.conditions.iter().map(|c| c.id.as_str()));
        for c in &k.conditions {
            let what = format!("condition {}", c.id);
            self.text(&what, &c.name);
            if c.views.is_empty() {
                self.fail(format!("{what}: no view"));
            }
            let groups = std::iter::once((what.clone(), &c.views)).chain(
                c.trimesters
                    .iter()
                    .map(|t| (format!("{what} trimester {}", t.trimester), &t.views)),
            );
            for (group, views) in groups {
                for v in views {
                    self.text(&group, &v.text);
                }
                // `none` is Janu's own statement that nothing applies; any other
                // decision rests on a reference, and a `J` rule sits next to the
                // reference view it builds on.
                if views.iter().any(|v| v.decision != Decision::Proceed) {
                    let refs: Vec<Source> = views.iter().map(|v| v.source).collect();
                    self.sources(&group, &refs);
                }
            }
            for p in &c.props {
                self.link(&what, "prop", p, k.prop(p).is_some());
            }
            if let Some(v) = &c.variation {
                self.link(&what, "variation", v, k.variation(v).is_some());
            }
            for x in &c.exclude {
                let ok = KNOWN_EXCLUDABLE_TAGS.contains(&x.as_str()) && tags.contains(x.as_str());
                self.link(&what, "pose tag", x, ok);
            }
            if c.needs_trimester {
                let got: Vec<u8> = c.trimesters.iter().map(|t| t.trimester).collect();
                if got != [1, 2, 3] {
                    self.fail(format!("{what}: trimesters must be 1, 2, 3, got {got:?}"));
                }
            }
        }
    }
}
