//! The JSON API under `/api`: everything the pages do, for programs. The OpenAPI
//! document at `/api/openapi.json` is generated from the handlers below
//! ([`ApiDoc`]). Every error is JSON `{"error": "..."}` ([`ServerError`]).
//!
//! Requests that act for a user prove who they are with `Authorization: Bearer
//! TOKEN` (a personal API token, or the token `POST /api/login` answers) or,
//! from the pages, the session cookie with the CSRF token (see [`crate::user`]).

pub mod accounts;

use std::borrow::Cow;

use axum::Json;
use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http_body_util::BodyExt;
use janu_pose::{
    ConditionId, GoalId, Level, Plan, PlanRequest, Screening, ScreeningInput, Side, Topic,
};
use janu_store::{Page, SessionId};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::{OpenApi, PartialSchema, ToSchema};

use crate::jobs::{Job, JobState};
use crate::user::CurrentUser;
use crate::{AppState, ServerError, analysis};

/// Longest pause in an upload's body: a client that sends nothing for this
/// long holds a slot and a file for nothing (a phone on a poor network still
/// sends something every few seconds).
pub const UPLOAD_STALL_LIMIT: std::time::Duration = std::time::Duration::from_secs(30);
/// Longest an upload's body may take in all: the largest upload at 4 Mbit/s
/// (a phone on a crowded studio network) fits; a client trickling a byte
/// every few seconds does not keep a slot for hours.
pub const UPLOAD_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(20 * 60);

/// Name prefix of an upload waiting for analysis in the uploads folder.
pub const UPLOAD_PREFIX: &str = ".upload-";

/// Sessions listed per page when the client does not say.
pub const DEFAULT_PAGE_LIMIT: u32 = 50;
/// Longest uploaded file name kept (the store's limit for media names).
pub const MAX_MEDIA_NAME_CHARS: usize = janu_store::MEDIA_NAME_MAX_CHARS;

/// The API routes (merged into [`crate::app`]).
pub fn router(_state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/api/health", get(health))
        .route("/metrics", get(metrics))
        .route("/api/openapi.json", get(openapi))
        .route("/api/login", post(accounts::login))
        .route("/api/logout", post(accounts::logout))
        .route("/api/signup", post(accounts::signup))
        .route("/api/me", get(me).delete(accounts::delete_me))
        .route(
            "/api/me/password",
            axum::routing::put(accounts::change_password),
        )
        .route("/api/me/export", get(accounts::export))
        .route(
            "/api/tokens",
            get(accounts::tokens).post(accounts::create_token),
        )
        .route(
            "/api/tokens/{id}",
            axum::routing::delete(accounts::revoke_token),
        )
        .route("/api/shares", get(accounts::shares))
        .route(
            "/api/shares/{handle}",
            axum::routing::put(accounts::share).delete(accounts::unshare),
        )
        .route("/api/students", get(accounts::students))
        .route(
            "/api/students/{handle}/sessions",
            get(accounts::student_sessions),
        )
        .route(
            "/api/students/{handle}/progress",
            get(accounts::student_progress),
        )
        .route("/api/pose", get(pose))
        .route("/api/pose/{topic}", get(pose_topic))
        .route("/api/screen/conditions", get(conditions))
        .route("/api/screen", post(post_screen))
        .route("/api/plan", post(post_plan))
        .route("/api/uploads", post(upload))
        .route("/api/jobs/{id}", get(job))
        .route("/api/sessions", get(sessions))
        .route("/api/sessions/{id}", get(session).delete(delete_session))
        .route("/api/progress", get(progress))
}

// ---------------------------------------------------------------------------
// Extractors whose rejections are JSON errors.

/// `Json<T>` whose rejection is a [`ServerError::BadRequest`].
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ServerError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Json::<T>::from_request(req, state)
            .await
            .map(|Json(v)| ApiJson(v))
            .map_err(|e| ServerError::BadRequest(e.body_text()))
    }
}

/// `Query<T>` whose rejection is a [`ServerError::BadRequest`].
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ServerError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| ApiQuery(v))
            .map_err(|e| ServerError::BadRequest(e.body_text()))
    }
}

fn parse_id(kind: &str, s: &str) -> Result<i64, ServerError> {
    s.parse::<i64>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| ServerError::NotFound(format!("no {kind} {s:?}")))
}

// ---------------------------------------------------------------------------
// Schemas of types from other crates (janu-pose, janu-store, janu-analysis):
// described as objects, with a pointer to their documentation.

macro_rules! object_schema {
    ($name:ident, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug)]
        pub struct $name;
        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new().description(Some($doc)).into()
            }
        }
        impl ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
        }
    };
}

object_schema!(
    KnowledgeDoc,
    "Everything Janu knows about Janusirsasana (janu-pose `Knowledge`, the same JSON as `janu pose --json`)."
);
object_schema!(
    TopicDoc,
    "One topic of the knowledge (the same JSON as `janu pose TOPIC --json`)."
);
object_schema!(
    ScreeningDoc,
    "A screening: `decision` (proceed, modify, supervised, avoid), `summary`, `reasons`, `cautious_choices`, `variation`, `props`, `warning_signs` (janu-pose `Screening`, as `janu screen --json`)."
);
object_schema!(
    PlanDoc,
    "A practice plan: level, minutes, screening, variation, props, notes and timed `steps` (janu-pose `Plan`, as `janu plan --json`)."
);
object_schema!(
    SessionListDoc,
    "A page of sessions, newest first: `items` (id, started_at, duration_s, source, media_name, sides, asymmetry_index, tighter_side, finding_count) and `total` (janu-store `SessionList`)."
);
object_schema!(
    SessionDoc,
    "A saved session: id, started_at, duration_s, source, media_name, segments, sides, asymmetry_index, tighter_side, findings and the full analysis `report` (janu-store `Session`; the report is janu-analysis `SessionReport`)."
);
object_schema!(
    ProgressDoc,
    "Progress by ISO week: per week the sessions, fold angle, head-to-knee and hold means per side, the asymmetry mean and the mistakes seen (janu-store `Progress`)."
);

/// The raw bytes of a photo (JPEG, PNG, WebP), a video (MP4/MOV with H.264;
/// other containers need ffmpeg on the server) or a landmark file (JSON Lines).
#[derive(Debug)]
pub struct UploadBody;
impl PartialSchema for UploadBody {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}
impl ToSchema for UploadBody {}

// ---------------------------------------------------------------------------
// Types of this API.

/// `{"status": "ok", "queue": {...}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` when the server answers and its database does.
    pub status: String,
    /// The upload queue, shared by every replica and worker.
    pub queue: QueueHealth,
    /// Analysis workers in this process (0: it only queues).
    pub local_workers: usize,
}

/// The upload queue's depth and age.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueHealth {
    /// Uploads waiting for a worker.
    pub queued: i64,
    /// Uploads a worker is on.
    pub running: i64,
    /// Uploads analysed and saved.
    pub done: i64,
    /// Uploads that ended without a session.
    pub failed: i64,
    /// Seconds the oldest waiting upload has waited (0 when none waits).
    pub oldest_queued_s: f64,
}

impl From<janu_store::QueueStats> for QueueHealth {
    fn from(s: janu_store::QueueStats) -> Self {
        Self {
            queued: s.queued,
            running: s.running,
            done: s.done,
            failed: s.failed,
            oldest_queued_s: s.oldest_queued_s,
        }
    }
}

/// An error: `{"error": "what went wrong"}`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, for people.
    pub error: String,
}

/// A user as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    /// The handle.
    pub handle: String,
    /// Name shown on pages.
    pub display_name: String,
    /// When the user was created, RFC 3339.
    pub created_at: String,
}

impl From<&janu_store::User> for UserView {
    fn from(u: &janu_store::User) -> Self {
        UserView {
            handle: u.handle.clone(),
            display_name: u.display_name.clone(),
            created_at: u
                .created_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
        }
    }
}

/// A condition the screening asks about.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConditionView {
    /// Its id, for `conditions` in screening and plan requests.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Examples, to help people recognise it.
    pub examples: String,
    /// Whether the trimester must be given with it (pregnancy).
    pub needs_trimester: bool,
}

/// What the screening needs: the conditions that apply (none = `[]` or
/// `["none"]`), and the trimester with `pregnancy`.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScreenRequest {
    /// Condition ids (see `GET /api/screen/conditions`).
    #[serde(default)]
    pub conditions: Vec<String>,
    /// 1, 2 or 3, with `pregnancy`.
    #[serde(default)]
    pub trimester: Option<u8>,
}

/// What the plan builder needs (the options of `janu plan`).
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanForm {
    /// beginner (default), intermediate or advanced.
    #[serde(default)]
    pub level: Option<String>,
    /// Session length in minutes, 5 to 60 (default 20).
    #[serde(default)]
    pub minutes: Option<u32>,
    /// Condition ids (see `GET /api/screen/conditions`).
    #[serde(default)]
    pub conditions: Vec<String>,
    /// 1, 2 or 3, with `pregnancy`.
    #[serde(default)]
    pub trimester: Option<u8>,
    /// Goal ids: lower-back-stiffness, hamstring-imbalance, mild-sciatica,
    /// hip-asymmetry, digestion, menstrual-discomfort, stress-sleep.
    #[serde(default)]
    pub goals: Vec<String>,
    /// left or right: the side whose extended leg is tighter.
    #[serde(default)]
    pub tighter_side: Option<String>,
}

/// Default session length of the plan builder: the plan's own default, as
/// `janu plan`.
pub const DEFAULT_PLAN_MINUTES: u32 = janu_pose::DEFAULT_MINUTES;

fn pose_error(e: &janu_pose::PoseError) -> ServerError {
    let msg = e.to_string();
    match e {
        janu_pose::PoseError::NotAdvised { .. } => ServerError::Unprocessable(msg),
        _ => ServerError::BadRequest(msg),
    }
}

fn conditions_from(ids: &[String]) -> Result<Vec<ConditionId>, ServerError> {
    ids.iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim().parse().map_err(|e| pose_error(&e)))
        .collect()
}

/// The screening of a request, with the rules of `janu screen`: no condition
/// means `none` (the questionnaire answered no to everything).
///
/// # Errors
/// [`ServerError::BadRequest`] for an unknown id or a trimester problem.
pub fn screening(req: &ScreenRequest) -> Result<Screening, ServerError> {
    let mut conditions = conditions_from(&req.conditions)?;
    if conditions.is_empty() {
        conditions.push(ConditionId::None);
    }
    let input = ScreeningInput::new(conditions, req.trimester).map_err(|e| pose_error(&e))?;
    Ok(janu_pose::screen(&input))
}

/// The plan of a request, with the rules and defaults of `janu plan`.
///
/// # Errors
/// [`ServerError::BadRequest`] for unknown ids or out-of-range minutes;
/// [`ServerError::Unprocessable`] when the screening rules the pose out.
pub fn plan(form: &PlanForm) -> Result<Plan, ServerError> {
    let level: Level = match form.level.as_deref().map(str::trim) {
        None | Some("") => Level::Beginner,
        Some(l) => l.parse().map_err(|e| pose_error(&e))?,
    };
    let goals: Vec<GoalId> = form
        .goals
        .iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim().parse().map_err(|e| pose_error(&e)))
        .collect::<Result<_, _>>()?;
    let tighter_side = match form.tighter_side.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) if s.eq_ignore_ascii_case("left") => Some(Side::Left),
        Some(s) if s.eq_ignore_ascii_case("right") => Some(Side::Right),
        Some(s) => {
            return Err(ServerError::BadRequest(format!(
                "unknown side `{s}`; valid: left, right"
            )));
        }
    };
    let request = PlanRequest {
        level,
        minutes: form.minutes.unwrap_or(DEFAULT_PLAN_MINUTES),
        conditions: conditions_from(&form.conditions)?,
        trimester: form.trimester,
        goals,
        tighter_side,
    };
    janu_pose::plan(&request).map_err(|e| pose_error(&e))
}

// ---------------------------------------------------------------------------
// Handlers.

/// Is the server up and its database reachable?
#[utoipa::path(get, path = "/api/health", tag = "server",
    responses((status = 200, description = "Up", body = Health),
              (status = 500, description = "The database does not answer", body = ErrorBody)))]
pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, ServerError> {
    state.store().ping().await?;
    Ok(Json(Health {
        status: "ok".into(),
        queue: state.analyzer().stats().await?.into(),
        local_workers: state.settings().workers,
    }))
}

/// The queue in the Prometheus text format (version 0.0.4), for a scraper.
#[utoipa::path(get, path = "/metrics", tag = "server",
    responses((status = 200, description = "Prometheus text", body = String, content_type = "text/plain")))]
pub async fn metrics(State(state): State<AppState>) -> Result<Response, ServerError> {
    let s = state.analyzer().stats().await?;
    let text = prometheus_text(&s, state.settings().workers);
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response())
}

/// The queue's counts as Prometheus metrics.
pub fn prometheus_text(s: &janu_store::QueueStats, local_workers: usize) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    out.push_str("# HELP janu_upload_jobs Upload jobs in the database by state.\n");
    out.push_str("# TYPE janu_upload_jobs gauge\n");
    for (state, n) in [
        ("queued", s.queued),
        ("running", s.running),
        ("done", s.done),
        ("failed", s.failed),
    ] {
        let _ = writeln!(out, "janu_upload_jobs{{state=\"{state}\"}} {n}");
    }
    out.push_str(
        "# HELP janu_queue_oldest_seconds Age of the oldest upload waiting for a worker.\n",
    );
    out.push_str("# TYPE janu_queue_oldest_seconds gauge\n");
    let _ = writeln!(out, "janu_queue_oldest_seconds {:.3}", s.oldest_queued_s);
    out.push_str("# HELP janu_local_workers Analysis workers in this process.\n");
    out.push_str("# TYPE janu_local_workers gauge\n");
    let _ = writeln!(out, "janu_local_workers {local_workers}");
    out
}

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "server",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", body = Object)))]
pub async fn openapi() -> Response {
    let mut doc = ApiDoc::openapi();
    doc.merge(crate::live::LiveApiDoc::openapi());
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    match doc.to_pretty_json() {
        Ok(text) => ([(header::CONTENT_TYPE, "application/json")], text).into_response(),
        Err(e) => ServerError::Internal(format!("openapi: {e}")).into_response(),
    }
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/me", tag = "users",
    responses((status = 200, body = UserView), (status = 401, body = ErrorBody)))]
pub async fn me(CurrentUser(user): CurrentUser) -> Json<UserView> {
    Json(UserView::from(&user.user))
}

/// Everything Janu knows about the pose.
#[utoipa::path(get, path = "/api/pose", tag = "pose",
    responses((status = 200, body = KnowledgeDoc)))]
pub async fn pose() -> Json<&'static janu_pose::Knowledge> {
    Json(janu_pose::knowledge())
}

/// One topic of the knowledge: meaning, muscles, joints, steps, benefits,
/// therapy, variations, props, mistakes, contraindications, sequence, breath,
/// energy, ayurveda, disagreements.
#[utoipa::path(get, path = "/api/pose/{topic}", tag = "pose",
    params(("topic" = String, Path, description = "Topic id")),
    responses((status = 200, body = TopicDoc), (status = 404, body = ErrorBody)))]
pub async fn pose_topic(Path(topic): Path<String>) -> Result<Json<serde_json::Value>, ServerError> {
    let t: Topic = topic
        .parse()
        .map_err(|e: janu_pose::PoseError| ServerError::NotFound(e.to_string()))?;
    Ok(Json(janu_pose::render::topic_json(
        janu_pose::knowledge(),
        t,
    )))
}

/// The conditions the screening asks about, in questionnaire order.
#[utoipa::path(get, path = "/api/screen/conditions", tag = "screening",
    responses((status = 200, body = Vec<ConditionView>)))]
pub async fn conditions() -> Json<Vec<ConditionView>> {
    Json(
        janu_pose::knowledge()
            .conditions
            .iter()
            .map(|c| ConditionView {
                id: c.id.as_str().into(),
                name: c.name.clone(),
                examples: c.examples.clone(),
                needs_trimester: c.needs_trimester,
            })
            .collect(),
    )
}

/// Screen for the pose: proceed, modify, supervised or avoid, with the reasons.
#[utoipa::path(post, path = "/api/screen", tag = "screening", request_body = ScreenRequest,
    responses((status = 200, body = ScreeningDoc), (status = 400, body = ErrorBody)))]
pub async fn post_screen(
    ApiJson(req): ApiJson<ScreenRequest>,
) -> Result<Json<Screening>, ServerError> {
    Ok(Json(screening(&req)?))
}

/// Build a practice plan.
#[utoipa::path(post, path = "/api/plan", tag = "plans", request_body = PlanForm,
    responses((status = 200, body = PlanDoc), (status = 400, body = ErrorBody),
              (status = 422, description = "The screening rules the pose out", body = ErrorBody)))]
pub async fn post_plan(ApiJson(form): ApiJson<PlanForm>) -> Result<Json<Plan>, ServerError> {
    Ok(Json(plan(&form)?))
}

/// Query of an upload.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file's name, shown in the history (default `upload`).
    #[serde(default)]
    pub name: Option<String>,
}

/// A file name fit for the history: its last path part, no control characters.
fn media_name(raw: Option<&str>) -> String {
    let raw = raw.unwrap_or("");
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_MEDIA_NAME_CHARS)
        .collect();
    let clean = clean.trim();
    if clean.is_empty() {
        "upload".into()
    } else {
        clean.to_owned()
    }
}

/// Upload a photo, a video or a landmark file for analysis. The body is the
/// file's bytes. The content decides what it is, never the name. The answer is
/// the job to poll at `/api/jobs/{id}`; when done, it names the saved session.
#[utoipa::path(post, path = "/api/uploads", tag = "uploads", params(UploadQuery),
    request_body(content = UploadBody, content_type = "application/octet-stream"),
    responses(
        (status = 202, description = "Queued", body = Job),
        (status = 400, description = "Empty file", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 413, description = "Larger than the limit", body = ErrorBody),
        (status = 415, description = "Not a photo, video or landmark file", body = ErrorBody),
        (status = 422, description = "A photo or video that cannot be read", body = ErrorBody),
        (status = 503, description = "The analysis queue is full", body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(q): ApiQuery<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Job>), ServerError> {
    let limit = state.settings().max_upload_bytes;
    let too_large = || ServerError::PayloadTooLarge {
        limit_mb: limit / (1024 * 1024),
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let name = media_name(q.name.as_deref());
    let Some(_receiving) = state.receiving() else {
        return Err(ServerError::Busy);
    };
    let file = tempfile::Builder::new()
        .prefix(UPLOAD_PREFIX)
        .tempfile_in(state.uploads_dir())
        .map_err(|e| ServerError::Internal(format!("creating an upload file: {e}")))?;
    let (std_file, path) = file.into_parts();
    let mut out = tokio::fs::File::from_std(std_file);
    let mut written = 0u64;
    let mut body = body;
    let deadline = tokio::time::Instant::now() + UPLOAD_TIME_LIMIT;
    loop {
        if tokio::time::Instant::now() > deadline {
            return Err(ServerError::Timeout(format!(
                "{name}: the upload took longer than {} minutes and was stopped",
                UPLOAD_TIME_LIMIT.as_secs() / 60
            )));
        }
        let next = tokio::time::timeout(UPLOAD_STALL_LIMIT, body.frame())
            .await
            .map_err(|_| {
                ServerError::Timeout(format!(
                    "{name}: no data arrived for {} s; the upload was stopped",
                    UPLOAD_STALL_LIMIT.as_secs()
                ))
            })?;
        let Some(frame) = next else { break };
        let frame =
            frame.map_err(|e| ServerError::BadRequest(format!("the upload broke off: {e}")))?;
        if let Ok(data) = frame.into_data() {
            written += data.len() as u64;
            if written > limit {
                return Err(too_large());
            }
            out.write_all(&data)
                .await
                .map_err(|e| ServerError::Internal(format!("writing an upload: {e}")))?;
        }
    }
    out.flush()
        .await
        .map_err(|e| ServerError::Internal(format!("writing an upload: {e}")))?;
    drop(out);
    if written == 0 {
        return Err(ServerError::BadRequest(format!(
            "{name}: the upload is empty; send the file's bytes as the request body"
        )));
    }
    // Named as a job's file from here on: kept past a restart once the job
    // is recorded, deleted on any error before that.
    let file = crate::jobs::JobFile::adopt(path, state.uploads_dir())?;
    let prepared = {
        let (path_buf, name) = (file.path().to_path_buf(), name.clone());
        tokio::task::spawn_blocking(move || analysis::prepare(&path_buf, &name))
            .await
            .map_err(|e| ServerError::Internal(format!("preparing an upload: {e}")))??
    };
    let job = state
        .analyzer()
        .submit(user.id, name, prepared, file)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

/// An upload's analysis: its state, stage and progress; `session_id` when done.
#[utoipa::path(get, path = "/api/jobs/{id}", tag = "uploads",
    params(("id" = u64, Path, description = "Job id")),
    responses((status = 200, body = Job), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn job(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Job>, ServerError> {
    let id = parse_id("job", &id)?;
    state
        .analyzer()
        .job(id.unsigned_abs(), user.id)
        .await?
        .map(Json)
        .ok_or_else(|| ServerError::NotFound(format!("no job {id} of yours (finished jobs are forgotten after a while; the session stays in the history)")))
}

/// Which page of the session list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// How many, 1 to 1000 (default 50).
    #[serde(default)]
    pub limit: Option<u32>,
    /// How many to skip (default 0).
    #[serde(default)]
    pub offset: Option<u64>,
}

/// Your sessions, newest first.
#[utoipa::path(get, path = "/api/sessions", tag = "history", params(PageQuery),
    responses((status = 200, body = SessionListDoc), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody)))]
pub async fn sessions(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<janu_store::SessionList>, ServerError> {
    let page = Page {
        limit: q.limit.unwrap_or(DEFAULT_PAGE_LIMIT),
        offset: q.offset.unwrap_or(0),
    };
    Ok(Json(state.store().sessions(user.id, page).await?))
}

/// The session `id` of `user`, or 404 (another user's session is not found).
pub(crate) async fn own_session(
    state: &AppState,
    user: &janu_store::User,
    id: &str,
) -> Result<janu_store::Session, ServerError> {
    let id = parse_id("session", id)?;
    state
        .store()
        .session(SessionId(id))
        .await?
        .filter(|s| s.data.user == user.id)
        .ok_or_else(|| ServerError::NotFound(format!("no session {id} of yours")))
}

/// The session `id` if `user` may read it: theirs, or a student's who shares
/// with them. 404 otherwise (nobody learns which ids exist).
pub(crate) async fn readable_session(
    state: &AppState,
    user: &janu_store::User,
    id: &str,
) -> Result<janu_store::Session, ServerError> {
    let id = parse_id("session", id)?;
    let store = state.store();
    let not_found = || ServerError::NotFound(format!("no session {id} of yours"));
    let session = store.session(SessionId(id)).await?.ok_or_else(not_found)?;
    if session.data.user == user.id || store.shares_with(session.data.user, user.id).await? {
        Ok(session)
    } else {
        Err(not_found())
    }
}

/// One of your sessions (or of a student who shares with you), with its full
/// report.
#[utoipa::path(get, path = "/api/sessions/{id}", tag = "history",
    params(("id" = i64, Path, description = "Session id")),
    responses((status = 200, body = SessionDoc), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn session(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<janu_store::Session>, ServerError> {
    Ok(Json(readable_session(&state, &user, &id).await?))
}

/// Delete one of your sessions.
#[utoipa::path(delete, path = "/api/sessions/{id}", tag = "history",
    params(("id" = i64, Path, description = "Session id")),
    responses((status = 204, description = "Deleted"), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn delete_session(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ServerError> {
    let s = own_session(&state, &user, &id).await?;
    state.store().delete_session(s.id, state.media()).await?;
    crate::report_view::MediaStore::at(&state.settings().data_dir).remove(s.id);
    Ok(StatusCode::NO_CONTENT)
}

/// Where weeks begin.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgressQuery {
    /// Your offset from UTC in minutes (e.g. 60 for UTC+1; default 0): weeks
    /// start on your Monday.
    #[serde(default)]
    pub utc_offset_minutes: Option<i32>,
}

/// The UTC offset of a progress request.
///
/// # Errors
/// [`ServerError::BadRequest`] outside -18 to +18 hours.
pub fn utc_offset(minutes: Option<i32>) -> Result<time::UtcOffset, ServerError> {
    let m = minutes.unwrap_or(0);
    time::UtcOffset::from_whole_seconds(m.saturating_mul(60)).map_err(|_| {
        ServerError::BadRequest(format!(
            "utc_offset_minutes = {m}: give -1080 to 1080 minutes"
        ))
    })
}

/// Your progress by week: fold depth and hold per side, asymmetry, mistakes.
#[utoipa::path(get, path = "/api/progress", tag = "history", params(ProgressQuery),
    responses((status = 200, body = ProgressDoc), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody)))]
pub async fn progress(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(q): ApiQuery<ProgressQuery>,
) -> Result<Json<janu_store::Progress>, ServerError> {
    let offset = utc_offset(q.utc_offset_minutes)?;
    Ok(Json(state.store().progress(user.id, offset).await?))
}

/// The OpenAPI document of the API.
#[derive(OpenApi)]
#[openapi(
    info(title = "Janu", description = "Practise Janusirsasana: knowledge, screening, plans, \
        upload analysis and practice history. Programs sign in with `POST /api/login` \
        (or make a personal token on the account page) and send `Authorization: Bearer TOKEN`."),
    paths(health, metrics, openapi, me, accounts::login, accounts::logout, accounts::signup,
          accounts::delete_me, accounts::change_password, accounts::export, accounts::tokens,
          accounts::create_token, accounts::revoke_token, accounts::shares, accounts::share,
          accounts::unshare, accounts::students, accounts::student_sessions,
          accounts::student_progress, pose, pose_topic, conditions, post_screen,
          post_plan, upload, job, sessions, session, delete_session, progress),
    components(schemas(Health, QueueHealth, ErrorBody, UserView, accounts::Credentials, accounts::SignUp,
        accounts::LoginAnswer, accounts::PasswordChange, accounts::Confirm, accounts::NewToken,
        accounts::CreatedToken, accounts::TokenView, accounts::SharesView, accounts::TrendWeek,
        accounts::StudentView, ConditionView, ScreenRequest,
        PlanForm, Job, JobState, KnowledgeDoc, TopicDoc, ScreeningDoc, PlanDoc,
        SessionListDoc, SessionDoc, ProgressDoc, UploadBody)),
    tags((name = "server"), (name = "users"), (name = "sharing"), (name = "pose"), (name = "screening"),
         (name = "plans"), (name = "uploads"), (name = "history"))
)]
pub struct ApiDoc;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_names_are_cleaned() {
        assert_eq!(media_name(Some("C:\\videos\\me.mp4")), "me.mp4");
        assert_eq!(media_name(Some("../../etc/passwd")), "passwd");
        assert_eq!(media_name(Some("a\nb.jpg")), "ab.jpg");
        assert_eq!(media_name(None), "upload");
    }
}
