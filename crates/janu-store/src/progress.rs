//! Progress over weeks: the aggregation behind the history page, computed in Rust
//! from plain rows so that both backends give the same numbers to the last bit.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime, UtcOffset, Weekday};

use crate::{Side, UserId};

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

/// A user's practice, week by week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Whose progress this is.
    pub user: UserId,
    /// The offset from UTC that decided where weeks begin.
    pub utc_offset_s: i32,
    /// Every ISO week with at least one session, oldest first. Weeks without a
    /// session are absent (nothing was measured then).
    pub weeks: Vec<WeekProgress>,
    /// Every mistake id seen in any week, sorted.
    pub mistake_ids: Vec<String>,
}

/// One ISO week of practice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeekProgress {
    /// ISO week-numbering year (can differ from the calendar year near 1 January).
    pub iso_year: i32,
    /// ISO week number, 1 to 53.
    pub iso_week: u8,
    /// The Monday that starts the week.
    #[serde(with = "iso_date")]
    pub monday: Date,
    /// Sessions that started in the week.
    pub sessions: u32,
    /// The left side (left leg extended).
    pub left: SideWeek,
    /// The right side (right leg extended).
    pub right: SideWeek,
    /// Mean asymmetry index over the week's sessions that have one.
    pub asymmetry_mean: Option<f64>,
    /// Sessions of the week that have an asymmetry index.
    pub asymmetry_sessions: u32,
    /// Per mistake id seen this week: how often and in how many sessions. Ids not
    /// seen this week are absent (their count is zero).
    pub mistakes: BTreeMap<String, MistakeWeek>,
}

/// One side's means over a week. A mean is `None` when no session of the week
/// measured it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SideWeek {
    /// Sessions of the week that practised this side.
    pub sessions: u32,
    /// Mean trunk-to-thigh fold angle, degrees (lower is deeper).
    pub fold_angle_deg_mean: Option<f64>,
    /// Mean head-to-knee distance, torso lengths (lower is deeper).
    pub head_to_knee_mean: Option<f64>,
    /// Mean hold, seconds.
    pub hold_s_mean: Option<f64>,
}

/// How often one mistake appeared in a week.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MistakeWeek {
    /// Findings with this mistake id.
    pub findings: u32,
    /// Sessions with at least one such finding.
    pub sessions: u32,
}

impl Progress {
    /// The number of findings of `mistake_id` in each week of [`Progress::weeks`]
    /// (0 where it was not seen): the series that shows whether it is fading.
    pub fn mistake_series(&self, mistake_id: &str) -> Vec<u32> {
        self.weeks
            .iter()
            .map(|w| w.mistakes.get(mistake_id).map_or(0, |m| m.findings))
            .collect()
    }
}

/// The rows progress is computed from, each list in session time order
/// (`started_at`, then id), as the store reads them.
#[derive(Debug, Default)]
pub(crate) struct ProgressRows {
    /// (session id, started_at, asymmetry index)
    pub sessions: Vec<(i64, OffsetDateTime, Option<f64>)>,
    pub sides: Vec<SideRow>,
    /// (session id, mistake id)
    pub findings: Vec<(i64, String)>,
}

/// The part of a `session_sides` row that progress uses.
#[derive(Debug)]
pub(crate) struct SideRow {
    pub session: i64,
    pub side: Side,
    pub fold_angle_deg: Option<f64>,
    pub head_to_knee: Option<f64>,
    pub hold_s: f64,
}

/// A running mean; sums in the order values arrive, so the same rows in the same
/// order give the same bits.
#[derive(Debug, Default, Clone, Copy)]
struct Mean {
    sum: f64,
    n: u32,
}

impl Mean {
    fn add(&mut self, v: Option<f64>) {
        if let Some(v) = v {
            self.sum += v;
            self.n += 1;
        }
    }

    fn get(self) -> Option<f64> {
        (self.n > 0).then(|| self.sum / f64::from(self.n))
    }
}

#[derive(Debug, Default)]
struct SideAcc {
    sessions: u32,
    fold: Mean,
    head: Mean,
    hold: Mean,
}

impl SideAcc {
    fn finish(&self) -> SideWeek {
        SideWeek {
            sessions: self.sessions,
            fold_angle_deg_mean: self.fold.get(),
            head_to_knee_mean: self.head.get(),
            hold_s_mean: self.hold.get(),
        }
    }
}

#[derive(Debug, Default)]
struct WeekAcc {
    sessions: u32,
    sides: [SideAcc; 2],
    asym: Mean,
    /// mistake id -> (findings, distinct sessions)
    mistakes: BTreeMap<String, (u32, BTreeSet<i64>)>,
}

/// Groups the rows by ISO week of the start time seen at `offset`.
pub(crate) fn progress_from_rows(user: UserId, offset: UtcOffset, rows: &ProgressRows) -> Progress {
    let mut weeks: BTreeMap<(i32, u8), WeekAcc> = BTreeMap::new();
    let mut week_of: HashMap<i64, (i32, u8)> = HashMap::with_capacity(rows.sessions.len());
    for &(id, started_at, asym) in &rows.sessions {
        let (year, week, _) = started_at.to_offset(offset).to_iso_week_date();
        week_of.insert(id, (year, week));
        let acc = weeks.entry((year, week)).or_default();
        acc.sessions += 1;
        acc.asym.add(asym);
    }
    // The reads share one snapshot, so every row below has its session; a row
    // without one is skipped rather than trusted.
    for row in &rows.sides {
        let Some(acc) = week_of.get(&row.session).and_then(|k| weeks.get_mut(k)) else {
            continue;
        };
        let s = &mut acc.sides[row.side as usize];
        s.sessions += 1;
        s.fold.add(row.fold_angle_deg);
        s.head.add(row.head_to_knee);
        s.hold.add(Some(row.hold_s));
    }
    let mut ids = BTreeSet::new();
    for (id, mistake) in &rows.findings {
        let Some(acc) = week_of.get(id).and_then(|k| weeks.get_mut(k)) else {
            continue;
        };
        let entry = acc.mistakes.entry(mistake.clone()).or_default();
        entry.0 += 1;
        entry.1.insert(*id);
        ids.insert(mistake.clone());
    }
    let weeks = weeks
        .into_iter()
        .filter_map(|((iso_year, iso_week), acc)| {
            // Every (year, week) came from a real date, so Monday of it exists.
            let monday = Date::from_iso_week_date(iso_year, iso_week, Weekday::Monday).ok()?;
            Some(WeekProgress {
                iso_year,
                iso_week,
                monday,
                sessions: acc.sessions,
                left: acc.sides[Side::Left as usize].finish(),
                right: acc.sides[Side::Right as usize].finish(),
                asymmetry_mean: acc.asym.get(),
                asymmetry_sessions: acc.asym.n,
                mistakes: acc
                    .mistakes
                    .into_iter()
                    .map(|(k, (findings, sessions))| {
                        let sessions = u32::try_from(sessions.len()).unwrap_or(u32::MAX);
                        (k, MistakeWeek { findings, sessions })
                    })
                    .collect(),
            })
        })
        .collect();
    Progress {
        user,
        utc_offset_s: offset.whole_seconds(),
        weeks,
        mistake_ids: ids.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{datetime, offset};

    #[test]
    fn weeks_follow_iso_rules_and_the_offset() {
        // Sunday 2024-12-29 23:30 UTC is ISO week 2024-W52; at +01:00 it is Monday
        // 2024-12-30, which already belongs to ISO week 2025-W01.
        let rows = ProgressRows {
            sessions: vec![(1, datetime!(2024-12-29 23:30 UTC), Some(0.2))],
            sides: vec![SideRow {
                session: 1,
                side: Side::Left,
                fold_angle_deg: Some(60.0),
                head_to_knee: None,
                hold_s: 30.0,
            }],
            findings: vec![(1, "locked_knee".into()), (1, "locked_knee".into())],
        };
        let utc = progress_from_rows(UserId(7), UtcOffset::UTC, &rows);
        assert_eq!((utc.weeks[0].iso_year, utc.weeks[0].iso_week), (2024, 52));
        assert_eq!(utc.weeks[0].monday, time::macros::date!(2024 - 12 - 23));
        let cet = progress_from_rows(UserId(7), offset!(+1), &rows);
        assert_eq!((cet.weeks[0].iso_year, cet.weeks[0].iso_week), (2025, 1));
        assert_eq!(cet.weeks[0].monday, time::macros::date!(2024 - 12 - 30));
        let w = &cet.weeks[0];
        assert_eq!(w.left.sessions, 1);
        assert_eq!(w.left.fold_angle_deg_mean, Some(60.0));
        assert_eq!(w.left.head_to_knee_mean, None);
        assert_eq!(w.right, SideWeek::default());
        assert_eq!(
            w.mistakes["locked_knee"],
            MistakeWeek {
                findings: 2,
                sessions: 1
            }
        );
        assert_eq!(cet.mistake_series("locked_knee"), vec![2]);
        assert_eq!(cet.mistake_series("never_seen"), vec![0]);
    }
}
