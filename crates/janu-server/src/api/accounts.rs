//! The account routes of the API: sign in and out, open sign-up, the password,
//! personal API tokens, sharing with a teacher, a teacher's students, export
//! and deleting the account. The pages call the same functions.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use janu_store::{Page, SessionList, User};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiJson, ApiQuery, DEFAULT_PAGE_LIMIT, ErrorBody, PageQuery, ProgressQuery, UserView};
use crate::user::{self, CurrentUser, normalize_handle};
use crate::{AppState, ServerError, accounts};

/// Sessions of each student shown in a teacher's list.
pub const STUDENT_LATEST_SESSIONS: u32 = 3;
/// Weeks of left/right trend shown per student.
pub const STUDENT_TREND_WEEKS: usize = 8;

/// A handle and a password.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Credentials {
    /// The handle.
    pub handle: String,
    /// The password.
    pub password: String,
}

/// A new account (open sign-up).
#[derive(Debug, Deserialize, ToSchema)]
pub struct SignUp {
    /// 1 to 40 of a-z, 0-9, _ and -.
    pub handle: String,
    /// At least 8 characters.
    pub password: String,
    /// Name shown on pages (the handle when absent).
    #[serde(default)]
    pub display_name: Option<String>,
}

/// A signed-in session for a program: send `Authorization: Bearer TOKEN`.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginAnswer {
    /// The bearer token; valid for 30 days or until `POST /api/logout`.
    pub token: String,
    /// Who signed in.
    pub user: UserView,
}

/// A password change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordChange {
    /// The password now.
    pub current_password: String,
    /// The new one, at least 8 characters.
    pub new_password: String,
}

/// The password, to confirm deleting the account.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Confirm {
    /// The account's password.
    pub password: String,
}

/// A name for a new API token.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewToken {
    /// What it is for ("phone", "studio laptop").
    pub name: String,
}

/// A new API token: the only time the token is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    /// Its id, to revoke it.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// The token: send `Authorization: Bearer TOKEN`. Shown once; Janu keeps
    /// only its hash.
    pub token: String,
}

/// An API token as listed (without the token).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// When it was made, RFC 3339.
    pub created_at: String,
    /// When it was last used, RFC 3339.
    pub last_used_at: Option<String>,
}

impl From<&janu_store::ApiToken> for TokenView {
    fn from(t: &janu_store::ApiToken) -> Self {
        Self {
            id: t.id,
            name: t.name.clone(),
            created_at: rfc3339(t.created_at),
            last_used_at: t.last_used_at.map(rfc3339),
        }
    }
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Whom you share your history with.
#[derive(Debug, Serialize, ToSchema)]
pub struct SharesView {
    /// The teachers who may read your history and reports.
    pub teachers: Vec<UserView>,
}

/// One week of a student's two sides.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrendWeek {
    /// The Monday that starts the week (UTC), `YYYY-MM-DD`.
    pub monday: String,
    /// Mean fold angle with the left leg extended, degrees (lower is deeper).
    pub left_fold_deg: Option<f64>,
    /// Mean fold angle with the right leg extended, degrees.
    pub right_fold_deg: Option<f64>,
    /// Mean asymmetry index of the week.
    pub asymmetry: Option<f64>,
}

/// A student as their teacher sees them.
#[derive(Debug, Serialize, ToSchema)]
pub struct StudentView {
    /// Who.
    pub user: UserView,
    /// Their latest sessions, newest first (janu-store `SessionSummary`).
    #[schema(value_type = Vec<Object>)]
    pub latest: Vec<janu_store::SessionSummary>,
    /// Sessions in all.
    pub sessions: u64,
    /// Their last weeks, oldest first: left and right fold and asymmetry.
    pub trend: Vec<TrendWeek>,
}

fn signed_in(login: user::NewLogin, secure: bool, status: StatusCode) -> Response {
    (
        status,
        [(
            header::SET_COOKIE,
            user::session_cookie(&login.token, secure),
        )],
        Json(LoginAnswer {
            user: UserView::from(&login.user),
            token: login.token,
        }),
    )
        .into_response()
}

/// Sign in with a handle and password. Answers a bearer token for programs
/// and sets the session cookie for browsers. Five wrong passwords for a
/// handle within 15 minutes make it wait (429 with `Retry-After`).
#[utoipa::path(post, path = "/api/login", tag = "users", request_body = Credentials,
    responses((status = 200, body = LoginAnswer), (status = 401, body = ErrorBody),
              (status = 429, body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    parts: axum::http::request::Parts,
    ApiJson(c): ApiJson<Credentials>,
) -> Result<Response, ServerError> {
    let login = user::log_in(&state, user::peer(&parts), &c.handle, c.password).await?;
    Ok(signed_in(
        login,
        state.settings().tls.is_some(),
        StatusCode::OK,
    ))
}

/// Sign out: ends the sign-in of the bearer token or the cookie sent.
#[utoipa::path(post, path = "/api/logout", tag = "users",
    responses((status = 204, description = "Signed out")))]
pub async fn logout(
    State(state): State<AppState>,
    request: axum::extract::Request,
) -> Result<Response, ServerError> {
    let (parts, _) = request.into_parts();
    user::log_out(&parts, &state).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(
            header::SET_COOKIE,
            user::clear_session_cookie(state.settings().tls.is_some()),
        )],
    )
        .into_response())
}

/// Create an account, when the server allows open sign-up (`open_signup`).
#[utoipa::path(post, path = "/api/signup", tag = "users", request_body = SignUp,
    responses((status = 201, body = LoginAnswer), (status = 400, body = ErrorBody),
              (status = 403, description = "Sign-up is closed", body = ErrorBody),
              (status = 409, description = "The handle is taken", body = ErrorBody)))]
pub async fn signup(
    State(state): State<AppState>,
    parts: axum::http::request::Parts,
    ApiJson(s): ApiJson<SignUp>,
) -> Result<Response, ServerError> {
    let login = sign_up(
        &state,
        user::peer(&parts),
        &s.handle,
        s.display_name.as_deref(),
        s.password,
    )
    .await?;
    Ok(signed_in(
        login,
        state.settings().tls.is_some(),
        StatusCode::CREATED,
    ))
}

/// Open sign-up: create the account and sign it in.
///
/// # Errors
/// [`ServerError::Forbidden`] when sign-up is closed; as [`accounts::add_user`].
pub async fn sign_up(
    state: &AppState,
    peer: Option<std::net::IpAddr>,
    handle: &str,
    display_name: Option<&str>,
    password: String,
) -> Result<user::NewLogin, ServerError> {
    if !state.settings().open_signup {
        return Err(ServerError::Forbidden(
            "this server does not take sign-ups: ask whoever runs it for an account \
             (janu users add)"
                .into(),
        ));
    }
    let user = accounts::add_user(
        state.store(),
        state.hasher(),
        handle,
        display_name,
        password.clone(),
    )
    .await?;
    user::log_in(state, peer, &user.handle, password).await
}

/// Change your password; every sign-in ends (sign in again with the new one).
#[utoipa::path(put, path = "/api/me/password", tag = "users", request_body = PasswordChange,
    responses((status = 204, description = "Changed"), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn change_password(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiJson(c): ApiJson<PasswordChange>,
) -> Result<StatusCode, ServerError> {
    set_password(&state, &me, c.current_password, c.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Checks `current` and sets `new`, ending every sign-in of `me`.
///
/// # Errors
/// [`ServerError::Forbidden`] for a wrong current password; as
/// [`accounts::reset_password`].
pub async fn set_password(
    state: &AppState,
    me: &User,
    current: String,
    new: String,
) -> Result<(), ServerError> {
    accounts::check_new_password(&new)?;
    confirm_password(state, me, current).await?;
    accounts::reset_password(state.store(), state.hasher(), &me.handle, new).await?;
    Ok(())
}

/// Checks `me`'s password (a sensitive change asks for it again).
///
/// # Errors
/// [`ServerError::Forbidden`] when it is wrong.
pub async fn confirm_password(
    state: &AppState,
    me: &User,
    password: String,
) -> Result<(), ServerError> {
    let hash = state
        .store()
        .user_with_password(&me.handle)
        .await?
        .and_then(|(_, h)| h);
    if state.hasher().verify(hash, password).await? {
        Ok(())
    } else {
        Err(ServerError::Forbidden("the password is wrong".into()))
    }
}

/// Your personal API tokens (without the tokens themselves).
#[utoipa::path(get, path = "/api/tokens", tag = "users",
    responses((status = 200, body = Vec<TokenView>), (status = 401, body = ErrorBody)))]
pub async fn tokens(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> Result<Json<Vec<TokenView>>, ServerError> {
    let list = state.store().api_tokens(me.id).await?;
    Ok(Json(list.iter().map(TokenView::from).collect()))
}

/// Make a personal API token for a program. The answer is the only time the
/// token is shown.
#[utoipa::path(post, path = "/api/tokens", tag = "users", request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody)))]
pub async fn create_token(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiJson(t): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>), ServerError> {
    Ok((
        StatusCode::CREATED,
        Json(make_token(&state, &me, &t.name).await?),
    ))
}

/// A new API token for `me`.
///
/// # Errors
/// Store errors (a bad name is 400).
pub async fn make_token(
    state: &AppState,
    me: &User,
    name: &str,
) -> Result<CreatedToken, ServerError> {
    let token = format!("{}{}", accounts::API_TOKEN_PREFIX, accounts::new_token()?);
    let made = state
        .store()
        .create_api_token(me.id, name, &accounts::token_hash(&token))
        .await?;
    Ok(CreatedToken {
        id: made.id,
        name: made.name,
        token,
    })
}

/// Revoke one of your API tokens.
#[utoipa::path(delete, path = "/api/tokens/{id}", tag = "users",
    params(("id" = i64, Path, description = "Token id")),
    responses((status = 204, description = "Revoked"), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ServerError> {
    let id = super::parse_id("token", &id)?;
    if state.store().revoke_api_token(me.id, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ServerError::NotFound(format!("no token {id} of yours")))
    }
}

/// The teachers you share your history with.
#[utoipa::path(get, path = "/api/shares", tag = "sharing",
    responses((status = 200, body = SharesView), (status = 401, body = ErrorBody)))]
pub async fn shares(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> Result<Json<SharesView>, ServerError> {
    let teachers = state.store().teachers_of(me.id).await?;
    Ok(Json(SharesView {
        teachers: teachers.iter().map(UserView::from).collect(),
    }))
}

async fn teacher_named(state: &AppState, handle: &str) -> Result<User, ServerError> {
    let handle = normalize_handle(handle)?;
    state
        .store()
        .user_by_handle(&handle)
        .await?
        .ok_or_else(|| ServerError::NotFound(format!("no user with the handle {handle:?}")))
}

/// Let the teacher `handle` read your history and reports.
#[utoipa::path(put, path = "/api/shares/{handle}", tag = "sharing",
    params(("handle" = String, Path, description = "The teacher's handle")),
    responses((status = 204, description = "Shared"), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn share(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Path(handle): Path<String>,
) -> Result<StatusCode, ServerError> {
    let teacher = teacher_named(&state, &handle).await?;
    state.store().share(me.id, teacher.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stop sharing with the teacher `handle`.
#[utoipa::path(delete, path = "/api/shares/{handle}", tag = "sharing",
    params(("handle" = String, Path, description = "The teacher's handle")),
    responses((status = 204, description = "No longer shared"),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unshare(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Path(handle): Path<String>,
) -> Result<StatusCode, ServerError> {
    let teacher = teacher_named(&state, &handle).await?;
    if state.store().unshare(me.id, teacher.id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ServerError::NotFound(format!(
            "you do not share with {:?}",
            teacher.handle
        )))
    }
}

/// The students of `teacher`, each with their latest sessions and trend.
///
/// # Errors
/// Store errors.
pub async fn students_of(
    state: &AppState,
    teacher: &User,
) -> Result<Vec<StudentView>, ServerError> {
    let store = state.store();
    let mut out = Vec::new();
    for student in store.students_of(teacher.id).await? {
        let list = store
            .sessions(student.id, Page::first(STUDENT_LATEST_SESSIONS))
            .await?;
        let progress = store.progress(student.id, time::UtcOffset::UTC).await?;
        let skip = progress.weeks.len().saturating_sub(STUDENT_TREND_WEEKS);
        let trend = progress.weeks[skip..]
            .iter()
            .map(|w| TrendWeek {
                monday: w.monday.to_string(),
                left_fold_deg: w.left.fold_angle_deg_mean,
                right_fold_deg: w.right.fold_angle_deg_mean,
                asymmetry: w.asymmetry_mean,
            })
            .collect();
        out.push(StudentView {
            user: UserView::from(&student),
            latest: list.items,
            sessions: list.total,
            trend,
        });
    }
    Ok(out)
}

/// The students who share their history with you, with each one's latest
/// sessions and left/right trend.
#[utoipa::path(get, path = "/api/students", tag = "sharing",
    responses((status = 200, body = Vec<StudentView>), (status = 401, body = ErrorBody)))]
pub async fn students(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> Result<Json<Vec<StudentView>>, ServerError> {
    Ok(Json(students_of(&state, &me).await?))
}

/// The student `handle` of `teacher`, or 404 (also for someone who does not
/// share with them: nobody learns who exists).
///
/// # Errors
/// [`ServerError::NotFound`]; store errors.
pub async fn student_of(
    state: &AppState,
    teacher: &User,
    handle: &str,
) -> Result<User, ServerError> {
    let not_found = || ServerError::NotFound(format!("no student {handle:?} shares with you"));
    let handle = normalize_handle(handle).map_err(|_| not_found())?;
    let student = state
        .store()
        .user_by_handle(&handle)
        .await?
        .ok_or_else(not_found)?;
    if state.store().shares_with(student.id, teacher.id).await? {
        Ok(student)
    } else {
        Err(not_found())
    }
}

/// A student's sessions, newest first.
#[utoipa::path(get, path = "/api/students/{handle}/sessions", tag = "sharing",
    params(("handle" = String, Path, description = "The student's handle"), PageQuery),
    responses((status = 200, body = super::SessionListDoc), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn student_sessions(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Path(handle): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<SessionList>, ServerError> {
    let student = student_of(&state, &me, &handle).await?;
    let page = Page {
        limit: q.limit.unwrap_or(DEFAULT_PAGE_LIMIT),
        offset: q.offset.unwrap_or(0),
    };
    Ok(Json(state.store().sessions(student.id, page).await?))
}

/// A student's progress by week.
#[utoipa::path(get, path = "/api/students/{handle}/progress", tag = "sharing",
    params(("handle" = String, Path, description = "The student's handle"), ProgressQuery),
    responses((status = 200, body = super::ProgressDoc), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn student_progress(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Path(handle): Path<String>,
    ApiQuery(q): ApiQuery<ProgressQuery>,
) -> Result<Json<janu_store::Progress>, ServerError> {
    let student = student_of(&state, &me, &handle).await?;
    let offset = super::utc_offset(q.utc_offset_minutes)?;
    Ok(Json(state.store().progress(student.id, offset).await?))
}

/// Chunk size when the archive is streamed to the client.
const EXPORT_CHUNK_BYTES: usize = 64 * 1024;

/// Everything of `me` as a gzipped tar in an anonymous temporary file (gone
/// when closed): `account.json` (the account, its token names, whom it
/// shares with), `sessions/ID.json` (each session with its full report) and
/// `key-frames/ID.json` (its pictures and traces). One session is in memory
/// at a time, however long the history.
///
/// # Errors
/// Store errors; [`ServerError::Internal`] when the archive cannot be built.
pub async fn export_archive(state: &AppState, me: &User) -> Result<std::fs::File, ServerError> {
    let err = |e: std::io::Error| ServerError::Internal(format!("export archive: {e}"));
    let file = tempfile::tempfile_in(&state.settings().data_dir).map_err(err)?;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<(String, Vec<u8>)>(2);
    let root = format!("janu-export-{}", me.handle);
    let writer = tokio::task::spawn_blocking(move || {
        let gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
        let mut tar = tar::Builder::new(gz);
        let mtime = time::OffsetDateTime::now_utc()
            .unix_timestamp()
            .unsigned_abs();
        while let Some((name, bytes)) = rx.blocking_recv() {
            let mut head = tar::Header::new_gnu();
            head.set_size(bytes.len() as u64);
            head.set_mode(0o600);
            head.set_mtime(mtime);
            tar.append_data(&mut head, format!("{root}/{name}"), bytes.as_slice())
                .map_err(err)?;
        }
        let mut file = tar.into_inner().map_err(err)?.finish().map_err(err)?;
        std::io::Seek::rewind(&mut file).map_err(err)?;
        Ok::<_, ServerError>(file)
    });
    let gathered = gather(state, me, &tx).await;
    drop(tx);
    let written = writer
        .await
        .map_err(|e| ServerError::Internal(format!("export: {e}")))?;
    gathered?;
    written
}

/// Sends each file of `me`'s archive to the writer.
async fn gather(
    state: &AppState,
    me: &User,
    tx: &tokio::sync::mpsc::Sender<(String, Vec<u8>)>,
) -> Result<(), ServerError> {
    let gone = || ServerError::Internal("export: the archive writer stopped".into());
    let store = state.store();
    let media = crate::report_view::MediaStore::at(&state.settings().data_dir);
    let account = serde_json::json!({
        "user": UserView::from(me),
        "api_tokens": store.api_tokens(me.id).await?.iter().map(TokenView::from).collect::<Vec<_>>(),
        "shares_with": store.teachers_of(me.id).await?.iter().map(|t| t.handle.clone()).collect::<Vec<_>>(),
    });
    tx.send(("account.json".to_owned(), to_json(&account)?))
        .await
        .map_err(|_| gone())?;
    for id in accounts::session_ids(store, me).await? {
        let Some(session) = store.session(id).await? else {
            continue; // deleted meanwhile
        };
        tx.send((format!("sessions/{}.json", id.0), to_json(&session)?))
            .await
            .map_err(|_| gone())?;
        if let Some(m) =
            crate::report_view::session_media(store, state.media(), &media, &session).await
        {
            tx.send((format!("key-frames/{}.json", id.0), to_json(&m)?))
                .await
                .map_err(|_| gone())?;
        }
    }
    Ok(())
}

fn to_json<T: Serialize>(v: &T) -> Result<Vec<u8>, ServerError> {
    serde_json::to_vec_pretty(v).map_err(|e| ServerError::Internal(format!("export JSON: {e}")))
}

/// The download of `me`'s archive: streamed from its temporary file, with
/// its length and a file name.
///
/// # Errors
/// As [`export_archive`].
pub async fn export_response(state: &AppState, me: &User) -> Result<Response, ServerError> {
    let file = export_archive(state, me).await?;
    let len = file
        .metadata()
        .map_err(|e| ServerError::Internal(format!("export archive: {e}")))?
        .len();
    let file = tokio::fs::File::from_std(file);
    let chunks = futures_util::stream::unfold(file, |mut file| async move {
        let mut buf = vec![0u8; EXPORT_CHUNK_BYTES];
        match tokio::io::AsyncReadExt::read(&mut file, &mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(axum::body::Bytes::from(buf)), file))
            }
            Err(e) => Some((Err(e), file)),
        }
    });
    let disposition = format!("attachment; filename=\"janu-export-{}.tar.gz\"", me.handle);
    Ok((
        [
            (header::CONTENT_TYPE, "application/gzip".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CONTENT_LENGTH, len.to_string()),
        ],
        axum::body::Body::from_stream(chunks),
    )
        .into_response())
}

/// All your data as one archive (`.tar.gz`): the account, every session with
/// its report, the key frames.
#[utoipa::path(get, path = "/api/me/export", tag = "users",
    responses((status = 200, description = "A gzipped tar", content_type = "application/gzip"),
              (status = 401, body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> Result<Response, ServerError> {
    export_response(&state, &me).await
}

/// Delete your account and everything it owns (sessions, reports, key
/// frames, tokens, shares). Send your password to confirm.
#[utoipa::path(delete, path = "/api/me", tag = "users", request_body = Confirm,
    responses((status = 204, description = "Deleted"), (status = 401, body = ErrorBody),
              (status = 403, description = "Wrong password", body = ErrorBody)))]
pub async fn delete_me(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiJson(c): ApiJson<Confirm>,
) -> Result<Response, ServerError> {
    confirm_password(&state, &me, c.password).await?;
    accounts::remove_user(
        state.store(),
        state.media(),
        &state.settings().data_dir,
        &me,
    )
    .await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(
            header::SET_COOKIE,
            user::clear_session_cookie(state.settings().tls.is_some()),
        )],
    )
        .into_response())
}
