//! What the server pays per request on the default backend (a SQLite file in WAL
//! mode): saving one session, reading one back, listing a page, and the weekly
//! progress of a user with a year and a half of daily practice.
//!
//! `cargo bench -p janu-store`. Fixed data, no randomness.

use std::hint::black_box;

use criterion::{Criterion, criterion_main};
use janu_store::{
    Finding, NewSession, NewUser, Page, PoseSegment, SessionId, Severity, Side, SideSummary,
    Source, Store, UserId,
};
use time::{Duration, UtcOffset, macros::datetime};

/// Sessions of the user whose history is read: one a day for about 18 months.
const HISTORY_SESSIONS: i64 = 500;

fn session(user: UserId, day: i64) -> NewSession {
    let side = |side, k: f64| SideSummary {
        side,
        fold_angle_deg: Some(70.0 - k),
        head_to_knee: Some(1.2 - k / 100.0),
        knee_angle_deg: Some(177.0),
        hip_opening_deg: Some(95.0),
        hold_s: 30.0 + k,
        breaths: Some(6),
        breath_rate_bpm: Some(10.0),
    };
    let k = (day % 30) as f64;
    NewSession {
        user,
        started_at: datetime!(2024-01-01 07:00 UTC) + Duration::days(day),
        duration_s: 600.0,
        source: Source::Live,
        media_name: None,
        segments: vec![PoseSegment {
            pose: "janusirsasana".into(),
            extended_leg: Some(Side::Left),
            start_s: 10.0,
            end_s: 300.0,
        }],
        sides: vec![side(Side::Left, k), side(Side::Right, k / 2.0)],
        asymmetry_index: Some(0.1),
        tighter_side: Some(Side::Right),
        findings: [
            "rounded_back",
            "locked_knee",
            "pelvis_twist",
            "breath_holding",
            "foot_placement",
        ]
        .iter()
        .enumerate()
        .map(|(i, id)| Finding {
            mistake_id: (*id).into(),
            side: Some(Side::Left),
            severity: Severity::Medium,
            start_s: 20.0 * i as f64,
            end_s: 20.0 * i as f64 + 5.0,
        })
        .collect(),
        // About 10 KB, like a report with its per-phase numbers.
        report: serde_json::json!({
            "pose": {"name": "janusirsasana", "extended_leg": "left", "confidence": 0.9},
            "series": (0..600).map(|i| f64::from(i) * 0.25).collect::<Vec<_>>(),
        }),
    }
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let dir = tempfile::tempdir().expect("a temp folder");
    let path = dir.path().join("history.db");
    let store = rt
        .block_on(Store::open(path.to_str().expect("UTF-8 path")))
        .expect("open");
    let user = |handle: &str| {
        rt.block_on(store.create_user(&NewUser {
            handle: handle.into(),
            display_name: handle.into(),
        }))
        .expect("user")
        .id
    };
    let reader = user("reader");
    let writer = user("writer");
    let mut last = SessionId(0);
    for day in 0..HISTORY_SESSIONS {
        last = rt
            .block_on(store.save_session(&session(reader, day)))
            .expect("save");
    }

    let mut day = 0;
    c.bench_function(
        "sqlite/save_session (2 sides, 5 findings, 10 KB report)",
        |b| {
            b.iter(|| {
                day += 1;
                rt.block_on(store.save_session(&session(writer, day % 1000)))
                    .expect("save")
            });
        },
    );
    c.bench_function("sqlite/session (one, with report)", |b| {
        b.iter(|| rt.block_on(store.session(black_box(last))).expect("read"));
    });
    c.bench_function("sqlite/sessions (page of 20 of 500)", |b| {
        b.iter(|| {
            rt.block_on(store.sessions(
                reader,
                black_box(Page {
                    limit: 20,
                    offset: 100,
                }),
            ))
            .expect("list")
        });
    });
    c.bench_function("sqlite/progress (500 sessions, 78 weeks)", |b| {
        b.iter(|| {
            rt.block_on(store.progress(reader, black_box(UtcOffset::UTC)))
                .expect("progress")
        });
    });
    rt.block_on(store.close());
}

/// The benchmark group (criterion's macro makes an undocumented public fn).
#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(benches, super::bench);
}

criterion_main!(group::benches);
