//! Uploads through janu-pipeline (the same pipeline as `janu analyze`), its
//! errors as HTTP answers, and the mapping of a report onto the store's records.
//!
//! The work is split in two so that bad files are refused while the request is
//! still open: [`prepare`] (fast: sniff the content, decode a photo, open a
//! video's container, read a landmark file) and [`Prepared::run`] (slow: the
//! pose model, the analysis and the key frames, on a worker thread).

use std::path::Path;

use janu_analysis::{SessionReport, Severity as ReportSeverity};
use janu_body::Side as BodySide;
use janu_pipeline::{PipelineError, PipelineOptions};
use janu_store::{
    ASYMMETRY_RANGE, BREATH_RATE_RANGE_BPM, FOLD_ANGLE_RANGE_DEG, Finding, HEAD_TO_KNEE_RANGE,
    HIP_OPENING_RANGE_DEG, IDENT_MAX_CHARS, KNEE_ANGLE_RANGE_DEG, MAX_BREATHS, MAX_DURATION_S,
    MEDIA_NAME_MAX_CHARS, NewSession, PoseSegment, Severity, Side, SideSummary, Source,
    TIME_SLACK_S, UserId,
};
use time::OffsetDateTime;

use crate::ServerError;

pub use janu_pipeline::LazyEstimator;

/// Frames a second analysed in an uploaded video: breathing (0.1 to 0.5 Hz) and
/// the phases of the pose are slow, so 15 samples a second see them fully while
/// a 30 or 60 fps phone video costs half or a quarter of the model time.
pub const UPLOAD_ANALYSIS_FPS: f64 = 15.0;

/// An upload that passed the fast checks, ready for the pose model
/// ([`janu_pipeline::Input`]: `kind()`, `needs_model()`, `run(..)`).
pub type Prepared = janu_pipeline::Input;

/// How uploads are read: videos at [`UPLOAD_ANALYSIS_FPS`], never mirrored
/// (an uploaded file is a camera's own picture), a long one in pieces on
/// every core of the worker's machine.
pub fn upload_options() -> PipelineOptions {
    PipelineOptions {
        fps: Some(UPLOAD_ANALYSIS_FPS),
        segments: janu_pipeline::cores(),
        ..Default::default()
    }
}

/// Sniff `path` by content and get it ready for the worker. `name` is the file
/// name the user gave; error messages use it instead of the temporary path.
///
/// # Errors
/// As [`pipeline_error`]: 400 for an empty file, 415 when the content is not a
/// photo, a video or a landmark file Janu reads, 422 when it is one of those but
/// cannot be read.
pub fn prepare(path: &Path, name: &str) -> Result<Prepared, ServerError> {
    janu_pipeline::Input::open_named(path, name, &upload_options()).map_err(pipeline_error)
}

/// A pipeline error as an HTTP answer: the user's bad file is a 4xx with the
/// message (naming the file as the user named it); the rest is a 500 whose
/// details are only logged. Reading the upload's own temporary file is the
/// server's business, so an unreadable file is a 500 here.
pub fn pipeline_error(e: PipelineError) -> ServerError {
    match e {
        e @ PipelineError::Empty { .. } => ServerError::BadRequest(e.message()),
        e @ PipelineError::NotMedia { .. } => ServerError::UnsupportedMedia(e.message()),
        e @ (PipelineError::BadMedia { .. }
        | PipelineError::BadLandmarks { .. }
        | PipelineError::NoFrames { .. }) => ServerError::Unprocessable(e.message()),
        other => ServerError::Internal(other.message()),
    }
}

fn side(s: BodySide) -> Side {
    match s {
        BodySide::Left => Side::Left,
        BodySide::Right => Side::Right,
    }
}

/// `Some(v)` when `v` is finite and inside `range`, else `None`: a measurement
/// the store would refuse is left out rather than losing the whole session.
fn in_range(v: Option<f64>, (lo, hi): (f64, f64)) -> Option<f64> {
    v.filter(|v| v.is_finite() && *v >= lo && *v <= hi)
}

/// An identifier in the store's alphabet (`a-z`, `0-9`, `_`): the analysis names
/// mistakes with dashes (`locked-knee`), the store with underscores.
pub fn store_ident(id: &str) -> String {
    let s: String = id
        .chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' | '_' => c,
            'A'..='Z' => c.to_ascii_lowercase(),
            _ => '_',
        })
        .take(IDENT_MAX_CHARS)
        .collect();
    if s.is_empty() { "unknown".into() } else { s }
}

fn pose_ident(name: janu_analysis::PoseName) -> String {
    serde_json::to_value(name)
        .ok()
        .and_then(|v| v.as_str().map(store_ident))
        .unwrap_or_else(|| "unknown".into())
}

/// The session to save for a report: one summary per side (several attempts on
/// one side add their holds and breaths; the form measures come from the
/// longest hold), the findings with their time ranges, the segments, and the
/// whole report as JSON.
///
/// # Errors
/// [`ServerError::Internal`] when the report cannot be turned into JSON.
pub fn new_session(
    user: UserId,
    report: &SessionReport,
    media_name: &str,
    started_at: OffsetDateTime,
) -> Result<NewSession, ServerError> {
    let duration_s = if report.duration_s.is_finite() {
        report.duration_s.clamp(0.0, MAX_DURATION_S)
    } else {
        0.0
    };
    let time_ok = |t: f64| t.is_finite() && t >= 0.0 && t <= duration_s + TIME_SLACK_S;
    let mut sides = Vec::new();
    for s in [BodySide::Left, BodySide::Right] {
        let attempts: Vec<_> = report.sides.iter().filter(|a| a.side == s).collect();
        let Some(best) = attempts
            .iter()
            .copied()
            .max_by(|a, b| a.hold_s.unwrap_or(0.0).total_cmp(&b.hold_s.unwrap_or(0.0)))
        else {
            continue;
        };
        let hold: f64 = attempts.iter().filter_map(|a| a.hold_s).sum();
        let hold_s = if hold.is_finite() {
            hold.clamp(0.0, duration_s)
        } else {
            0.0
        };
        let breaths: Option<u32> = attempts
            .iter()
            .filter_map(|a| a.breath.as_ref().map(|b| b.count))
            .reduce(u32::saturating_add)
            .map(|b| b.min(MAX_BREATHS));
        let m = &best.summary;
        sides.push(SideSummary {
            side: side(s),
            fold_angle_deg: in_range(m.fold_angle_deg.map(f64::from), FOLD_ANGLE_RANGE_DEG),
            head_to_knee: in_range(m.head_to_knee.map(f64::from), HEAD_TO_KNEE_RANGE),
            knee_angle_deg: in_range(
                m.extended_knee_flexion_deg.map(|f| 180.0 - f64::from(f)),
                KNEE_ANGLE_RANGE_DEG,
            ),
            hip_opening_deg: in_range(m.thigh_angle_deg.map(f64::from), HIP_OPENING_RANGE_DEG),
            hold_s,
            breaths,
            breath_rate_bpm: in_range(
                best.breath.as_ref().map(|b| f64::from(b.rate_per_min)),
                BREATH_RATE_RANGE_BPM,
            ),
        });
    }
    let findings = report
        .findings
        .iter()
        .map(|f| {
            let (start_s, end_s) = f
                .evidence
                .iter()
                .map(|e| (e.start_s, e.end_s))
                .find(|&(a, b)| time_ok(a) && time_ok(b) && a <= b)
                .unwrap_or((0.0, duration_s));
            Finding {
                mistake_id: store_ident(&f.id),
                side: f.side.map(side),
                severity: match f.severity {
                    ReportSeverity::Low => Severity::Low,
                    ReportSeverity::Medium => Severity::Medium,
                    ReportSeverity::High => Severity::High,
                },
                start_s,
                end_s,
            }
        })
        .collect();
    let segments = match (&report.segments, &report.pose) {
        (Some(segs), _) => segs
            .iter()
            .filter(|s| time_ok(s.start_s) && time_ok(s.end_s) && s.start_s <= s.end_s)
            .map(|s| PoseSegment {
                pose: pose_ident(s.pose.name),
                extended_leg: s.pose.extended_leg.map(side),
                start_s: s.start_s,
                end_s: s.end_s,
            })
            .collect(),
        (None, Some(p)) => vec![PoseSegment {
            pose: pose_ident(p.name),
            extended_leg: p.extended_leg.map(side),
            start_s: 0.0,
            end_s: 0.0,
        }],
        (None, None) => vec![],
    };
    let comparison = report.comparison.as_ref();
    let report_json = serde_json::to_value(report)
        .map_err(|e| ServerError::Internal(format!("report to JSON: {e}")))?;
    let media_name: String = media_name.chars().take(MEDIA_NAME_MAX_CHARS).collect();
    Ok(NewSession {
        user,
        started_at,
        duration_s,
        source: Source::Upload,
        media_name: (!media_name.trim().is_empty()).then_some(media_name),
        segments,
        sides,
        asymmetry_index: in_range(
            comparison.map(|c| f64::from(c.asymmetry_index)),
            ASYMMETRY_RANGE,
        ),
        tighter_side: comparison.and_then(|c| c.tighter_side).map(side),
        findings,
        report: report_json,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_fit_the_store() {
        assert_eq!(store_ident("locked-knee"), "locked_knee");
        assert_eq!(store_ident("Hold Outside"), "hold_outside");
        assert_eq!(store_ident(""), "unknown");
        assert_eq!(pose_ident(janu_analysis::PoseName::Nobody), "none");
        assert_eq!(
            pose_ident(janu_analysis::PoseName::BaddhaKonasana),
            "baddha_konasana"
        );
    }

    #[test]
    fn out_of_range_measures_are_left_out() {
        assert_eq!(in_range(Some(200.0), FOLD_ANGLE_RANGE_DEG), None);
        assert_eq!(in_range(Some(f64::NAN), FOLD_ANGLE_RANGE_DEG), None);
        assert_eq!(in_range(Some(45.0), FOLD_ANGLE_RANGE_DEG), Some(45.0));
    }
}
