//! The account pages: sign in and out, open sign-up, the account itself
//! (password, API tokens, sharing with a teacher, export, deletion) and a
//! teacher's students. Every form that changes something carries the CSRF
//! token ([`SignedForm`] checks it); the sign-in form carries its own, kept in
//! a `SameSite=Strict` cookie.

use axum::Router;
use axum::extract::{Form, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use janu_store::HANDLE_MAX_CHARS;
use maud::{Markup, html};
use serde::Deserialize;

use super::{PageError, alert, count, date, fmt_opt, one, pairs, session_what};
use crate::api::accounts as acct;
use crate::html::{csrf_field, page, sign_in_href};
use crate::user::{self, LOGIN_CSRF_COOKIE, MaybeUser, Signed, SignedForm, same_secret};
use crate::{AppState, ServerError, accounts};

/// The account routes (merged into the pages' router).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login_post))
        .route("/logout", post(logout_post))
        .route("/signup", get(signup_page).post(signup_post))
        .route("/account", get(account_page))
        .route("/account/password", post(password_post))
        .route("/account/tokens", post(token_post))
        .route("/account/tokens/revoke", post(revoke_post))
        .route("/account/shares", post(share_post))
        .route("/account/shares/remove", post(unshare_post))
        .route("/account/export", get(export_get))
        .route("/account/delete", post(delete_post))
        .route("/students", get(students_page))
        .route("/students/{handle}", get(student_page))
}

/// Only local paths: never redirect to another site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.into(),
        _ => "/".into(),
    }
}

fn secure(state: &AppState) -> bool {
    state.settings().tls.is_some()
}

/// The sign-in (or sign-up) form with a fresh CSRF token in its cookie.
fn credentials_form(
    state: &AppState,
    signup: bool,
    next: &str,
    error: Option<&ServerError>,
) -> Response {
    let token = match accounts::new_token() {
        Ok(t) => t,
        Err(e) => return PageError(e, None).into_response(),
    };
    let (title, action, button, password_autocomplete) = if signup {
        (
            "Create an account",
            "/signup",
            "Create the account",
            "new-password",
        )
    } else {
        ("Sign in", "/login", "Sign in", "current-password")
    };
    let min = if signup {
        accounts::PASSWORD_MIN_CHARS
    } else {
        1
    };
    let body = html! {
        h1 { (title) }
        @if let Some(e) = error { (alert(e)) }
        form class="card narrow" method="post" action=(action) id="credentials" {
            input type="hidden" name="csrf" value=(token);
            input type="hidden" name="next" value=(next);
            label {
                "Handle "
                input name="handle" required maxlength=(HANDLE_MAX_CHARS)
                    autocomplete="username" autocapitalize="none";
            }
            label {
                "Password "
                input type="password" name="password" required minlength=(min)
                    maxlength=(accounts::PASSWORD_MAX_CHARS) autocomplete=(password_autocomplete);
            }
            @if signup {
                label {
                    "Your name (shown on pages) "
                    input name="display_name" maxlength="100" autocomplete="name";
                }
            }
            button type="submit" { (button) }
        }
        @if !signup {
            @if state.settings().open_signup {
                p.small { "New here? " a href="/signup" { "Create an account" } "." }
            } @else {
                p.small {
                    "No account yet? Ask whoever runs this server to make one ("
                    code { "janu users add" } ")."
                }
            }
        }
    };
    let status = error.map_or(StatusCode::OK, ServerError::status);
    (
        status,
        [(
            header::SET_COOKIE,
            user::login_csrf_cookie(&token, secure(state)),
        )],
        page(title, "", None, &body),
    )
        .into_response()
}

async fn login_page(
    State(state): State<AppState>,
    MaybeUser(signed): MaybeUser,
    RawQuery(q): RawQuery,
) -> Response {
    let next = safe_next(one(&pairs(q.as_deref()), "next").as_deref());
    if signed.is_some() {
        return Redirect::to(&next).into_response();
    }
    credentials_form(&state, false, &next, None)
}

#[derive(Debug, Deserialize)]
struct CredentialsForm {
    #[serde(default)]
    handle: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    csrf: String,
}

/// The sign-in form's token must match its cookie: another site's form
/// carries neither.
fn login_form_is_ours(parts: &Parts, form: &CredentialsForm) -> bool {
    user::cookie(parts, LOGIN_CSRF_COOKIE).is_some_and(|c| same_secret(c, &form.csrf))
}

fn signed_in_redirect(state: &AppState, login: &user::NewLogin, next: &str) -> Response {
    (
        [(
            header::SET_COOKIE,
            user::session_cookie(&login.token, secure(state)),
        )],
        Redirect::to(next),
    )
        .into_response()
}

async fn login_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(f): Form<CredentialsForm>,
) -> Response {
    let next = safe_next(f.next.as_deref());
    if !login_form_is_ours(&parts, &f) {
        let e = ServerError::Forbidden(
            "the sign-in form expired or came from another site: try again".into(),
        );
        return credentials_form(&state, false, &next, Some(&e));
    }
    match user::log_in(&state, user::peer(&parts), &f.handle, f.password).await {
        Ok(login) => signed_in_redirect(&state, &login, &next),
        Err(e) => credentials_form(&state, false, &next, Some(&e)),
    }
}

async fn signup_page(State(state): State<AppState>, MaybeUser(signed): MaybeUser) -> Response {
    if signed.is_some() {
        return Redirect::to("/").into_response();
    }
    if !state.settings().open_signup {
        return closed_signup();
    }
    credentials_form(&state, true, "/", None)
}

fn closed_signup() -> Response {
    PageError(
        ServerError::Forbidden(
            "this server does not take sign-ups: ask whoever runs it for an account".into(),
        ),
        None,
    )
    .into_response()
}

async fn signup_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(f): Form<CredentialsForm>,
) -> Response {
    if !state.settings().open_signup {
        return closed_signup();
    }
    if !login_form_is_ours(&parts, &f) {
        let e = ServerError::Forbidden("the form expired or came from another site".into());
        return credentials_form(&state, true, "/", Some(&e));
    }
    let peer = user::peer(&parts);
    match acct::sign_up(
        &state,
        peer,
        &f.handle,
        f.display_name.as_deref(),
        f.password,
    )
    .await
    {
        Ok(login) => signed_in_redirect(&state, &login, "/"),
        Err(e) => credentials_form(&state, true, "/", Some(&e)),
    }
}

#[derive(Debug, Deserialize)]
struct Empty {}

async fn logout_post(
    State(state): State<AppState>,
    parts: Parts,
    SignedForm { .. }: SignedForm<Empty>,
) -> Response {
    if let Err(e) = user::log_out(&parts, &state).await {
        return PageError(e, None).into_response();
    }
    signing_out(&state, Redirect::to("/"))
}

// ---------------------------------------------------------------------------
// The account page.

/// The account page, with `notice` on top: what the last form did.
async fn account_view(
    state: &AppState,
    u: &Signed,
    notice: &Markup,
    status: StatusCode,
) -> Response {
    let store = state.store();
    let (tokens, teachers) = match (store.api_tokens(u.id).await, store.teachers_of(u.id).await) {
        (Ok(t), Ok(s)) => (t, s),
        (Err(e), _) | (_, Err(e)) => return PageError(e.into(), Some(u.clone())).into_response(),
    };
    let csrf = csrf_field(u);
    let body = html! {
        h1 { "Your account" }
        (notice)
        p.lead { "Signed in as " strong { (u.handle) } " (" (u.display_name) ")." }
        section.card {
            h2 { "Share with a teacher" }
            p {
                "A teacher you name can read your history and reports (never change them). \
                 Take it back at any time."
            }
            @if teachers.is_empty() {
                p { "You share your history with nobody." }
            } @else {
                ul data-testid="teachers" {
                    @for t in &teachers {
                        li {
                            strong { (t.handle) } " (" (t.display_name) ") "
                            (post_link(&csrf, "/account/shares/remove", ("handle", &t.handle), "stop sharing"))
                        }
                    }
                }
            }
            form method="post" action="/account/shares" {
                (csrf)
                label {
                    "Teacher's handle "
                    input name="handle" required maxlength=(HANDLE_MAX_CHARS);
                }
                " " button type="submit" { "Share" }
            }
        }
        section.card {
            h2 { "API tokens" }
            p {
                "For programs: send " code { "Authorization: Bearer TOKEN" }
                ". A token is shown once, when made."
            }
            @if tokens.is_empty() {
                p { "No tokens." }
            } @else {
                table {
                    thead { tr { th { "Name" } th { "Made" } th { "Last used" } th {} } }
                    tbody {
                        @for t in &tokens {
                            tr {
                                td { (t.name) }
                                td { (date(t.created_at)) }
                                td { (t.last_used_at.map_or_else(|| "never".into(), date)) }
                                td { (post_link(&csrf, "/account/tokens/revoke", ("id", &t.id), "revoke")) }
                            }
                        }
                    }
                }
            }
            form method="post" action="/account/tokens" {
                (csrf)
                label {
                    "Name "
                    input name="name" required maxlength=(janu_store::TOKEN_NAME_MAX_CHARS)
                        placeholder="e.g. phone";
                }
                " " button type="submit" { "Make a token" }
            }
        }
        section.card {
            h2 { "Password" }
            form method="post" action="/account/password" {
                (csrf)
                label {
                    "Current password "
                    input type="password" name="current_password" required
                        autocomplete="current-password";
                }
                label {
                    "New password "
                    input type="password" name="new_password" required
                        minlength=(accounts::PASSWORD_MIN_CHARS)
                        maxlength=(accounts::PASSWORD_MAX_CHARS) autocomplete="new-password";
                }
                button type="submit" { "Change the password" }
            }
            p.small { "Changing it signs you out everywhere." }
        }
        section.card {
            h2 { "Your data" }
            p {
                a.button href="/account/export" download { "Download everything" }
                " (sessions, reports and key frames, as a " code { ".tar.gz" } ")."
            }
            form method="post" action="/account/delete" {
                (csrf)
                p { "Delete the account and everything it owns, now and for good:" }
                label {
                    "Your password "
                    input type="password" name="password" required autocomplete="current-password";
                }
                " " button type="submit" class="danger" { "Delete my account" }
            }
        }
    };
    (status, page("Account", "", Some(u), &body)).into_response()
}

/// Not signed in: to the sign-in page, then back to `path`.
fn signed_in_first(path: &str) -> Response {
    Redirect::to(&sign_in_href(path)).into_response()
}

/// `response` with the session cookie cleared: the browser is signed out.
fn signing_out(state: &AppState, response: impl IntoResponse) -> Response {
    (
        [(
            header::SET_COOKIE,
            user::clear_session_cookie(secure(state)),
        )],
        response,
    )
        .into_response()
}

async fn account_page(State(state): State<AppState>, MaybeUser(signed): MaybeUser) -> Response {
    match signed {
        Some(u) => account_view(&state, &u, &html! {}, StatusCode::OK).await,
        None => signed_in_first("/account"),
    }
}

/// The account page after a form: its outcome on top.
async fn after(state: &AppState, u: &Signed, outcome: Result<Markup, ServerError>) -> Response {
    match outcome {
        Ok(notice) => {
            let notice = html! { div.card.notice role="status" { (notice) } };
            account_view(state, u, &notice, StatusCode::OK).await
        }
        Err(e) => account_view(state, u, &alert(&e), e.status()).await,
    }
}

#[derive(Debug, Deserialize)]
struct PasswordForm {
    current_password: String,
    new_password: String,
}

async fn password_post(
    State(state): State<AppState>,
    SignedForm { user: u, form: f }: SignedForm<PasswordForm>,
) -> Response {
    match acct::set_password(&state, &u, f.current_password, f.new_password).await {
        Ok(()) => signing_out(&state, Redirect::to("/login?next=%2Faccount")),
        Err(e) => after(&state, &u, Err(e)).await,
    }
}

#[derive(Debug, Deserialize)]
struct NameForm {
    name: String,
}

async fn token_post(
    State(state): State<AppState>,
    SignedForm { user: u, form: f }: SignedForm<NameForm>,
) -> Response {
    let outcome = acct::make_token(&state, &u, &f.name).await.map(|t| {
        html! {
            p { "Your new token " strong { (t.name) } "; copy it now, it is not shown again:" }
            p { code data-testid="new-token" { (t.token) } }
        }
    });
    after(&state, &u, outcome).await
}

#[derive(Debug, Deserialize)]
struct IdForm {
    id: i64,
}

async fn revoke_post(
    State(state): State<AppState>,
    SignedForm { user: u, form: f }: SignedForm<IdForm>,
) -> Response {
    let outcome = match state.store().revoke_api_token(u.id, f.id).await {
        Ok(true) => Ok(html! { p { "The token is revoked." } }),
        Ok(false) => Err(ServerError::NotFound("no such token of yours".into())),
        Err(e) => Err(e.into()),
    };
    after(&state, &u, outcome).await
}

#[derive(Debug, Deserialize)]
struct HandleForm {
    handle: String,
}

/// The handle typed in a sharing form, normalized, and the user it names.
async fn teacher_named(
    state: &AppState,
    typed: &str,
) -> Result<(String, Option<janu_store::User>), ServerError> {
    let handle = user::normalize_handle(typed)?;
    let teacher = state.store().user_by_handle(&handle).await?;
    Ok((handle, teacher))
}

async fn share_post(
    State(state): State<AppState>,
    SignedForm { user: u, form: f }: SignedForm<HandleForm>,
) -> Response {
    let outcome = async {
        let (handle, teacher) = teacher_named(&state, &f.handle).await?;
        let teacher = teacher
            .ok_or_else(|| ServerError::NotFound(format!("no user with the handle {handle:?}")))?;
        state.store().share(u.id, teacher.id).await?;
        Ok(html! { p { (teacher.handle) " can now read your history." } })
    }
    .await;
    after(&state, &u, outcome).await
}

async fn unshare_post(
    State(state): State<AppState>,
    SignedForm { user: u, form: f }: SignedForm<HandleForm>,
) -> Response {
    let outcome = async {
        let (handle, teacher) = teacher_named(&state, &f.handle).await?;
        if let Some(t) = teacher {
            state.store().unshare(u.id, t.id).await?;
        }
        Ok(html! { p { (handle) " no longer sees your history." } })
    }
    .await;
    after(&state, &u, outcome).await
}

async fn export_get(State(state): State<AppState>, MaybeUser(signed): MaybeUser) -> Response {
    let Some(u) = signed else {
        return signed_in_first("/account");
    };
    match acct::export_response(&state, &u).await {
        Ok(res) => res,
        Err(e) => PageError(e, Some(u)).into_response(),
    }
}

#[derive(Debug, Deserialize)]
struct PasswordOnly {
    password: String,
}

async fn delete_post(
    State(state): State<AppState>,
    SignedForm { user: u, form: f }: SignedForm<PasswordOnly>,
) -> Response {
    let deleted = async {
        acct::confirm_password(&state, &u, f.password).await?;
        accounts::remove_user(state.store(), state.media(), &state.settings().data_dir, &u).await
    }
    .await;
    match deleted {
        Ok(()) => {
            let body = html! {
                h1 { "Account deleted" }
                p.lead {
                    "Your account, sessions, reports and \
                     key frames are gone from this server."
                }
            };
            signing_out(&state, page("Account deleted", "", None, &body))
        }
        Err(e) => after(&state, &u, Err(e)).await,
    }
}

// ---------------------------------------------------------------------------
// A teacher's students.

async fn students_page(State(state): State<AppState>, MaybeUser(signed): MaybeUser) -> Response {
    let Some(u) = signed else {
        return signed_in_first("/students");
    };
    let students = match acct::students_of(&state, &u).await {
        Ok(s) => s,
        Err(e) => return PageError(e, Some(u)).into_response(),
    };
    let body = html! {
        h1 { "Your students" }
        @if students.is_empty() {
            div.card.notice {
                p {
                    "Nobody shares their history with you yet. A student \
                     adds your handle on their account page."
                }
            }
        }
        @for s in &students {
            section.card data-testid="student" {
                h2 {
                    a href={ "/students/" (s.user.handle) } { (s.user.display_name) }
                    " " small { "@" (s.user.handle) }
                }
                p { (count(s.sessions, "session")) "." }
                ul {
                    @for x in &s.latest {
                        li {
                            a href={ "/sessions/" (x.id) } { (date(x.started_at)) }
                            " · " (session_what(x.source, x.media_name.as_deref()))
                        }
                    }
                }
                table {
                    thead {
                        tr { th { "Week of" } th { "Left fold" } th { "Right fold" } th { "Asymmetry" } }
                    }
                    tbody {
                        @for w in &s.trend {
                            tr {
                                td { (w.monday) }
                                td { (fmt_opt(w.left_fold_deg, 0, "°")) }
                                td { (fmt_opt(w.right_fold_deg, 0, "°")) }
                                td { (fmt_opt(w.asymmetry, 2, "")) }
                            }
                        }
                    }
                }
            }
        }
    };
    page("Students", "", Some(&u), &body).into_response()
}

async fn student_page(
    State(state): State<AppState>,
    MaybeUser(signed): MaybeUser,
    Path(handle): Path<String>,
) -> Response {
    let Some(u) = signed else {
        return signed_in_first("/students");
    };
    let shown = async {
        let student = acct::student_of(&state, &u, &handle).await?;
        let list = state
            .store()
            .sessions(
                student.id,
                janu_store::Page::first(super::HISTORY_PAGE_SESSIONS),
            )
            .await?;
        Ok::<_, ServerError>((student, list))
    }
    .await;
    let (student, list) = match shown {
        Ok(x) => x,
        Err(e) => return PageError(e, Some(u)).into_response(),
    };
    let body = html! {
        p { a href="/students" { "← Your students" } }
        h1 { (student.display_name) }
        table data-testid="sessions" {
            thead { tr { th { "When" } th { "What" } th { "Asymmetry" } th { "Findings" } } }
            tbody {
                @for x in &list.items {
                    tr {
                        td { a href={ "/sessions/" (x.id) } { (date(x.started_at)) } }
                        td { (x.source.as_str()) }
                        td { (fmt_opt(x.asymmetry_index, 2, "")) }
                        td { (x.finding_count) }
                    }
                }
            }
        }
    };
    page("Student", "", Some(&u), &body).into_response()
}

/// A form of one button, drawn as a link, that posts one `(name, value)`
/// field to `action`: how a row of a list is removed.
fn post_link(csrf: &Markup, action: &str, field: (&str, &dyn maud::Render), label: &str) -> Markup {
    let (name, value) = field;
    html! {
        form.inline method="post" action=(action) {
            (csrf)
            input type="hidden" name=(name) value=(value);
            button.link { (label) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_stay_local() {
        assert_eq!(safe_next(Some("/history")), "/history");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
