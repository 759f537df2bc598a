//! Properties every plan must have, across levels, lengths and options.

use janu_pose::{
    ConditionId, GoalId, Level, MAX_MINUTES, MIN_MINUTES, Plan, PlanRequest, PoseError, Section,
    Side, knowledge, plan,
};
use rstest::rstest;

fn main_holds(p: &Plan, side: Side) -> Vec<u32> {
    p.steps
        .iter()
        .filter(|s| s.extended_leg == Some(side))
        .map(|s| s.hold_seconds)
        .collect()
}

#[rstest]
fn whole_session_shape(
    #[values(Level::Beginner, Level::Intermediate, Level::Advanced)] level: Level,
    #[values(5, 6, 10, 15, 20, 30, 45, 60)] minutes: u32,
    #[values(None, Some(Side::Left), Some(Side::Right))] tighter: Option<Side>,
) {
    let mut req = PlanRequest::new(level, minutes);
    req.tighter_side = tighter;
    let p = plan(&req).unwrap();
    let budget = minutes * 60;
    assert!(
        p.total_seconds.abs_diff(budget) * 10 <= budget,
        "{level} {minutes} min: {} s",
        p.total_seconds
    );
    assert_eq!(
        p.total_seconds,
        p.steps.iter().map(|s| s.seconds).sum::<u32>()
    );
    p.check().unwrap();
    // Sections in order: warm-ups, main, follow-ups, closing breath.
    let sections: Vec<Section> = p.steps.iter().map(|s| s.section).collect();
    assert!(sections.windows(2).all(|w| w[0] <= w[1]), "{sections:?}");
    assert_eq!(sections[0], Section::WarmUp);
    assert!(sections.contains(&Section::FollowUp));
    assert_eq!(p.steps.last().unwrap().pose, "nadi-shodhana");
    // The pose starts from Dandasana.
    let first_main = p
        .steps
        .iter()
        .position(|s| s.section == Section::Main)
        .unwrap();
    assert_eq!(p.steps[first_main - 1].pose, "dandasana");
    // Both sides, equally often, each naming the extended leg.
    let (left, right) = (main_holds(&p, Side::Left), main_holds(&p, Side::Right));
    assert!(!left.is_empty() && left.len() == right.len());
    for s in p.steps.iter().filter(|s| s.section == Section::Main) {
        assert_eq!(s.pose, "janusirsasana");
        assert!(s.extended_leg.is_some());
        assert!(
            s.name
                .contains(&format!("{} leg extended", s.extended_leg.unwrap()))
        );
        assert_eq!(s.breaths * p.seconds_per_breath, s.hold_seconds);
    }
    // The tighter side holds longer; otherwise both sides hold the same.
    match tighter {
        Some(Side::Left) => assert!(left[0] > right[0], "{left:?} {right:?}"),
        Some(Side::Right) => assert!(right[0] > left[0], "{left:?} {right:?}"),
        None => assert_eq!(left, right),
    }
    // Every step has its cues inside it, and every pose is in the catalogue.
    for s in &p.steps {
        assert!(knowledge().pose(&s.pose).is_some(), "{}", s.pose);
        assert!(!s.cues.is_empty());
    }
}

#[test]
fn holds_stay_within_the_level_guidance() {
    for level in Level::ALL {
        let range = knowledge().level_hold(*level).unwrap().seconds;
        for minutes in [MIN_MINUTES, 20, MAX_MINUTES] {
            let p = plan(&PlanRequest::new(*level, minutes)).unwrap();
            for h in main_holds(&p, Side::Left) {
                assert!(
                    (range.min..=range.max).contains(&h),
                    "{level} {minutes}: {h}"
                );
            }
        }
    }
}

#[test]
fn plans_are_deterministic() {
    let mut req = PlanRequest::new(Level::Intermediate, 25);
    req.goals = vec![GoalId::Digestion, GoalId::StressSleep];
    req.tighter_side = Some(Side::Right);
    let a = serde_json::to_string(&plan(&req).unwrap()).unwrap();
    let b = serde_json::to_string(&plan(&req).unwrap()).unwrap();
    assert_eq!(a, b);
}

#[rstest]
#[case(ConditionId::SciaticaFlare, None)]
#[case(ConditionId::SacroiliacInstability, None)]
#[case(ConditionId::Pregnancy, Some(1))]
#[case(ConditionId::HerniatedDisc, None)]
fn screening_is_honoured(#[case] c: ConditionId, #[case] trimester: Option<u8>) {
    let mut req = PlanRequest::new(Level::Advanced, 45);
    req.conditions = vec![c];
    req.trimester = trimester;
    let screening = janu_pose::screen(&janu_pose::ScreeningInput::new(vec![c], trimester).unwrap());
    match plan(&req) {
        Err(PoseError::NotAdvised { .. }) => {
            assert_eq!(screening.decision, janu_pose::Decision::Avoid);
        }
        Ok(p) => {
            assert_eq!(p.screening, screening);
            assert_eq!(Some(&p.variation), screening.variation.as_ref());
            for prop in &screening.props {
                assert!(p.props.contains(prop), "{prop}");
            }
            for s in &p.steps {
                let pose = knowledge().pose(&s.pose).unwrap();
                if s.section != Section::Main {
                    for tag in &screening.excluded_tags {
                        assert!(!pose.tags.contains(tag), "{c}: {} is {tag}", s.pose);
                    }
                }
            }
            // Modified practice keeps the beginner's holds.
            let beginner = knowledge().level_hold(Level::Beginner).unwrap().seconds;
            assert!(
                main_holds(&p, Side::Left)
                    .iter()
                    .all(|h| *h <= beginner.max)
            );
        }
        Err(e) => panic!("{c}: {e}"),
    }
}

#[test]
fn avoid_refuses_with_the_reasons() {
    let mut req = PlanRequest::new(Level::Beginner, 20);
    req.conditions = vec![ConditionId::BreathingConstraint];
    let err = plan(&req).unwrap_err().to_string();
    assert!(err.contains("avoid"), "{err}");
    assert!(err.contains("breathing-constraint (B)"), "{err}");
}

#[test]
fn goals_shape_the_session() {
    let mut req = PlanRequest::new(Level::Beginner, 10);
    req.goals = vec![GoalId::Digestion];
    let p = plan(&req).unwrap();
    let poses: Vec<&str> = p.steps.iter().map(|s| s.pose.as_str()).collect();
    assert!(
        poses.contains(&"gentle-twists") || poses.contains(&"ardha-matsyendrasana"),
        "{poses:?}"
    );
    assert!(p.notes.iter().any(|n| n.contains("digestion")));
    let mut req = PlanRequest::new(Level::Advanced, 30);
    req.goals = vec![GoalId::MildSciatica];
    let p = plan(&req).unwrap();
    assert!(
        !p.steps
            .iter()
            .any(|s| s.pose == "uttanasana" || s.pose == "paschimottanasana")
    );
}

#[rstest]
#[case(0)]
#[case(4)]
#[case(61)]
#[case(10_000)]
fn minutes_out_of_range(#[case] minutes: u32) {
    let err = plan(&PlanRequest::new(Level::Beginner, minutes)).unwrap_err();
    assert!(matches!(err, PoseError::MinutesOutOfRange { .. }), "{err}");
}
