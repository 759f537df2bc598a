//! Every knowledge item the references give (and the issue lists) is present.
//! Each list below was made by going through references A and B line by line;
//! removing an item from the data makes this test fail and name it.

use janu_pose::{
    BenefitKind, BodySide, ConditionId, Decision, EnergyKind, GoalId, Knowledge, Level, MistakeId,
    MuscleGroup, Phase, Source, Tradition, knowledge,
};

fn ids<'a>(it: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    it.into_iter().collect()
}

fn assert_has(list: &str, have: &[&str], want: &[&str]) {
    let missing: Vec<&&str> = want.iter().filter(|w| !have.contains(w)).collect();
    assert!(missing.is_empty(), "{list}: missing {missing:?}");
}

#[test]
fn names_and_meaning() {
    let k = knowledge();
    let names = ids(k.names.iter().map(|n| n.text.as_str()));
    assert_has(
        "names",
        &names,
        &[
            "Janusirsasana",
            "Janu Sirsasana",
            "Janushirasana",
            "Janushirshasana",
            "Head-to-Knee Pose",
        ],
    );
    let parts: Vec<(&str, &str)> = k
        .meaning
        .parts
        .iter()
        .map(|p| (p.part.as_str(), p.meaning.as_str()))
        .collect();
    for (part, meaning) in [("Janu", "knee"), ("Sirsa", "head"), ("Asana", "posture")] {
        assert!(
            parts
                .iter()
                .any(|(p, m)| p.starts_with(part) && m.contains(meaning)),
            "name part {part} = {meaning} missing"
        );
    }
    for t in [
        Tradition::Sanskrit,
        Tradition::VedicUpanishadic,
        Tradition::Mythological,
        Tradition::YogicInterpretation,
    ] {
        assert!(
            k.meaning.symbolism.iter().any(|s| s.tradition == t),
            "{t:?}"
        );
    }
    assert_has(
        "symbolism",
        &ids(k.meaning.symbolism.iter().map(|s| s.id.as_str())),
        &[
            "name-as-introspection",
            "bowing-as-surrender",
            "pranidhana",
            "dual-forces",
            "chariot",
            "tapas",
            "metaphor-inward",
            "archer",
            "devotional-bow",
            "inward-arc",
            "dissolving-resistance",
            "two-points-of-awareness",
            "teaching",
        ],
    );
    assert_has(
        "overview",
        &ids(k.overview.iter().map(|f| f.id.as_str())),
        &[
            "classical-seated-fold",
            "one-sided-stretch",
            "asymmetric-fold-with-twist",
            "intense-but-accessible",
            "grounding-and-opening",
            "side-dominance",
            "styles",
            "closing-summary",
            "uses",
            "keep-practising",
        ],
    );
}

#[test]
fn muscles_ten_primary_nine_secondary_with_roles() {
    let k = knowledge();
    let group = |g| {
        ids(k
            .muscles
            .iter()
            .filter(|m| m.group == g)
            .map(|m| m.id.as_str()))
    };
    let primary = [
        "hamstrings",
        "calf-complex",
        "erector-spinae",
        "multifidus",
        "rectus-abdominis",
        "obliques",
        "gluteus-medius-minimus",
        "deep-hip-rotators",
        "quadratus-lumborum",
        "iliopsoas",
    ];
    let secondary = [
        "transverse-abdominis",
        "pelvic-floor",
        "adductors",
        "iliotibial-band-tfl",
        "iliopsoas-extended-side",
        "intercostals",
        "serratus-anterior",
        "rhomboids-middle-trapezius",
        "forearm-muscles",
    ];
    assert_eq!(group(MuscleGroup::Primary), primary);
    assert_eq!(group(MuscleGroup::Secondary), secondary);
    assert!(
        k.muscles
            .iter()
            .all(|m| m.role.split_whitespace().count() >= 4)
    );
    let hams = k.muscles.iter().find(|m| m.id == "hamstrings").unwrap();
    assert_eq!(hams.side, BodySide::ExtendedLeg);
    for part in ["biceps femoris", "semitendinosus", "semimembranosus"] {
        assert!(hams.name.to_lowercase().contains(part));
    }
    assert_has(
        "anatomy",
        &ids(k.anatomy.iter().map(|f| f.id.as_str())),
        &[
            "compound-actions",
            "asymmetry-is-key",
            "extended-leg-component",
            "bent-leg-component",
            "spine-component",
            "shoulder-component",
            "reveals-imbalances",
            "whole-back-stretch",
        ],
    );
}

#[test]
fn joints_each_with_mechanics() {
    let k = knowledge();
    for id in ["hips", "knees", "spine", "shoulders-arms", "ankles"] {
        let j = k
            .joints
            .iter()
            .find(|j| j.id == id)
            .unwrap_or_else(|| panic!("joint {id}"));
        assert!(!j.actions.is_empty(), "{id}");
    }
    let hips = k.joints.iter().find(|j| j.id == "hips").unwrap();
    assert!(hips.actions.iter().any(|a| a.contains("Extended leg")));
    assert!(hips.actions.iter().any(|a| a.contains("Bent leg")));
}

#[test]
fn both_techniques_with_breath_entry_and_exit() {
    let k = knowledge();
    for (id, source, steps) in [("steps-a", Source::A, 10), ("steps-b", Source::B, 9)] {
        let t = k.techniques.iter().find(|t| t.id == id).unwrap();
        assert_eq!(t.source, source);
        assert_eq!(t.steps.len(), steps, "{id}: every step of the reference");
        let phases: Vec<Phase> = t.steps.iter().map(|s| s.phase).collect();
        for p in [
            Phase::Setup,
            Phase::Entry,
            Phase::Fold,
            Phase::Hold,
            Phase::Exit,
        ] {
            assert!(phases.contains(&p), "{id}: no {p:?} step");
        }
        use janu_pose::BreathCue::*;
        assert!(
            t.steps.iter().any(|s| s.breath == Inhale),
            "{id}: no inhale"
        );
        assert!(
            t.steps.iter().any(|s| s.breath == Exhale),
            "{id}: no exhale"
        );
        let fold = t.steps.iter().find(|s| s.phase == Phase::Fold).unwrap();
        assert_eq!(fold.breath, Exhale, "{id}: fold on the exhale");
    }
}

#[test]
fn benefits_therapy_fascia_energy_ayurveda() {
    let k = knowledge();
    let benefit = |kind| {
        ids(k
            .benefits
            .iter()
            .filter(|b| b.kind == kind)
            .map(|b| b.id.as_str()))
    };
    assert_has(
        "physiological benefits",
        &benefit(BenefitKind::Physiological),
        &[
            "hamstring-hip-mobility",
            "whole-back-stretch",
            "digestion",
            "lower-back-relief",
            "posture-spinal-health",
            "pelvic-alignment",
            "respiratory-expansion",
            "circulation",
            "nervous-system-calm",
            "joint-health",
        ],
    );
    assert_has(
        "emotional benefits",
        &benefit(BenefitKind::Emotional),
        &[
            "calm-mind",
            "introspection",
            "release-held-tension",
            "safety-and-surrender",
            "patience-self-compassion",
        ],
    );
    assert_has(
        "energetic benefits",
        &benefit(BenefitKind::Energetic),
        &[
            "prana-inward-downward",
            "apana-grounding",
            "manipura-fire",
            "anahata-softening",
            "ida-pingala-balance",
            "gateway-inward",
        ],
    );
    for g in GoalId::ALL {
        assert!(k.therapy(*g).is_some(), "therapy {g}");
    }
    assert_has(
        "therapy notes",
        &ids(k.therapy_notes.iter().map(|f| f.id.as_str())),
        &["rehabilitation", "props-slow-breath"],
    );
    assert_has(
        "fascia",
        &ids(k.fascia.iter().map(|f| f.id.as_str())),
        &[
            "superficial-back-line",
            "lateral-line",
            "deep-front-line",
            "inner-thigh-hip-capsule",
            "emotional-memory",
        ],
    );
    let energy = |kind| {
        ids(k
            .energy
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.id.as_str()))
    };
    assert_has("vayus", &energy(EnergyKind::Vayu), &["apana-vayu"]);
    assert_has(
        "nadis",
        &energy(EnergyKind::Nadi),
        &["sushumna", "ida-pingala"],
    );
    assert_has(
        "chakras",
        &energy(EnergyKind::Chakra),
        &["manipura", "anahata", "lower-chakras"],
    );
    assert_has(
        "prana",
        &energy(EnergyKind::Prana),
        &["prana-flow", "pranayama-prep"],
    );
    assert_has(
        "ayurveda",
        &ids(k.ayurveda.iter().map(|a| a.id.as_str())),
        &["vata", "pitta", "kapha", "apana-harmony"],
    );
}

#[test]
fn variations_level_ups_props_and_modifications() {
    let k = knowledge();
    let by_level = |l| ids(k.variations_for(l).into_iter().map(|v| v.id.as_str()));
    assert_eq!(
        by_level(Level::Beginner),
        ["beginner-supported", "beginner-wall", "beginner-shallow"]
    );
    assert_eq!(
        by_level(Level::Intermediate),
        ["intermediate-deeper", "intermediate-twist"]
    );
    assert_eq!(
        by_level(Level::Advanced),
        [
            "advanced-bind",
            "advanced-revolved",
            "advanced-side-bend",
            "advanced-pranayama"
        ]
    );
    assert_has(
        "level-up",
        &ids(k.level_up.iter().map(|e| e.pose.as_str())),
        &[
            "janusirsasana-ii",
            "paschimottanasana",
            "ardha-baddha-padma-paschimottanasana",
            "parivrtta-janusirsasana",
        ],
    );
    assert_has(
        "props",
        &ids(k.props.iter().map(|p| p.id.as_str())),
        &["blanket", "strap", "wall", "block", "cushion", "towel"],
    );
    assert_has(
        "modifications",
        &ids(k.modifications.iter().map(|m| m.id.as_str())),
        &[
            "blanket-under-hips",
            "bend-extended-knee",
            "support-back-of-knee",
            "support-bent-hip",
            "support-bent-knee",
            "head-support",
            "strap-or-palms",
            "wall-support",
            "shallow-fold",
            "lift-for-breath",
        ],
    );
}

#[test]
fn six_mistakes_each_linked_to_corrections() {
    let k = knowledge();
    assert_eq!(k.mistakes.len(), 6);
    let expect: [(MistakeId, &[&str]); 6] = [
        (
            MistakeId::CollapsedSpine,
            &["lengthen-then-fold", "elevate-hips"],
        ),
        (
            MistakeId::ForcingHeadToKnee,
            &["breath-not-force", "micro-bend-knee", "lengthen-then-fold"],
        ),
        (MistakeId::UnevenPelvis, &["square-pelvis"]),
        (MistakeId::LockedKnee, &["micro-bend-knee"]),
        (MistakeId::PullingFoot, &["use-strap", "breath-not-force"]),
        (MistakeId::ForcedRotation, &["support-bent-leg"]),
    ];
    for (id, corrections) in expect {
        let got: Vec<&str> = k
            .corrections_for(id)
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(got, corrections, "{id}");
        assert!(!k.mistake(id).unwrap().props.is_empty(), "{id}: props");
    }
}

#[test]
fn contraindications_from_both_references_with_severity() {
    let k = knowledge();
    let view = |c: ConditionId, s: Source| {
        k.condition(c)
            .unwrap()
            .views
            .iter()
            .find(|v| v.source == s)
            .map(|v| v.decision)
    };
    use ConditionId as C;
    use Decision as D;
    let table = [
        (C::AcuteHamstringInjury, Source::A, D::Avoid),
        (C::AcuteHamstringInjury, Source::B, D::Avoid),
        (C::HamstringCalfOrLowBackInjury, Source::B, D::Avoid),
        (C::HerniatedDisc, Source::A, D::Supervised),
        (C::HerniatedDisc, Source::B, D::Avoid),
        (C::SciaticaFlare, Source::A, D::Supervised),
        (C::SciaticaMild, Source::A, D::Modify),
        (C::SacroiliacInstability, Source::A, D::Modify),
        (C::KneeInjuryRecent, Source::A, D::Modify),
        (C::KneeInjuryRecent, Source::B, D::Avoid),
        (C::KneeInjuryOld, Source::A, D::Modify),
        (C::KneeInjuryOld, Source::B, D::Modify),
        (C::SpinalInjury, Source::B, D::Avoid),
        (C::Pregnancy, Source::A, D::Modify),
        (C::SevereHipArthritis, Source::A, D::Supervised),
        (C::BreathingConstraint, Source::B, D::Avoid),
        (C::Diarrhea, Source::B, D::Avoid),
    ];
    for (c, s, d) in table {
        assert_eq!(view(c, s), Some(d), "{c} by {s}");
    }
    let breathing = k.condition(C::BreathingConstraint).unwrap();
    for ex in ["asthma", "allergies", "chest infection"] {
        assert!(breathing.examples.contains(ex), "{ex}");
    }
    assert_has(
        "warning signs",
        &ids(k.warning_signs.iter().map(|w| w.id.as_str())),
        &[
            "sharp-pain",
            "numbness",
            "pulling-sensation",
            "shallow-breath",
            "back-of-knee-pain",
        ],
    );
}

#[test]
fn sequencing_from_both_references() {
    let k = knowledge();
    let has = |list: &[janu_pose::SequenceEntry], pose: &str, s: Source| {
        list.iter()
            .any(|e| e.pose == pose && e.sources.contains(&s))
    };
    for pose in [
        "sukhasana-side-bends",
        "dandasana",
        "baddha-konasana",
        "paschimottanasana-prep",
        "gentle-twists",
        "cat-cow",
        "standing-hamstring-warmup",
    ] {
        assert!(
            has(&k.sequence.before, pose, Source::A),
            "before, A: {pose}"
        );
    }
    for pose in ["dandasana", "baddha-konasana", "uttanasana"] {
        assert!(
            has(&k.sequence.before, pose, Source::B),
            "before, B: {pose}"
        );
    }
    for pose in [
        "paschimottanasana",
        "ardha-matsyendrasana",
        "upavistha-konasana",
        "supine-spinal-twist",
        "nadi-shodhana",
    ] {
        assert!(has(&k.sequence.after, pose, Source::A), "after, A: {pose}");
    }
    for pose in ["cat-cow", "supta-baddha-konasana"] {
        assert!(has(&k.sequence.after, pose, Source::B), "after, B: {pose}");
    }
}

#[test]
fn breath_guidance_holds_and_disagreements() {
    let k = knowledge();
    assert_has(
        "breath guidance",
        &ids(k.breath.guidance.iter().map(|f| f.id.as_str())),
        &[
            "exhale-to-fold",
            "no-forced-inhale",
            "lift-if-shallow",
            "no-retention",
            "traditional-retention",
            "long-hold-even-breath",
            "soft-throat",
            "slow-continuous",
            "ujjayi-intermediate",
            "pranayama-advanced",
            "breath-focus-calms",
            "closing-nadi-shodhana",
        ],
    );
    let hold = |id: &str| {
        k.breath
            .reference_holds
            .iter()
            .find(|h| h.id == id)
            .unwrap()
    };
    assert_eq!(
        hold("a-steps-breaths").breaths.map(|r| (r.min, r.max)),
        Some((10, 20))
    );
    assert_eq!(
        hold("a-intermediate-seconds")
            .seconds
            .map(|r| (r.min, r.max)),
        Some((30, 60))
    );
    assert_eq!(
        hold("b-few-seconds-to-minute").seconds.map(|r| r.max),
        Some(60)
    );
    for level in Level::ALL {
        assert!(k.level_hold(*level).is_some(), "{level}");
    }
    for id in ["breath-retention", "hold-length", "ruling-out"] {
        let d = k
            .disagreement(id)
            .unwrap_or_else(|| panic!("disagreement {id}"));
        assert!(d.views.iter().any(|v| v.source == Source::A));
        assert!(d.views.iter().any(|v| v.source == Source::B));
    }
}

#[test]
fn validation_catches_broken_links_and_missing_sources() {
    let text = include_str!("../data/janusirsasana.toml");
    let broken = text.replacen(
        "corrections = [\"square-pelvis\"]",
        "corrections = [\"no-such-correction\"]",
        1,
    );
    let err = Knowledge::from_toml(&broken).unwrap_err().to_string();
    assert!(
        err.contains("unknown correction `no-such-correction`"),
        "{err}"
    );
    let unsourced = text.replacen("sources = [\"A\"]\n", "sources = []\n", 1);
    let err = Knowledge::from_toml(&unsourced).unwrap_err().to_string();
    assert!(err.contains("no reference"), "{err}");
    let emptied = text.replacen("text = \"Sit higher", "text = \"  \"\n# \"", 1);
    let err = Knowledge::from_toml(&emptied).unwrap_err().to_string();
    assert!(err.contains("empty text"), "{err}");
}

/// Facts carry over, sentences do not: no run of this many words from a reference
/// (names and lists of muscles are shorter than this)
/// appears in the data.
const COPIED_RUN_WORDS: usize = 7;

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[test]
fn written_in_own_words() {
    let Some(seeds) = janu_testkit::shared_seeds() else {
        return;
    };
    let dir = std::fs::read_dir(&seeds).unwrap();
    let mut runs = std::collections::BTreeSet::new();
    for entry in dir.flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        for w in words(&text).windows(COPIED_RUN_WORDS) {
            runs.insert(w.join(" "));
        }
    }
    let data = serde_json::to_string(knowledge()).unwrap();
    let copied: Vec<String> = words(&data)
        .windows(COPIED_RUN_WORDS)
        .map(|w| w.join(" "))
        .filter(|r| runs.contains(r))
        .collect();
    assert!(copied.is_empty(), "copied from a reference: {copied:#?}");
}

#[test]
fn no_command_line_flags_in_the_data() {
    // The web pages show this text too; flags are the command line's words.
    let data = serde_json::to_string(knowledge()).unwrap();
    let flags: Vec<String> = data
        .match_indices("--")
        .filter(|(i, _)| {
            data[i + 2..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
        })
        .map(|(i, _)| data[i..].chars().take(16).collect())
        .collect();
    assert!(flags.is_empty(), "{flags:?}");
}
