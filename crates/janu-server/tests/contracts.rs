//! The server's contracts with its clients, as snapshots: the OpenAPI
//! document, a report as the API returns it, and every message kind of the
//! live-coaching WebSocket. A change to any of them shows up as a snapshot
//! diff to review (`cargo insta review`), never silently.

mod support;

use std::time::Duration;

use axum::http::StatusCode;
use janu_analysis::live::{LiveUpdate, SideDone};
use janu_analysis::phases::PhaseName;
use janu_body::landmark::Side;
use janu_body::pose_name::PoseName;
use janu_server::live::protocol::{
    ClientMessage, Feedback, FrameHeader, ServerMessage, Summary, SummaryFinding, Timing,
    frame_header,
};
use support::{TestApp, practice_landmarks};

/// How long one upload of a generated practice may take to be analysed.
const JOB_LIMIT: Duration = Duration::from_secs(120);

/// The fields of a saved session that name the run rather than the analysis.
const VOLATILE: [&str; 4] = ["id", "created_at", "updated_at", "started_at"];

#[tokio::test]
async fn the_openapi_document() {
    let app = TestApp::new().await;
    let r = app.get("/api/openapi.json", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    insta::assert_json_snapshot!("openapi", r.json());
}

#[tokio::test]
async fn a_report_as_the_api_returns_it() {
    let app = TestApp::new().await;
    app.sign_in("ana").await;
    let r = app
        .upload("ana", "practice.jsonl", practice_landmarks(7))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let job = app
        .wait_job("ana", r.json()["id"].as_u64().unwrap(), JOB_LIMIT)
        .await;
    assert_eq!(job["state"], "done", "{job}");
    let id = job["session_id"].as_i64().unwrap();
    let r = app.get(&format!("/api/sessions/{id}"), Some("ana")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // The ids and the times of the saving differ from run to run; the
    // analysis of a generated practice does not.
    let mut session = r.json();
    for key in VOLATILE {
        if let Some(v) = session.get_mut(key) {
            *v = serde_json::Value::String(format!("[{key}]"));
        }
    }
    shorten(&mut session);
    insta::assert_json_snapshot!("report", session);
}

/// Arrays longer than this keep only their first [`KEEP_ITEMS`] items in the
/// report's snapshot: per-frame traces would make it megabytes, and their
/// shape is what the contract is about.
const LONG_ARRAY: usize = 8;
/// How many items of a long array the snapshot keeps.
const KEEP_ITEMS: usize = 3;

/// Cut every long array in `v` to its first items and a note of how many
/// were left out.
fn shorten(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Array(items) => {
            if items.len() > LONG_ARRAY {
                let left_out = items.len() - KEEP_ITEMS;
                items.truncate(KEEP_ITEMS);
                items.push(serde_json::Value::String(format!("[{left_out} more]")));
            }
            items.iter_mut().for_each(shorten);
        }
        serde_json::Value::Object(fields) => fields.values_mut().for_each(shorten),
        _ => {}
    }
}

#[test]
fn the_live_protocol_messages() {
    let client = [
        ClientMessage::Start { mirrored: true },
        ClientMessage::Settings {
            mirrored: Some(false),
        },
        ClientMessage::Stop,
    ];
    let side = SideDone {
        side: Side::Left,
        start_s: 12.5,
        end_s: 72.5,
        hold_s: 60.0,
        breaths: Some(9),
    };
    let server = [
        ServerMessage::Ready {
            model: "full".into(),
            max_frame_bytes: 1_048_576,
            max_fps: 15.0,
            suggested_fps: 10.0,
            suggested_width: 480,
            mirrored: true,
        },
        ServerMessage::Feedback(Feedback {
            frame: 42,
            captured_ms: 1234.5,
            dropped: 1,
            landmarks: Some(vec![[0.5, 0.25, 0.875]; 2]),
            update: LiveUpdate {
                t: 4.2,
                person_visible: true,
                pose: Some(PoseName::Janusirsasana),
                confidence: 0.875,
                extended_leg: Some(Side::Left),
                phase: Some(PhaseName::Hold),
                fold_angle_deg: Some(52.5),
                hold_s: Some(3.5),
                breaths: Some(1),
                // Through its JSON, as the page reads it: the id is a
                // kebab-case name whatever type holds it in Rust.
                cue: Some(
                    serde_json::from_value(serde_json::json!({
                        "id": "hold-breathe",
                        "text": "Stay and breathe.",
                        "priority": "low",
                    }))
                    .unwrap(),
                ),
                camera_hint: None,
                sides_done: vec![side],
            },
            timing: Timing {
                queue_ms: 0.5,
                decode_ms: 2.0,
                model_ms: 20.0,
                coach_ms: 0.25,
                total_ms: 23.0,
            },
        }),
        ServerMessage::Summary(Summary {
            saved: true,
            session_id: Some(12),
            url: Some("/sessions/12".into()),
            reason: None,
            duration_s: 95.5,
            frames: 955,
            dropped: 3,
            sides: vec![side],
            findings: vec![SummaryFinding {
                id: "locked-knee".into(),
                title: "Locked knee".into(),
                side: Some("left".into()),
                message: "The extended knee was locked.".into(),
            }],
            camera_advice: Some("Put the camera at hip height.".into()),
        }),
        ServerMessage::error("busy", "one frame at a time", Some(43), false),
    ];
    let header = frame_header(&FrameHeader {
        id: 42,
        captured_ms: 1234.5,
        mirrored: true,
    });
    let hex: String = header.iter().map(|b| format!("{b:02x}")).collect();
    insta::assert_json_snapshot!(
        "live_protocol",
        serde_json::json!({
            "client_text": client,
            "client_frame_header_hex": hex,
            "server": server.iter().map(|m| {
                serde_json::from_str::<serde_json::Value>(&m.to_json()).unwrap()
            }).collect::<Vec<_>>(),
        })
    );
}
