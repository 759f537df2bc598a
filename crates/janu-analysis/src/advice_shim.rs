//! TEMPORARY while janu-pose does not compile.
use crate::findings::{HoldGuidance, RawFinding};
use crate::level::Level;
use crate::report::{Advice, Finding};
pub struct Knowledge;
pub fn knowledge() -> &'static Knowledge {
    &Knowledge
}
pub fn attach(_k: &Knowledge, raw: RawFinding) -> Finding {
    Finding {
        id: raw.kind.id().into(),
        title: raw.kind.title().into(),
        side: raw.side,
        severity: raw.severity,
        certainty: raw.certainty,
        message: raw.message,
        evidence: raw.evidence,
        corrections: vec![],
        props: vec![],
    }
}
pub fn hold_guidance(_k: &Knowledge, l: Level) -> Option<HoldGuidance> {
    Some(match l {
        Level::Beginner => [20, 60],
        Level::Intermediate => [30, 60],
        Level::Advanced => [50, 100],
    })
}
pub fn next_variation(_k: &Knowledge, _l: Level, _b: bool) -> Option<Advice> {
    None
}
