//! The screening decision for every condition id, and how conditions combine.

use janu_pose::{ConditionId as C, Decision as D, ScreeningInput, Source, screen};
use rstest::rstest;

#[rstest]
#[case(C::None, None, D::Proceed, false)]
#[case(C::AcuteHamstringInjury, None, D::Avoid, false)]
#[case(C::HamstringCalfOrLowBackInjury, None, D::Avoid, false)]
#[case(C::HerniatedDisc, None, D::Avoid, true)]
#[case(C::SciaticaFlare, None, D::Supervised, false)]
#[case(C::SciaticaMild, None, D::Modify, false)]
#[case(C::SacroiliacInstability, None, D::Modify, false)]
#[case(C::KneeInjuryRecent, None, D::Avoid, true)]
#[case(C::KneeInjuryOld, None, D::Modify, false)]
#[case(C::SpinalInjury, None, D::Avoid, false)]
#[case(C::Pregnancy, Some(1), D::Modify, false)]
#[case(C::Pregnancy, Some(2), D::Supervised, false)]
#[case(C::Pregnancy, Some(3), D::Avoid, false)]
#[case(C::SevereHipArthritis, None, D::Supervised, false)]
#[case(C::BreathingConstraint, None, D::Avoid, false)]
#[case(C::Diarrhea, None, D::Avoid, false)]
fn decision_per_condition(
    #[case] c: C,
    #[case] trimester: Option<u8>,
    #[case] want: D,
    #[case] references_disagree: bool,
) {
    let s = screen(&ScreeningInput::new(vec![c], trimester).unwrap());
    assert_eq!(s.decision, want, "{c}");
    assert_eq!(!s.cautious_choices.is_empty(), references_disagree, "{c}");
    assert!(!s.reasons.is_empty(), "{c}: no reason");
    if c != C::None {
        // Every reason names its reference; a `J` reason is Janu's own rule and
        // comes with the reference reason it builds on.
        assert!(
            s.reasons
                .iter()
                .any(|r| matches!(r.source, Source::A | Source::B)),
            "{c}: every reason names its reference"
        );
        assert!(
            s.reasons
                .iter()
                .all(|r| matches!(r.source, Source::A | Source::B)
                    || (r.source == Source::J && r.text.starts_with("Janu's rule, built on A"))),
            "{c}: every reason names its reference"
        );
    }
    let modified = matches!(want, D::Modify | D::Supervised);
    assert_eq!(
        s.variation.is_some(),
        modified,
        "{c}: variation when modifying"
    );
    if modified && c != C::SciaticaMild {
        assert!(!s.props.is_empty(), "{c}: props when modifying");
    }
    assert!(s.warning_signs.len() >= 3);
}

#[test]
fn every_condition_id_is_in_the_table() {
    // Keep the table above in step with the enum.
    assert_eq!(C::ALL.len(), 14);
}

#[rstest]
#[case(&[C::KneeInjuryOld, C::SacroiliacInstability], D::Modify)]
#[case(&[C::KneeInjuryOld, C::SevereHipArthritis], D::Supervised)]
#[case(&[C::SciaticaMild, C::Diarrhea], D::Avoid)]
#[case(&[C::Diarrhea, C::Diarrhea], D::Avoid)]
fn several_conditions_take_the_most_cautious(#[case] cs: &[C], #[case] want: D) {
    let s = screen(&ScreeningInput::new(cs.to_vec(), None).unwrap());
    assert_eq!(s.decision, want);
}

#[test]
fn order_of_conditions_does_not_change_the_answer() {
    let a = screen(&ScreeningInput::new(vec![C::KneeInjuryOld, C::SciaticaFlare], None).unwrap());
    let b = screen(&ScreeningInput::new(vec![C::SciaticaFlare, C::KneeInjuryOld], None).unwrap());
    assert_eq!(a.decision, b.decision);
    assert_eq!(a.props, b.props);
    assert_eq!(a.variation, b.variation);
}
