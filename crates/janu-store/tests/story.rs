//! The shared story, run against both backends: every test below runs once on a
//! SQLite file and once on a fresh Postgres database (skipped with `SKIPPED`
//! when `JANU_TEST_POSTGRES_URL` is unset, a failure under `CI=true`).

mod common;

use std::collections::BTreeMap;

use common::TestDb;
use janu_store::{
    Finding, JobQueue, MediaBackend, MistakeWeek, NewSession, NewUser, Page, PoseSegment,
    QueueSettings, Session, SessionId, SessionSummary, Severity, Side, SideSummary, SideWeek,
    Source, Store, StoreError, TOKEN_HASH_LEN, UPLOAD_CHUNK_BYTES, UploadState, User, UserId,
    helper_task_id, task_id,
};
use serde_json::json;
use time::macros::{date, datetime, offset};
use time::{OffsetDateTime, UtcOffset};

/// Runs each named `async fn(&TestDb)` on both backends, as `NAME::sqlite` and
/// `NAME::postgres`.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = crate::common::TestDb::sqlite();
                super::$name(&db).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = crate::common::TestDb::postgres().await {
                    super::$name(&db).await;
                }
            }
        }
    )*};
}

on_both_backends!(
    users_are_created_found_and_listed,
    sessions_read_back_exactly_and_page_newest_first,
    progress_per_iso_week_is_exact,
    deleting_cascades,
    a_failed_save_leaves_nothing_behind,
    concurrent_writers_all_land,
    reopening_keeps_the_data,
    invalid_input_is_rejected_before_anything_is_written,
    accounts_sign_in_hold_tokens_and_share,
    upload_jobs_finish_with_their_session_exactly_once,
    the_queue_holds_one_task_per_job_and_finds_stranded_ones,
    a_long_video_is_cut_once_and_its_pieces_are_leased,
);

// ------------------------------------------------------------------ helpers

async fn open(db: &TestDb) -> Store {
    Store::open(&db.location)
        .await
        .unwrap_or_else(|e| panic!("open {}: {e}", db.location))
}

async fn user(store: &Store, handle: &str) -> User {
    store
        .create_user(&NewUser {
            handle: handle.into(),
            display_name: format!("{handle} (display)"),
        })
        .await
        .expect("create user")
}

/// Rows in `table`, read with raw SQL behind the store's back.
async fn count(store: &Store, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    match store {
        Store::Sqlite(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await.unwrap(),
        Store::Postgres(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await.unwrap(),
    }
}

async fn execute(store: &Store, sql: &str) {
    match store {
        Store::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(drop),
        Store::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(drop),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

fn side(side: Side, fold: Option<f64>, head: Option<f64>, hold_s: f64) -> SideSummary {
    SideSummary {
        side,
        fold_angle_deg: fold,
        head_to_knee: head,
        knee_angle_deg: Some(178.5),
        hip_opening_deg: Some(92.25),
        hold_s,
        breaths: Some(6),
        breath_rate_bpm: Some(9.5),
    }
}

fn finding(mistake_id: &str, side: Option<Side>, start_s: f64) -> Finding {
    Finding {
        mistake_id: mistake_id.into(),
        side,
        severity: Severity::Medium,
        start_s,
        end_s: start_s + 4.5,
    }
}

fn session(user: UserId, started_at: OffsetDateTime, sides: Vec<SideSummary>) -> NewSession {
    NewSession {
        user,
        started_at,
        duration_s: 600.0,
        source: Source::Live,
        media_name: None,
        segments: vec![
            PoseSegment {
                pose: "dandasana".into(),
                extended_leg: None,
                start_s: 0.0,
                end_s: 20.0,
            },
            PoseSegment {
                pose: "janusirsasana".into(),
                extended_leg: Some(Side::Left),
                start_s: 20.0,
                end_s: 300.0,
            },
        ],
        sides,
        asymmetry_index: None,
        tighter_side: None,
        findings: vec![],
        report: json!({"version": 1}),
    }
}

/// The practice of one user over four ISO weeks of 2025 (10, 11, 12 and 14),
/// in the order saved (not time order), with values chosen so every mean is
/// exact in binary floating point.
fn ana_sessions(ana: UserId) -> Vec<NewSession> {
    use Side::{Left, Right};
    let mut s1 = session(
        ana,
        datetime!(2025-03-04 07:00 UTC),
        vec![
            side(Right, Some(70.0), Some(1.25), 20.0),
            side(Left, Some(60.0), Some(1.0), 30.0),
        ],
    );
    s1.asymmetry_index = Some(0.25);
    s1.tighter_side = Some(Right);
    s1.findings = vec![
        finding("rounded_back", Some(Left), 30.0),
        finding("locked_knee", Some(Right), 200.0),
        finding("locked_knee", Some(Right), 250.0),
    ];
    // Not UTC and with nanoseconds: stored as UTC, cut to microseconds.
    s1.started_at = datetime!(2025-03-04 08:00:00.123_456_789 +01:00);
    s1.source = Source::Upload;
    s1.media_name = Some("Morgenübung am Fenster.mp4".into());
    s1.report = json!({
        "pose": {"name": "janusirsasana", "extended_leg": "left", "confidence": 0.93},
        "numbers": [0.1, 1e-7, 123_456_789_012_i64, -0.0, 1.7976931348623157e308],
        "text": "tab\t, NUL \u{0} and quotes \" survive",
        "nested": {"empty": [], "null": null, "yes": true},
    });

    let mut s2 = session(
        ana,
        datetime!(2025-03-06 18:30 UTC),
        vec![side(Left, Some(50.0), Some(0.75), 40.0)],
    );
    s2.findings = vec![finding("rounded_back", Some(Left), 10.0)];

    let mut s3 = session(
        ana,
        datetime!(2025-03-10 06:00 UTC),
        vec![
            side(Left, Some(50.0), Some(0.75), 45.0),
            side(Right, Some(60.0), Some(1.0), 35.0),
        ],
    );
    s3.asymmetry_index = Some(0.125);
    s3.tighter_side = Some(Right);
    s3.findings = vec![finding("locked_knee", None, 5.0)];

    // Sunday 23:30 UTC: ISO week 12 in UTC, week 13 at +01:00.
    let mut s4 = session(
        ana,
        datetime!(2025-03-23 23:30 UTC),
        vec![
            side(Left, Some(40.0), Some(0.5), 60.0),
            side(Right, Some(44.0), Some(0.5), 58.0),
        ],
    );
    s4.asymmetry_index = Some(0.0625);
    s4.tighter_side = Some(Right);

    // Right side only, and the camera saw neither the fold nor the head.
    let mut s5 = session(
        ana,
        datetime!(2025-03-19 12:00 UTC),
        vec![side(Right, None, None, 50.0)],
    );
    s5.source = Source::File;
    s5.media_name = Some("landmarks.jsonl".into());
    s5.segments = vec![];
    s5.sides[0].breaths = None;
    s5.sides[0].breath_rate_bpm = None;
    s5.sides[0].knee_angle_deg = None;
    s5.sides[0].hip_opening_deg = None;

    let mut s6 = session(
        ana,
        datetime!(2025-03-31 07:15 UTC),
        vec![
            side(Left, Some(36.0), Some(0.375), 90.0),
            side(Right, Some(38.0), Some(0.5), 90.0),
        ],
    );
    s6.asymmetry_index = Some(0.0);
    s6.findings = vec![Finding {
        mistake_id: "breath_holding".into(),
        side: Some(Left),
        severity: Severity::High,
        start_s: 100.0,
        end_s: 112.0,
    }];
    vec![s1, s2, s3, s4, s5, s6]
}

async fn save_all(store: &Store, sessions: &[NewSession]) -> Vec<SessionId> {
    let mut ids = Vec::new();
    for s in sessions {
        ids.push(store.save_session(s).await.expect("save session"));
    }
    ids
}

fn summary_of(id: SessionId, s: &NewSession) -> SessionSummary {
    let s = s.validated().unwrap();
    SessionSummary {
        id,
        user: s.user,
        started_at: s.started_at,
        duration_s: s.duration_s,
        source: s.source,
        media_name: s.media_name.clone(),
        sides: s.sides.clone(),
        asymmetry_index: s.asymmetry_index,
        tighter_side: s.tighter_side,
        finding_count: u32::try_from(s.findings.len()).unwrap(),
    }
}

// -------------------------------------------------------------------- story

async fn users_are_created_found_and_listed(db: &TestDb) {
    let store = open(db).await;
    let ana = user(&store, "ana").await;
    let bob = user(&store, "bob-2").await;
    let cy = user(&store, "cy_3").await;
    assert_ne!(ana.id, bob.id);
    assert_eq!(ana.display_name, "ana (display)");
    let age = OffsetDateTime::now_utc() - ana.created_at;
    assert!(age.whole_seconds().abs() < 60, "created_at is now: {age}");

    assert_eq!(store.user(ana.id).await.unwrap(), Some(ana.clone()));
    assert_eq!(
        store.user_by_handle("bob-2").await.unwrap(),
        Some(bob.clone())
    );
    assert_eq!(store.user_by_handle("nobody").await.unwrap(), None);
    assert_eq!(store.user(UserId(9_999_999)).await.unwrap(), None);

    let err = store
        .create_user(&NewUser {
            handle: "ana".into(),
            display_name: "Another Ana".into(),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::HandleTaken { handle } if handle == "ana"),
        "{err}"
    );
    assert!(err.to_string().contains("choose another"), "{err}");

    assert_eq!(
        store.users(Page::first(2)).await.unwrap(),
        vec![ana.clone(), bob.clone()]
    );
    assert_eq!(
        store.users(Page::first(2).next()).await.unwrap(),
        vec![cy.clone()]
    );
    assert_eq!(
        store
            .users(Page {
                limit: 10,
                offset: 3
            })
            .await
            .unwrap(),
        vec![]
    );

    store.close().await;
}

async fn sessions_read_back_exactly_and_page_newest_first(db: &TestDb) {
    let store = open(db).await;
    let ana = user(&store, "ana").await;
    let bob = user(&store, "bob").await;
    let sessions = ana_sessions(ana.id);
    let ids = save_all(&store, &sessions).await;

    // Bob's two sessions start at the same instant: the newer id lists first.
    let bob_session = session(bob.id, datetime!(2025-03-05 09:00 UTC), vec![]);
    let b1 = store.save_session(&bob_session).await.unwrap();
    let b2 = store.save_session(&bob_session).await.unwrap();

    for (id, s) in ids.iter().zip(&sessions) {
        let got = store.session(*id).await.unwrap().expect("saved session");
        let want = Session {
            id: *id,
            data: s.validated().unwrap(),
        };
        assert_eq!(got, want);
    }
    let s1 = store.session(ids[0]).await.unwrap().unwrap();
    assert_eq!(
        s1.data.started_at,
        datetime!(2025-03-04 07:00:00.123_456 UTC)
    );
    assert_eq!(s1.data.started_at.offset(), UtcOffset::UTC);
    assert_eq!(
        s1.data.sides[0].side,
        Side::Left,
        "sides come back left first"
    );
    assert_eq!(
        s1.data
            .findings
            .iter()
            .map(|f| f.start_s)
            .collect::<Vec<_>>(),
        vec![30.0, 200.0, 250.0],
        "findings keep their order"
    );
    assert_eq!(s1.data.report, sessions[0].report, "report JSON is exact");
    assert_eq!(store.session(SessionId(9_999_999)).await.unwrap(), None);

    // Newest first: s6 (03-31), s4 (03-23), s5 (03-19), s3, s2, s1.
    let newest_first = [5, 3, 4, 2, 1, 0];
    let page1 = store.sessions(ana.id, Page::first(4)).await.unwrap();
    let page2 = store.sessions(ana.id, Page::first(4).next()).await.unwrap();
    let page3 = store
        .sessions(ana.id, Page::first(4).next().next())
        .await
        .unwrap();
    assert_eq!((page1.total, page2.total, page3.total), (6, 6, 6));
    let want: Vec<SessionSummary> = newest_first
        .iter()
        .map(|&i| summary_of(ids[i], &sessions[i]))
        .collect();
    assert_eq!(page1.items, want[..4]);
    assert_eq!(page2.items, want[4..]);
    assert!(page3.items.is_empty());

    let bobs = store.sessions(bob.id, Page::first(10)).await.unwrap();
    assert_eq!(bobs.total, 2);
    assert_eq!(
        bobs.items.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![b2, b1]
    );
    let err = store
        .sessions(
            ana.id,
            Page {
                limit: 0,
                offset: 0,
            },
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("page.limit"), "{err}");
    store.close().await;
}

async fn progress_per_iso_week_is_exact(db: &TestDb) {
    let store = open(db).await;
    let ana = user(&store, "ana").await;
    let bob = user(&store, "bob").await;
    save_all(&store, &ana_sessions(ana.id)).await;
    // Bob practises in the same weeks; none of it may show in Ana's progress.
    let mut noise = session(
        bob.id,
        datetime!(2025-03-05 09:00 UTC),
        vec![side(Side::Left, Some(10.0), Some(0.25), 5.0)],
    );
    noise.findings = vec![finding("locked_knee", None, 1.0)];
    store.save_session(&noise).await.unwrap();

    let p = store.progress(ana.id, UtcOffset::UTC).await.unwrap();
    assert_eq!(p.user, ana.id);
    let keys: Vec<_> = p
        .weeks
        .iter()
        .map(|w| (w.iso_year, w.iso_week, w.monday))
        .collect();
    assert_eq!(
        keys,
        vec![
            (2025, 10, date!(2025 - 03 - 03)),
            (2025, 11, date!(2025 - 03 - 10)),
            (2025, 12, date!(2025 - 03 - 17)),
            (2025, 14, date!(2025 - 03 - 31)),
        ]
    );
    let side_week = |sessions, fold, head, hold| SideWeek {
        sessions,
        fold_angle_deg_mean: fold,
        head_to_knee_mean: head,
        hold_s_mean: hold,
    };
    let mw = |findings, sessions| MistakeWeek { findings, sessions };

    let w10 = &p.weeks[0];
    assert_eq!(w10.sessions, 2);
    assert_eq!(w10.left, side_week(2, Some(55.0), Some(0.875), Some(35.0)));
    assert_eq!(w10.right, side_week(1, Some(70.0), Some(1.25), Some(20.0)));
    assert_eq!(
        (w10.asymmetry_mean, w10.asymmetry_sessions),
        (Some(0.25), 1)
    );
    assert_eq!(
        w10.mistakes,
        BTreeMap::from([
            ("locked_knee".to_owned(), mw(2, 1)),
            ("rounded_back".to_owned(), mw(2, 2)),
        ])
    );

    let w11 = &p.weeks[1];
    assert_eq!(w11.sessions, 1);
    assert_eq!(w11.left, side_week(1, Some(50.0), Some(0.75), Some(45.0)));
    assert_eq!(w11.right, side_week(1, Some(60.0), Some(1.0), Some(35.0)));
    assert_eq!(w11.asymmetry_mean, Some(0.125));

    // Week 12: s5 saw neither fold nor head, so those means come from s4 alone,
    // while the hold is the mean of both right sides.
    let w12 = &p.weeks[2];
    assert_eq!(w12.sessions, 2);
    assert_eq!(w12.left, side_week(1, Some(40.0), Some(0.5), Some(60.0)));
    assert_eq!(w12.right, side_week(2, Some(44.0), Some(0.5), Some(54.0)));
    assert_eq!(
        (w12.asymmetry_mean, w12.asymmetry_sessions),
        (Some(0.0625), 1)
    );
    assert!(w12.mistakes.is_empty());

    let w14 = &p.weeks[3];
    assert_eq!(w14.left, side_week(1, Some(36.0), Some(0.375), Some(90.0)));
    assert_eq!(w14.asymmetry_mean, Some(0.0));

    assert_eq!(
        p.mistake_ids,
        vec!["breath_holding", "locked_knee", "rounded_back"]
    );
    assert_eq!(p.mistake_series("locked_knee"), vec![2, 1, 0, 0]);
    assert_eq!(p.mistake_series("rounded_back"), vec![2, 0, 0, 0]);
    assert_eq!(p.mistake_series("breath_holding"), vec![0, 0, 0, 1]);

    // At +01:00 the Sunday-night session s4 falls on Monday of week 13.
    let cet = store.progress(ana.id, offset!(+1)).await.unwrap();
    let weeks: Vec<_> = cet.weeks.iter().map(|w| (w.iso_week, w.sessions)).collect();
    assert_eq!(weeks, vec![(10, 2), (11, 1), (12, 1), (13, 1), (14, 1)]);
    assert_eq!(cet.utc_offset_s, 3600);

    let none = store
        .progress(UserId(9_999_999), UtcOffset::UTC)
        .await
        .unwrap();
    assert!(none.weeks.is_empty() && none.mistake_ids.is_empty());
    store.close().await;
}

async fn deleting_cascades(db: &TestDb) {
    let store = open(db).await;
    let ana = user(&store, "ana").await;
    let bob = user(&store, "bob").await;
    let ids = save_all(&store, &ana_sessions(ana.id)).await;
    let mut bobs = ana_sessions(bob.id);
    bobs.truncate(2);
    save_all(&store, &bobs).await;
    assert_eq!(count(&store, "sessions").await, 8);
    assert_eq!(count(&store, "session_sides").await, 10 + 3);
    assert_eq!(count(&store, "findings").await, 6 + 4);

    // s1 has two sides and three findings.
    assert!(
        store
            .delete_session(ids[0], &MediaBackend::Database)
            .await
            .unwrap()
    );
    assert!(
        !store
            .delete_session(ids[0], &MediaBackend::Database)
            .await
            .unwrap(),
        "already gone"
    );
    assert_eq!(store.session(ids[0]).await.unwrap(), None);
    assert_eq!(count(&store, "sessions").await, 7);
    assert_eq!(count(&store, "session_sides").await, 13 - 2);
    assert_eq!(count(&store, "findings").await, 10 - 3);
    assert_eq!(
        store.sessions(ana.id, Page::first(10)).await.unwrap().total,
        5
    );

    // Deleting a user takes their sessions, sides and findings with them.
    assert!(
        store
            .delete_user(ana.id, &MediaBackend::Database)
            .await
            .unwrap()
    );
    assert_eq!(store.user(ana.id).await.unwrap(), None);
    assert_eq!(count(&store, "sessions").await, 2);
    assert_eq!(count(&store, "session_sides").await, 3);
    assert_eq!(count(&store, "findings").await, 4);
    assert_eq!(
        store.sessions(bob.id, Page::first(10)).await.unwrap().total,
        2
    );
    store.close().await;
}

async fn a_failed_save_leaves_nothing_behind(db: &TestDb) {
    let store = open(db).await;
    let ana = user(&store, "ana").await;
    // A trigger makes the database itself refuse one findings row: the session
    // row, both side rows and the first finding are already written by then.
    match &store {
        Store::Sqlite(_) => {
            execute(
                &store,
                "CREATE TRIGGER injected_failure BEFORE INSERT ON findings \
                 WHEN NEW.mistake_id = 'injected_failure' \
                 BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
            )
            .await;
        }
        _ => {
            execute(
                &store,
                "CREATE FUNCTION injected_failure() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN IF NEW.mistake_id = 'injected_failure' THEN \
                 RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$",
            )
            .await;
            execute(
                &store,
                "CREATE TRIGGER injected_failure BEFORE INSERT ON findings \
                 FOR EACH ROW EXECUTE FUNCTION injected_failure()",
            )
            .await;
        }
    }
    let mut doomed = ana_sessions(ana.id).remove(0);
    doomed
        .findings
        .insert(2, finding("injected_failure", None, 1.0));
    let err = store.save_session(&doomed).await.unwrap_err();
    assert!(matches!(err, StoreError::Database(_)), "{err}");
    assert!(err.to_string().contains("injected failure"), "{err}");
    for table in ["sessions", "session_sides", "findings"] {
        assert_eq!(
            count(&store, table).await,
            0,
            "{table} after the failed save"
        );
    }
    assert_eq!(
        store.sessions(ana.id, Page::first(10)).await.unwrap().total,
        0
    );

    // A session for a user that does not exist fails the same clean way.
    let orphan = session(UserId(9_999_999), datetime!(2025-03-04 07:00 UTC), vec![]);
    let err = store.save_session(&orphan).await.unwrap_err();
    assert!(matches!(err, StoreError::UnknownUser(9_999_999)), "{err}");
    assert_eq!(count(&store, "sessions").await, 0);

    // The store is still usable, and the same session without the bad row saves.
    doomed.findings.remove(2);
    let id = store.save_session(&doomed).await.unwrap();
    assert_eq!(
        store
            .session(id)
            .await
            .unwrap()
            .unwrap()
            .data
            .findings
            .len(),
        3
    );
    store.close().await;
}

async fn concurrent_writers_all_land(db: &TestDb) {
    const TASKS: usize = 6;
    const PER_TASK: usize = 8;
    let store = open(db).await;
    let mut users = Vec::new();
    for t in 0..TASKS {
        users.push(user(&store, &format!("writer-{t}")).await);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for (t, u) in users.iter().enumerate() {
        let store = store.clone();
        let uid = u.id;
        tasks.spawn(async move {
            let mut saved = Vec::new();
            for i in 0..PER_TASK {
                let mut s = ana_sessions(uid).remove(i % 6);
                s.duration_s = 600.0 + (t * PER_TASK + i) as f64;
                let id = store.save_session(&s).await.expect("concurrent save");
                saved.push((id, s));
            }
            saved
        });
    }
    let mut all = Vec::new();
    while let Some(done) = tasks.join_next().await {
        all.extend(done.expect("writer task"));
    }
    assert_eq!(all.len(), TASKS * PER_TASK);
    let mut ids: Vec<_> = all.iter().map(|(id, _)| *id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), TASKS * PER_TASK, "every save got its own id");
    assert_eq!(count(&store, "sessions").await, (TASKS * PER_TASK) as i64);
    for (id, s) in &all {
        let got = store.session(*id).await.unwrap().expect("landed");
        assert_eq!(got.data, s.validated().unwrap());
    }
    for u in &users {
        let list = store.sessions(u.id, Page::first(100)).await.unwrap();
        assert_eq!(list.total, PER_TASK as u64);
    }
    store.close().await;
}

async fn reopening_keeps_the_data(db: &TestDb) {
    let store = open(db).await;
    let ana = user(&store, "ana").await;
    let sessions = ana_sessions(ana.id);
    let ids = save_all(&store, &sessions).await;
    let before = store.progress(ana.id, UtcOffset::UTC).await.unwrap();
    store.close().await;
    assert!(store.ping().await.is_err(), "a closed store refuses work");

    // Opening again runs the migrations again (a no-op) and finds everything.
    let again = open(db).await;
    again.ping().await.unwrap();
    assert_eq!(
        again.user_by_handle("ana").await.unwrap(),
        Some(ana.clone())
    );
    for (id, s) in ids.iter().zip(&sessions) {
        let got = again.session(*id).await.unwrap().expect("kept");
        assert_eq!(got.data, s.validated().unwrap());
    }
    assert_eq!(
        again.progress(ana.id, UtcOffset::UTC).await.unwrap(),
        before
    );
    // New ids never reuse old ones, even after a delete.
    again
        .delete_session(ids[5], &MediaBackend::Database)
        .await
        .unwrap();
    let fresh = again.save_session(&sessions[0]).await.unwrap();
    assert!(fresh > ids[5], "{fresh} must be above {}", ids[5]);
    again.close().await;
}

async fn invalid_input_is_rejected_before_anything_is_written(db: &TestDb) {
    let store = open(db).await;
    let ana = user(&store, "ana").await;
    let good = ana_sessions(ana.id).remove(0);
    type Edit = fn(&mut NewSession);
    let cases: Vec<(&str, Edit)> = vec![
        ("duration_s", |s| s.duration_s = f64::NAN),
        ("duration_s", |s| s.duration_s = -1.0),
        ("duration_s", |s| s.duration_s = 100_000.0),
        ("started_at", |s| {
            s.started_at = datetime!(1960-01-01 0:00 UTC);
        }),
        ("media_name", |s| s.media_name = Some(String::new())),
        ("media_name", |s| s.media_name = Some("a\0b.mp4".into())),
        ("media_name", |s| s.media_name = Some("x".repeat(256))),
        ("segments[0].pose", |s| {
            s.segments[0].pose = "Janu Sirsasana".into();
        }),
        ("segments[1].end_s", |s| s.segments[1].end_s = 10.0),
        ("segments[1].end_s", |s| s.segments[1].end_s = 700.0),
        ("sides[0].fold_angle_deg", |s| {
            s.sides[0].fold_angle_deg = Some(250.0);
        }),
        ("sides[1].fold_angle_deg", |s| {
            s.sides[1].fold_angle_deg = Some(f64::INFINITY);
        }),
        ("sides[0].head_to_knee", |s| {
            s.sides[0].head_to_knee = Some(-0.1);
        }),
        ("sides[0].knee_angle_deg", |s| {
            s.sides[0].knee_angle_deg = Some(300.0);
        }),
        ("sides[0].hip_opening_deg", |s| {
            s.sides[0].hip_opening_deg = Some(f64::NAN);
        }),
        ("sides[0].hold_s", |s| s.sides[0].hold_s = 700.0),
        ("sides[0].breaths", |s| s.sides[0].breaths = Some(1_000_000)),
        ("sides[0].breath_rate_bpm", |s| {
            s.sides[0].breath_rate_bpm = Some(90.0);
        }),
        ("sides[1].side", |s| s.sides[1].side = s.sides[0].side),
        ("asymmetry_index", |s| s.asymmetry_index = Some(3.0)),
        ("findings[0].mistake_id", |s| {
            s.findings[0].mistake_id = String::new();
        }),
        ("findings[1].mistake_id", |s| {
            s.findings[1].mistake_id = "Locked knee".into();
        }),
        ("findings[2].end_s", |s| {
            s.findings[2].start_s = 9.0;
            s.findings[2].end_s = 8.0;
        }),
        ("findings[0].start_s", |s| {
            s.findings[0].start_s = f64::NEG_INFINITY;
        }),
    ];
    for (field, edit) in cases {
        let mut bad = good.clone();
        edit(&mut bad);
        let err = store.save_session(&bad).await.unwrap_err();
        match &err {
            StoreError::Invalid { field: f, .. } => assert_eq!(f, field, "{err}"),
            other => panic!("{field}: expected Invalid, got {other}"),
        }
        assert!(
            err.to_string().starts_with(&format!("invalid {field}: ")),
            "{err}"
        );
    }
    for (handle, name, field) in [
        ("Ana Smith", "Ana", "handle"),
        ("", "Ana", "handle"),
        (&*"a".repeat(41), "Ana", "handle"),
        ("ana2", "", "display_name"),
        ("ana2", "  ", "display_name"),
        ("ana2", "line\nbreak", "display_name"),
    ] {
        let err = store
            .create_user(&NewUser {
                handle: handle.into(),
                display_name: name.into(),
            })
            .await
            .unwrap_err();
        assert!(
            matches!(&err, StoreError::Invalid { field: f, .. } if f == field),
            "{handle:?}/{name:?}: {err}"
        );
    }
    let err = store.user_by_handle("NOT A HANDLE").await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid { .. }), "{err}");

    assert_eq!(count(&store, "sessions").await, 0, "nothing was written");
    assert_eq!(count(&store, "users").await, 1);
    // The untouched session is fine.
    store.save_session(&good).await.unwrap();
    store.close().await;
}

/// A SHA-256-shaped hash for the tests: 64 hex digits made of `c`.
fn hash_of(c: char) -> String {
    std::iter::repeat_n(c, TOKEN_HASH_LEN).collect()
}

async fn accounts_sign_in_hold_tokens_and_share(db: &TestDb) {
    let store = open(db).await;
    let ana = user(&store, "ana").await;
    let teo = user(&store, "teo").await;
    let cy = user(&store, "cy").await;

    // Passwords: none until set, then read back with the user; cleared again.
    let (u, hash) = store.user_with_password("ana").await.unwrap().unwrap();
    assert_eq!((u, hash), (ana.clone(), None));
    store
        .set_password_hash(ana.id, Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"))
        .await
        .unwrap();
    let (_, hash) = store.user_with_password("ana").await.unwrap().unwrap();
    assert!(hash.unwrap().starts_with("$argon2id$"));
    assert!(store.user_with_password("nobody").await.unwrap().is_none());
    let err = store
        .set_password_hash(UserId(9_999_999), Some("x"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::UnknownUser(9_999_999)), "{err}");

    // Logins: found until they expire, gone after sign-out or a reset.
    let now = OffsetDateTime::now_utc();
    let day = time::Duration::days(1);
    store
        .create_login(ana.id, &hash_of('a'), "csrf-token-of-ana-0001", now + day)
        .await
        .unwrap();
    store
        .create_login(ana.id, &hash_of('b'), "csrf-token-of-ana-0002", now - day)
        .await
        .unwrap();
    let login = store.login(&hash_of('a'), now).await.unwrap().unwrap();
    assert_eq!(login.user, ana);
    assert_eq!(login.csrf, "csrf-token-of-ana-0001");
    assert_eq!(
        store.login(&hash_of('b'), now).await.unwrap(),
        None,
        "expired"
    );
    assert_eq!(store.login("not a hash", now).await.unwrap(), None);
    assert_eq!(store.delete_expired_logins(now).await.unwrap(), 1);
    assert_eq!(
        store.login(&hash_of('a'), now + day * 2).await.unwrap(),
        None
    );
    assert_eq!(store.delete_logins_of(ana.id).await.unwrap(), 1);
    assert_eq!(store.login(&hash_of('a'), now).await.unwrap(), None);

    // API tokens: found by hash, listed with their last use, revoked by owner only.
    let token = store
        .create_api_token(ana.id, " phone ", &hash_of('c'))
        .await
        .unwrap();
    assert_eq!(token.name, "phone");
    let err = store
        .create_api_token(teo.id, "laptop", &hash_of('c'))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::TokenHashTaken), "{err}");
    assert_eq!(
        store.user_by_api_token(&hash_of('c')).await.unwrap(),
        Some(ana.clone())
    );
    let listed = store.api_tokens(ana.id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].last_used_at.is_some(), "the use is recorded");
    assert!(!store.revoke_api_token(teo.id, token.id).await.unwrap());
    assert!(store.revoke_api_token(ana.id, token.id).await.unwrap());
    assert_eq!(store.user_by_api_token(&hash_of('c')).await.unwrap(), None);

    // Shares: one way, idempotent, taken back; never with oneself.
    store.share(ana.id, teo.id).await.unwrap();
    store.share(ana.id, teo.id).await.unwrap();
    store.share(cy.id, teo.id).await.unwrap();
    assert!(store.shares_with(ana.id, teo.id).await.unwrap());
    assert!(!store.shares_with(teo.id, ana.id).await.unwrap());
    assert_eq!(
        store.students_of(teo.id).await.unwrap(),
        vec![ana.clone(), cy.clone()]
    );
    assert_eq!(store.teachers_of(ana.id).await.unwrap(), vec![teo.clone()]);
    assert!(store.share(ana.id, ana.id).await.is_err());
    assert!(store.unshare(ana.id, teo.id).await.unwrap());
    assert!(!store.unshare(ana.id, teo.id).await.unwrap());
    assert_eq!(store.students_of(teo.id).await.unwrap(), vec![cy.clone()]);

    // Deleting a user takes their logins, tokens and shares with them.
    store
        .create_login(cy.id, &hash_of('d'), "csrf-token-of-cy-00001", now + day)
        .await
        .unwrap();
    store
        .create_api_token(cy.id, "laptop", &hash_of('e'))
        .await
        .unwrap();
    assert!(
        store
            .delete_user(cy.id, &MediaBackend::Database)
            .await
            .unwrap()
    );
    for table in ["logins", "api_tokens", "shares"] {
        assert_eq!(count(&store, table).await, 0, "{table}");
    }
    store.close().await;
}

async fn upload_jobs_finish_with_their_session_exactly_once(db: &TestDb) {
    let store = open(db).await;
    let ana = user(&store, "ana").await;
    // An upload of two and a half chunks, kept in the database.
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("practice.mp4");
    let bytes: Vec<u8> = (0..UPLOAD_CHUNK_BYTES * 5 / 2)
        .map(|i| (i * 7 % 251) as u8)
        .collect();
    std::fs::write(&src, &bytes).unwrap();
    let a = store
        .create_upload_job(
            ana.id,
            "practice.mp4",
            "video",
            "job-a.upload",
            Some(&src),
            &MediaBackend::Database,
        )
        .await
        .unwrap();
    let b = store
        .create_upload_job(
            ana.id,
            "photo.jpg",
            "photo",
            "job-b.upload",
            None,
            &MediaBackend::Database,
        )
        .await
        .unwrap();
    assert_eq!(a.state, UploadState::Queued);
    assert_eq!(count(&store, "upload_chunks").await, 3);
    let copy = dir.path().join("copy.mp4");
    assert_eq!(
        store
            .copy_upload_bytes(a.id, &copy, &MediaBackend::Database)
            .await
            .unwrap(),
        Some(bytes.len() as u64)
    );
    assert!(
        std::fs::read(&copy).unwrap() == bytes,
        "the bytes come back as sent"
    );
    assert_eq!(
        store
            .copy_upload_bytes(b.id, &copy, &MediaBackend::Database)
            .await
            .unwrap(),
        None
    );

    // A worker takes it; another may not while the first holds its lease,
    // and may once the first has gone silent (a second attempt).
    let lease = std::time::Duration::from_secs(60);
    let short = std::time::Duration::from_millis(10);
    let taken = store
        .take_upload_job(a.id, "host-1", lease)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((taken.state, taken.attempts), (UploadState::Running, 1));
    assert!(
        store
            .take_upload_job(a.id, "host-2", lease)
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.touch_upload_job(a.id, "host-1").await.unwrap());
    assert!(!store.touch_upload_job(a.id, "host-2").await.unwrap());
    let stranded = store.stranded_upload_jobs(lease).await.unwrap();
    assert!(stranded.iter().all(|j| j.id != a.id), "held by host-1");
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let stranded = store.stranded_upload_jobs(short).await.unwrap();
    assert!(stranded.iter().any(|j| j.id == a.id), "host-1 went silent");
    let taken = store
        .take_upload_job(a.id, "host-2", short)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (taken.attempts, taken.worker.as_deref()),
        (2, Some("host-2"))
    );
    store
        .set_upload_progress(a.id, "finding the body", 30, Some(120), 0.2)
        .await
        .unwrap();
    let job = store.upload_job(a.id).await.unwrap().unwrap();
    assert_eq!(
        (job.stage.as_deref(), job.frames_done, job.frames_total),
        (Some("finding the body"), 30, Some(120))
    );
    let stats = store.queue_stats().await.unwrap();
    assert_eq!((stats.queued, stats.running), (1, 1));
    // Both are unfinished: a restart runs them again, oldest first.
    let open_jobs: Vec<_> = store
        .unfinished_upload_jobs()
        .await
        .unwrap()
        .iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(open_jobs, vec![a.id, b.id]);

    // The session, its key frames and the job's end commit together, once;
    // the upload's bytes go in the same transaction.
    let new = session(ana.id, datetime!(2025-03-04 07:30 UTC), vec![]);
    let saved = store
        .save_session_for_job(
            &new,
            a.id,
            Some(b"{\"key_frames\":[]}"),
            &MediaBackend::Database,
        )
        .await
        .unwrap();
    let job = store.upload_job(a.id).await.unwrap().unwrap();
    assert_eq!((job.state, job.session), (UploadState::Done, Some(saved)));
    assert_eq!(count(&store, "upload_chunks").await, 0);
    assert_eq!(
        store
            .session_media(saved, &MediaBackend::Database)
            .await
            .unwrap()
            .as_deref(),
        Some(&b"{\"key_frames\":[]}"[..])
    );
    let again = store
        .save_session_for_job(&new, a.id, None, &MediaBackend::Database)
        .await
        .unwrap_err();
    assert!(matches!(again, StoreError::JobGone(_)), "{again}");
    assert_eq!(count(&store, "sessions").await, 1, "saved once");
    assert!(
        store
            .take_upload_job(a.id, "host-3", short)
            .await
            .unwrap()
            .is_none()
    );

    assert!(
        store
            .fail_upload_job(b.id, "not a video", &MediaBackend::Database)
            .await
            .unwrap()
    );
    assert!(
        !store
            .fail_upload_job(a.id, "late", &MediaBackend::Database)
            .await
            .unwrap(),
        "done stays done"
    );
    let job = store.upload_job(b.id).await.unwrap().unwrap();
    assert_eq!(job.state, UploadState::Failed);
    assert_eq!(job.error.as_deref(), Some("not a video"));
    assert!(store.unfinished_upload_jobs().await.unwrap().is_empty());
    let recent: Vec<_> = store
        .recent_upload_jobs(10)
        .await
        .unwrap()
        .iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(recent, vec![b.id, a.id]);

    let err = store
        .create_upload_job(
            ana.id,
            "",
            "photo",
            "job-c.upload",
            None,
            &MediaBackend::Database,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid { .. }), "{err}");
    // A queued upload's bytes and a session's key frames go with their user.
    store
        .create_upload_job(
            ana.id,
            "again.mp4",
            "video",
            "job-d.upload",
            Some(&src),
            &MediaBackend::Database,
        )
        .await
        .unwrap();
    store
        .delete_user(ana.id, &MediaBackend::Database)
        .await
        .unwrap();
    for table in ["upload_jobs", "upload_chunks", "session_media"] {
        assert_eq!(count(&store, table).await, 0, "{table}");
    }
    store.close().await;
}

async fn the_queue_holds_one_task_per_job_and_finds_stranded_ones(db: &TestDb) {
    let store = open(db).await;
    let ana = user(&store, "ana").await;
    let queue = JobQueue::new(&store, QueueSettings::default());
    let a = store
        .create_upload_job(
            ana.id,
            "a.mp4",
            "video",
            "job-a.upload",
            None,
            &MediaBackend::Database,
        )
        .await
        .unwrap();
    let b = store
        .create_upload_job(
            ana.id,
            "b.mp4",
            "video",
            "job-b.upload",
            None,
            &MediaBackend::Database,
        )
        .await
        .unwrap();
    queue.enqueue(a.id).await.unwrap();
    queue.enqueue(a.id).await.unwrap();
    assert_eq!(queue.waiting().await.unwrap(), 1, "queueing twice is once");
    // b's row was written but its task never was (the server stopped).
    assert_eq!(queue.requeue_stranded(&store).await.unwrap(), 1);
    assert_eq!(queue.waiting().await.unwrap(), 2);
    assert_eq!(queue.requeue_stranded(&store).await.unwrap(), 0);
    // A worker that stops without finishing hands its job straight back.
    let lease = queue.lease();
    store
        .take_upload_job(a.id, "w", lease)
        .await
        .unwrap()
        .unwrap();
    assert!(store.release_upload_job(a.id, "w").await.unwrap());
    assert_eq!(
        store.upload_job(a.id).await.unwrap().unwrap().state,
        UploadState::Queued
    );
    assert_ne!(task_id(a.id), task_id(b.id));
    store.close().await;
}

async fn a_long_video_is_cut_once_and_its_pieces_are_leased(db: &TestDb) {
    let store = open(db).await;
    let ana = user(&store, "ana").await;
    let a = store
        .create_upload_job(
            ana.id,
            "class.mp4",
            "video",
            "job-a.upload",
            None,
            &MediaBackend::Database,
        )
        .await
        .unwrap();
    let plan = [(0.0, Some(60.0)), (60.0, Some(120.0)), (120.0, None)];
    let pieces = store.plan_upload_pieces(a.id, &plan).await.unwrap();
    assert_eq!(pieces.len(), 3);
    assert_eq!((pieces[2].start_s, pieces[2].end_s), (120.0, None));
    // A second plan (a worker that took the job over) keeps the first.
    let again = store
        .plan_upload_pieces(a.id, &[(0.0, Some(10.0)), (10.0, None)])
        .await
        .unwrap();
    assert_eq!(again, pieces);
    for bad in [
        &[][..],
        &[(0.0, Some(10.0)), (20.0, None)][..],
        &[(5.0, Some(1.0))][..],
    ] {
        assert!(matches!(
            store.plan_upload_pieces(a.id, bad).await,
            Err(StoreError::Invalid { .. })
        ));
    }

    // Two workers take different pieces; a silent one loses its piece.
    let lease = std::time::Duration::from_secs(60);
    let short = std::time::Duration::from_millis(10);
    let one = store
        .take_upload_piece(a.id, "w1", lease)
        .await
        .unwrap()
        .unwrap();
    let two = store
        .take_upload_piece(a.id, "w2", lease)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((one.seq, two.seq), (0, 1));
    assert!(store.touch_upload_piece(a.id, 0, "w1").await.unwrap());
    assert!(!store.touch_upload_piece(a.id, 0, "w2").await.unwrap());
    assert!(
        store
            .finish_upload_piece(a.id, 1, b"frames of 1")
            .await
            .unwrap()
    );
    assert!(
        !store.finish_upload_piece(a.id, 1, b"again").await.unwrap(),
        "once"
    );
    let three = store
        .take_upload_piece(a.id, "w2", lease)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(three.seq, 2);
    assert!(
        store
            .take_upload_piece(a.id, "w3", lease)
            .await
            .unwrap()
            .is_none()
    );
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let taken = store
        .take_upload_piece(a.id, "w3", short)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((taken.seq, taken.worker.as_deref()), (0, Some("w3")));
    assert_eq!(
        store.upload_piece_frames(a.id, 1).await.unwrap().as_deref(),
        Some(&b"frames of 1"[..])
    );
    assert_eq!(store.upload_piece_frames(a.id, 0).await.unwrap(), None);
    let done: Vec<bool> = store
        .upload_pieces(a.id)
        .await
        .unwrap()
        .iter()
        .map(|p| p.done)
        .collect();
    assert_eq!(done, [false, true, false]);

    // Helpers have their own tasks; a failed job takes its pieces with it.
    assert_ne!(helper_task_id(a.id, 1), task_id(a.id));
    assert_eq!(helper_task_id(a.id, 0), task_id(a.id));
    assert!(
        store
            .fail_upload_job(a.id, "no", &MediaBackend::Database)
            .await
            .unwrap()
    );
    assert!(store.upload_pieces(a.id).await.unwrap().is_empty());
    assert!(
        store
            .plan_upload_pieces(a.id, &plan)
            .await
            .unwrap()
            .is_empty(),
        "a finished job is not cut again"
    );
    store.close().await;
}
