//! The records the store keeps: users, practice sessions, their sides and findings.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::StoreError;

/// Identifier of a user (the database's row id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub i64);

/// Identifier of a saved practice session (the database's row id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SessionId(pub i64);

impl std::fmt::Display for UserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::fmt::Display for SessionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A side of the pose, named by the extended (straight) leg from the person's own
/// point of view; stored and serialised as `left` or `right`.
pub use janu_body::Side;

/// How a session was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Live coaching from a webcam.
    Live,
    /// A video or photo uploaded to the server.
    Upload,
    /// A file analysed on the command line (video, photo or landmark file).
    File,
}

impl Source {
    /// The name stored in the database and used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Live => "live",
            Source::Upload => "upload",
            Source::File => "file",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s {
            "live" => Some(Source::Live),
            "upload" => Some(Source::Upload),
            "file" => Some(Source::File),
            _ => None,
        }
    }
}

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth a word; no risk.
    Low,
    /// Limits the pose; correct it.
    Medium,
    /// Risk of strain; correct it first.
    High,
}

impl Severity {
    /// The name stored in the database and used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s {
            "low" => Some(Severity::Low),
            "medium" => Some(Severity::Medium),
            "high" => Some(Severity::High),
            _ => None,
        }
    }
}

/// A person practising.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Row id.
    pub id: UserId,
    /// Unique short name used in URLs and cookies: 1 to 40 characters of `a-z`,
    /// `0-9`, `_`, `-`.
    pub handle: String,
    /// Name shown on pages.
    pub display_name: String,
    /// When the user was created (UTC, microsecond resolution).
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// What [`Store::create_user`](crate::Store::create_user) needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    /// Unique handle: 1 to 40 characters of `a-z`, `0-9`, `_`, `-`.
    pub handle: String,
    /// Name shown on pages: 1 to 100 characters, no control characters.
    pub display_name: String,
}

/// One stable stretch of a session where one pose was recognised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoseSegment {
    /// Pose name as the analysis gives it, e.g. `janusirsasana`, `dandasana`
    /// (1 to 64 characters of `a-z`, `0-9`, `_`).
    pub pose: String,
    /// For one-sided poses, the extended leg.
    pub extended_leg: Option<Side>,
    /// Start, seconds from the start of the session.
    pub start_s: f64,
    /// End, seconds from the start of the session; not before `start_s`.
    pub end_s: f64,
}

/// The measurements of one side of a session (the side names the extended leg).
///
/// A measurement is `None` when the camera could not see what it needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SideSummary {
    /// Which leg was extended.
    pub side: Side,
    /// Trunk-to-thigh fold angle in degrees while holding (0 = chest on the
    /// thigh, about 90 = sitting upright); 0 to 180.
    pub fold_angle_deg: Option<f64>,
    /// Head-to-knee distance as a fraction of the torso length; 0 to 4.
    pub head_to_knee: Option<f64>,
    /// Interior angle of the extended knee in degrees (180 = straight, above 180 =
    /// hyperextended); 0 to 220.
    pub knee_angle_deg: Option<f64>,
    /// Angle between the two thighs in degrees (hip opening); 0 to 180.
    pub hip_opening_deg: Option<f64>,
    /// Time held in the fold, seconds; 0 to the session's duration.
    pub hold_s: f64,
    /// Breaths counted while holding.
    pub breaths: Option<u32>,
    /// Breaths per minute while holding; 0 to 60.
    pub breath_rate_bpm: Option<f64>,
}

/// One mistake seen in a session, with where it happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Identifier of the mistake as the analysis names it, e.g. `locked_knee`
    /// (1 to 64 characters of `a-z`, `0-9`, `_`).
    pub mistake_id: String,
    /// The side it was seen on, when it belongs to one.
    pub side: Option<Side>,
    /// How much it matters.
    pub severity: Severity,
    /// Start, seconds from the start of the session.
    pub start_s: f64,
    /// End, seconds from the start of the session; not before `start_s`.
    pub end_s: f64,
}

/// A practice session to save: what [`Store::save_session`](crate::Store::save_session)
/// takes, and (inside [`Session`]) what it gives back.
///
/// On the way in the store checks every value (finite numbers in documented
/// ranges, identifiers well formed, at most one summary per side) and normalises
/// two things, both visible in what comes back: `started_at` is turned into UTC
/// and cut to whole microseconds (the resolution of Postgres), and `sides` is
/// sorted left before right. Findings keep their order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewSession {
    /// Whose session this is.
    pub user: UserId,
    /// When the session started.
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    /// Length in seconds; 0 (a photo) to 24 hours.
    pub duration_s: f64,
    /// How it was recorded.
    pub source: Source,
    /// Name of the uploaded or analysed file, when there is one (up to 255
    /// characters).
    pub media_name: Option<String>,
    /// The recognised pose segments, in time order.
    pub segments: Vec<PoseSegment>,
    /// One summary per side practised (zero, one or two).
    pub sides: Vec<SideSummary>,
    /// Left/right asymmetry, 0 = symmetric (e.g. |L - R| / mean(L, R) of the fold
    /// depth); 0 to 2. `None` when only one side was practised.
    pub asymmetry_index: Option<f64>,
    /// The side that folded less deeply, when known.
    pub tighter_side: Option<Side>,
    /// Mistakes seen, in the report's order.
    pub findings: Vec<Finding>,
    /// The full analysis report, kept to render it again later.
    pub report: serde_json::Value,
}

/// A saved practice session, as [`Store::session`](crate::Store::session) returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// Its id.
    pub id: SessionId,
    /// Everything that was saved (normalised as described on [`NewSession`]).
    #[serde(flatten)]
    pub data: NewSession,
}

/// A saved session without its report, as listed by
/// [`Store::sessions`](crate::Store::sessions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionSummary {
    /// Its id.
    pub id: SessionId,
    /// Whose session it is.
    pub user: UserId,
    /// When it started (UTC).
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    /// Length in seconds.
    pub duration_s: f64,
    /// How it was recorded.
    pub source: Source,
    /// Name of the uploaded or analysed file, when there is one.
    pub media_name: Option<String>,
    /// One summary per side practised, left before right.
    pub sides: Vec<SideSummary>,
    /// Left/right asymmetry, when both sides were practised.
    pub asymmetry_index: Option<f64>,
    /// The side that folded less deeply, when known.
    pub tighter_side: Option<Side>,
    /// How many findings the session has.
    pub finding_count: u32,
}

/// Which slice of a list to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    /// How many items at most; 1 to [`Page::MAX_LIMIT`].
    pub limit: u32,
    /// How many items to skip first.
    pub offset: u64,
}

impl Page {
    /// The largest page the store returns at once (keeps one request's memory bounded).
    pub const MAX_LIMIT: u32 = 1000;

    /// The first page of `limit` items.
    pub fn first(limit: u32) -> Self {
        Page { limit, offset: 0 }
    }

    /// The page after this one.
    pub fn next(self) -> Self {
        Page {
            limit: self.limit,
            offset: self.offset + u64::from(self.limit),
        }
    }
}

/// One page of a user's sessions, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionList {
    /// The sessions on this page, newest first (ties broken by the newer id).
    pub items: Vec<SessionSummary>,
    /// How many sessions the user has in all.
    pub total: u64,
}

// ---------------------------------------------------------------------------
// Validation limits, each with its reason.

/// Longest handle: short enough for a URL path segment and a cookie.
pub const HANDLE_MAX_CHARS: usize = 40;
/// Longest display name: one line on a page.
pub const DISPLAY_NAME_MAX_CHARS: usize = 100;
/// Longest media file name: common file systems allow 255 bytes per name.
pub const MEDIA_NAME_MAX_CHARS: usize = 255;
/// Longest pose or mistake identifier: ample for snake_case names.
pub const IDENT_MAX_CHARS: usize = 64;
/// Longest session: nobody holds a practice for more than a day; longer is a bug.
pub const MAX_DURATION_S: f64 = 86_400.0;
/// Slack when comparing times with the duration: frame timestamps and a
/// container's duration can differ by a frame or two.
pub const TIME_SLACK_S: f64 = 1.0;
/// Fold angle range: a trunk-to-thigh angle lies between 0 and a straight line.
pub const FOLD_ANGLE_RANGE_DEG: (f64, f64) = (0.0, 180.0);
/// Head-to-knee range in torso lengths: sitting upright the head is under 2
/// torso lengths from the knee; 4 leaves room for odd camera angles.
pub const HEAD_TO_KNEE_RANGE: (f64, f64) = (0.0, 4.0);
/// Knee angle range: 180 is straight; hyperextension rarely passes 20 degrees,
/// 220 leaves room for measurement error.
pub const KNEE_ANGLE_RANGE_DEG: (f64, f64) = (0.0, 220.0);
/// Hip opening range: an angle between two thighs.
pub const HIP_OPENING_RANGE_DEG: (f64, f64) = (0.0, 180.0);
/// Breath rate range: resting adults breathe 6 to 20 times a minute; 60 is
/// already panting.
pub const BREATH_RATE_RANGE_BPM: (f64, f64) = (0.0, 60.0);
/// Most breaths in one hold: a day-long hold at the fastest rate.
pub const MAX_BREATHS: u32 = 86_400;
/// Asymmetry range: |L - R| / mean(L, R) of non-negative values is at most 2.
pub const ASYMMETRY_RANGE: (f64, f64) = (0.0, 2.0);
/// Most segments in one session: a long video with a change every few seconds.
pub const MAX_SEGMENTS: usize = 10_000;
/// Most findings in one session, for the same reason.
pub const MAX_FINDINGS: usize = 10_000;
/// Largest report JSON: reports with per-frame data of a long video stay well
/// under this; larger ones would make every history page slow.
pub const MAX_REPORT_BYTES: usize = 64 * 1024 * 1024;

// ---------------------------------------------------------------------------
// Validation.

fn check_text(field: &str, value: &str, max_chars: usize) -> Result<(), StoreError> {
    let n = value.chars().count();
    if n == 0 || value.trim().is_empty() {
        return Err(StoreError::invalid(field, "must not be empty"));
    }
    if n > max_chars {
        return Err(StoreError::invalid(
            field,
            format!("{n} characters, at most {max_chars} allowed"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(StoreError::invalid(
            field,
            "contains a control character (newline, tab, NUL, ...)",
        ));
    }
    Ok(())
}

/// Checks an identifier of `a-z`, `0-9`, `_` (and `-` when `dash` is allowed).
fn check_ident(field: &str, value: &str, max_chars: usize, dash: bool) -> Result<(), StoreError> {
    if value.is_empty() {
        return Err(StoreError::invalid(field, "must not be empty"));
    }
    if value.len() > max_chars {
        return Err(StoreError::invalid(
            field,
            format!("{} characters, at most {max_chars} allowed", value.len()),
        ));
    }
    let ok =
        |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || (dash && c == '-');
    if let Some(bad) = value.chars().find(|&c| !ok(c)) {
        let allowed = if dash {
            "a-z, 0-9, _ and -"
        } else {
            "a-z, 0-9 and _"
        };
        return Err(StoreError::invalid(
            field,
            format!("{value:?} contains {bad:?}; only {allowed} are allowed"),
        ));
    }
    Ok(())
}

fn check_range(
    field: &str,
    value: f64,
    (lo, hi): (f64, f64),
    unit: &str,
) -> Result<(), StoreError> {
    if !value.is_finite() {
        return Err(StoreError::invalid(
            field,
            format!("{value} is not a finite number"),
        ));
    }
    if value < lo || value > hi {
        return Err(StoreError::invalid(
            field,
            format!("{value} is outside {lo}..={hi}{unit}"),
        ));
    }
    Ok(())
}

fn check_opt_range(
    field: &str,
    value: Option<f64>,
    range: (f64, f64),
    unit: &str,
) -> Result<(), StoreError> {
    value.map_or(Ok(()), |v| check_range(field, v, range, unit))
}

fn check_span(field: &str, start: f64, end: f64, duration: f64) -> Result<(), StoreError> {
    let limit = (0.0, duration + TIME_SLACK_S);
    check_range(
        &format!("{field}.start_s"),
        start,
        limit,
        " s (the session's duration)",
    )?;
    check_range(
        &format!("{field}.end_s"),
        end,
        limit,
        " s (the session's duration)",
    )?;
    if end < start {
        return Err(StoreError::invalid(
            format!("{field}.end_s"),
            format!("ends at {end} s, before it starts at {start} s"),
        ));
    }
    Ok(())
}

/// Checks a handle: 1 to [`HANDLE_MAX_CHARS`] characters of `a-z`, `0-9`, `_`, `-`.
pub(crate) fn check_handle(handle: &str) -> Result<(), StoreError> {
    check_ident("handle", handle, HANDLE_MAX_CHARS, true)
}

impl NewUser {
    /// Checks the handle and display name.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] naming the field and the rule it breaks.
    pub fn validate(&self) -> Result<(), StoreError> {
        check_handle(&self.handle)?;
        check_text("display_name", &self.display_name, DISPLAY_NAME_MAX_CHARS)
    }
}

/// Cuts a timestamp to whole microseconds in UTC, the resolution both backends keep.
pub(crate) fn normalize_time(t: OffsetDateTime) -> OffsetDateTime {
    let t = t.to_offset(time::UtcOffset::UTC);
    let micros = t.nanosecond() / 1_000;
    t.replace_nanosecond(micros * 1_000)
        .expect("a whole number of microseconds is a valid nanosecond value")
}

impl NewSession {
    /// Checks every value and returns the normalised session that would be stored
    /// (UTC, whole microseconds, sides left before right).
    ///
    /// # Errors
    /// [`StoreError::Invalid`] naming the first field that breaks a rule, e.g.
    /// `sides[1].fold_angle_deg: 250 is outside 0..=180 degrees`.
    pub fn validated(&self) -> Result<NewSession, StoreError> {
        let d = self.duration_s;
        check_range("duration_s", d, (0.0, MAX_DURATION_S), " s")?;
        let year = self.started_at.to_offset(time::UtcOffset::UTC).year();
        if !(1970..=9999).contains(&year) {
            return Err(StoreError::invalid(
                "started_at",
                format!("year {year} is outside 1970..=9999"),
            ));
        }
        if let Some(name) = &self.media_name {
            check_text("media_name", name, MEDIA_NAME_MAX_CHARS)?;
        }
        if self.segments.len() > MAX_SEGMENTS {
            return Err(StoreError::invalid(
                "segments",
                format!("{} segments, at most {MAX_SEGMENTS}", self.segments.len()),
            ));
        }
        for (i, seg) in self.segments.iter().enumerate() {
            let field = format!("segments[{i}]");
            check_ident(&format!("{field}.pose"), &seg.pose, IDENT_MAX_CHARS, false)?;
            check_span(&field, seg.start_s, seg.end_s, d)?;
        }
        for (i, s) in self.sides.iter().enumerate() {
            let f = |name: &str| format!("sides[{i}].{name}");
            if self.sides[..i].iter().any(|o| o.side == s.side) {
                return Err(StoreError::invalid(
                    f("side"),
                    format!(
                        "a second summary for the {} side; give at most one per side",
                        s.side.as_str()
                    ),
                ));
            }
            check_opt_range(
                &f("fold_angle_deg"),
                s.fold_angle_deg,
                FOLD_ANGLE_RANGE_DEG,
                " degrees",
            )?;
            check_opt_range(
                &f("head_to_knee"),
                s.head_to_knee,
                HEAD_TO_KNEE_RANGE,
                " torso lengths",
            )?;
            check_opt_range(
                &f("knee_angle_deg"),
                s.knee_angle_deg,
                KNEE_ANGLE_RANGE_DEG,
                " degrees",
            )?;
            check_opt_range(
                &f("hip_opening_deg"),
                s.hip_opening_deg,
                HIP_OPENING_RANGE_DEG,
                " degrees",
            )?;
            check_range(
                &f("hold_s"),
                s.hold_s,
                (0.0, d + TIME_SLACK_S),
                " s (the session's duration)",
            )?;
            if let Some(b) = s.breaths
                && b > MAX_BREATHS
            {
                return Err(StoreError::invalid(
                    f("breaths"),
                    format!("{b} is more than {MAX_BREATHS}"),
                ));
            }
            check_opt_range(
                &f("breath_rate_bpm"),
                s.breath_rate_bpm,
                BREATH_RATE_RANGE_BPM,
                " per minute",
            )?;
        }
        check_opt_range("asymmetry_index", self.asymmetry_index, ASYMMETRY_RANGE, "")?;
        if self.findings.len() > MAX_FINDINGS {
            return Err(StoreError::invalid(
                "findings",
                format!("{} findings, at most {MAX_FINDINGS}", self.findings.len()),
            ));
        }
        for (i, finding) in self.findings.iter().enumerate() {
            let field = format!("findings[{i}]");
            check_ident(
                &format!("{field}.mistake_id"),
                &finding.mistake_id,
                IDENT_MAX_CHARS,
                false,
            )?;
            check_span(&field, finding.start_s, finding.end_s, d)?;
        }
        let mut out = self.clone();
        out.started_at = normalize_time(self.started_at);
        out.sides.sort_by_key(|s| s.side);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_time_cuts_to_microseconds_in_utc() {
        let t = time::macros::datetime!(2025-03-04 05:06:07.123_456_789 +02:00);
        let n = normalize_time(t);
        assert_eq!(n.offset(), time::UtcOffset::UTC);
        assert_eq!(n, time::macros::datetime!(2025-03-04 03:06:07.123_456 UTC));
    }

    #[test]
    fn identifiers_reject_upper_case_and_spaces() {
        assert!(check_ident("x", "locked_knee", 64, false).is_ok());
        let err = check_ident("x", "Locked knee", 64, false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("'L'"), "{err}");
        assert!(check_ident("x", "a-b", 64, false).is_err());
        assert!(check_ident("x", "a-b", 64, true).is_ok());
    }

    #[test]
    fn ranges_reject_nan_and_infinity() {
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let err = check_range("v", v, (0.0, 1.0), "").unwrap_err().to_string();
            assert!(err.contains("not a finite number"), "{err}");
        }
    }
}
