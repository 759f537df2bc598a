//! The server-rendered pages. Each works without JavaScript except the upload
//! (its progress bars need a little); forms submit by GET so a result has a URL.

mod account;
mod charts;
mod knowledge;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use janu_body::clock::clock;
use janu_pose::{ConditionId, Decision, Plan, Screening, Topic, knowledge};
use janu_store::Page;
use maud::{Markup, PreEscaped, html};

use crate::api::{self, PlanForm, ScreenRequest};
use crate::html::{page, sign_in_href};
use crate::user::{MaybeUser, Signed};
use crate::{AppState, ServerError};

/// Sessions shown on the history page.
pub const HISTORY_PAGE_SESSIONS: u32 = 100;

/// The page routes (merged into [`crate::app`]).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/screen", get(screen_page))
        .route("/plan", get(plan_page))
        .route("/upload", get(upload_page))
        .route("/history", get(history_page))
        .route("/sessions/{id}", get(session_page))
        .route("/pose", get(pose_index))
        .route("/pose/{topic}", get(pose_page))
        .merge(account::router())
}

/// An error as a page (the API's errors are JSON; a person gets HTML).
pub(crate) struct PageError(pub(crate) ServerError, pub(crate) Option<Signed>);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        if status.is_server_error() {
            tracing::error!(error = %self.0, "page failed");
        }
        let body = html! {
            h1 { (status.canonical_reason().unwrap_or("Error")) }
            (alert(&self.0))
            p { a href="/" { "Back to the start" } }
        };
        (status, page("Error", "", self.1.as_ref(), &body)).into_response()
    }
}

/// An error as an alert paragraph, in the words a person may see.
fn alert(e: &ServerError) -> Markup {
    html! { p.error role="alert" { (e.public_message()) } }
}

/// What a submitted form shows: `render` of the answer, or the error as an
/// alert with its status; nothing (200) when the form was not submitted.
fn form_outcome<T>(
    answer: Option<Result<T, ServerError>>,
    render: impl FnOnce(&T) -> Markup,
) -> (Markup, StatusCode) {
    match answer {
        None => (html! {}, StatusCode::OK),
        Some(Ok(t)) => (render(&t), StatusCode::OK),
        Some(Err(e)) => (alert(&e), e.status()),
    }
}

/// The fallback: JSON 404 under `/api`, a page elsewhere.
pub async fn not_found(uri: Uri) -> Response {
    let msg = format!("nothing at {}", uri.path());
    if uri.path().starts_with("/api/") || uri.path() == "/api" {
        return ServerError::NotFound(msg).into_response();
    }
    PageError(ServerError::NotFound(msg), None).into_response()
}

/// The pairs of a query string, in order (repeated keys kept).
fn pairs(q: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(q.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn all(p: &[(String, String)], key: &str) -> Vec<String> {
    p.iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .collect()
}

fn one(p: &[(String, String)], key: &str) -> Option<String> {
    p.iter()
        .find(|(k, v)| k == key && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_owned())
}

/// The note on a page that needs a user: sign in (and come back to `here`)
/// to `what`.
fn sign_in_first(what: &str, here: &str) -> Markup {
    html! {
        div class="card notice" id="signin-first" {
            p {
                "To " (what) ", " a href=(sign_in_href(here)) { "sign in" }
                " first. Your sessions are private to your account on this server."
            }
        }
    }
}

/// A page whose content needs a user, as shown to nobody signed in: its
/// heading and the note to sign in first (and come back to `active`).
fn signed_out_page(title: &str, active: &str, heading: &str, what: &str) -> Html<String> {
    let body = html! { h1 { (heading) } (sign_in_first(what, active)) };
    page(title, active, None, &body)
}

async fn home(MaybeUser(user): MaybeUser) -> Html<String> {
    let body = html! {
        section.hero {
            h1 { "Janusirsasana, practised well" }
            @if let Some(u) = &user {
                p.lead { "Welcome back, " (u.display_name) "." }
            }
            p.lead {
                "Janu knows the seated head-to-knee forward bend: how to do it, when \
                 not to, which props help. It watches your practice through a camera and tells you, in \
                 plain words, which side you practised, how deep you folded, how long you held, how you \
                 breathed, and which of the classic mistakes crept in, and how your two sides compare \
                 over the weeks."
            }
        }
        section.ways {
            a class="card way" href="/screen" {
                h2 { "1. Is it safe for me?" }
                p { "A short questionnaire: proceed, modify, practise supervised, or avoid, with the reasons." }
            }
            a class="card way" href="/plan" {
                h2 { "2. A plan" }
                p { "A whole session for your level, time and goals: warm-ups, both sides, follow-ups, breath." }
            }
            a class="card way" href="/live" {
                h2 { "3. Practise live" }
                p { "Your webcam, cues spoken as you go, a summary at the end." }
            }
            a class="card way" href="/upload" {
                h2 { "4. Upload a video or photo" }
                p { "A full report of your form, saved to your history." }
            }
        }
        p {
            "Then follow your " a href="/history" { "progress over the weeks" }
            ", or read " a href="/pose" { "everything about the pose" } "."
        }
        p.small {
            "Users here are just handles, without passwords: anyone on this \
             server who types your handle sees your history. Everything stays on this server."
        }
    };
    page("Home", "/", user.as_ref(), &body)
}

// ---------------------------------------------------------------------------
// Screening.

fn condition_fields(selected: &[String], trimester: Option<u8>) -> Markup {
    let k = knowledge();
    html! {
        fieldset {
            legend { "Does any of this apply to you now?" }
            @for c in k.conditions.iter().filter(|c| c.id != ConditionId::None) {
                @let id = c.id.as_str();
                label.check {
                    input type="checkbox" name="condition" value=(id)
                        checked[selected.iter().any(|s| s == id)];
                    " "
                    span { strong { (c.name) } " " span.small { (c.examples) } }
                }
                @if c.needs_trimester {
                    label.indent {
                        "Trimester "
                        select name="trimester" {
                            option value="" { "-" }
                            @for t in [1u8, 2, 3] {
                                option value=(t) selected[trimester == Some(t)] { (t) }
                            }
                        }
                    }
                }
            }
            p.small { "Nothing ticked means none of these applies." }
        }
    }
}

fn decision_badge(d: Decision) -> Markup {
    let d = d.as_str();
    html! { span class={ "badge decision-" (d) } data-testid="decision" { (d) } }
}

fn screening_html(s: &Screening) -> Markup {
    let k = knowledge();
    html! {
        section class="card result" id="result" {
            h2 { "Decision: " (decision_badge(s.decision)) }
            p.lead { (s.summary) }
            @if !s.reasons.is_empty() {
                h3 { "What the references say" }
                ul {
                    @for r in &s.reasons {
                        li {
                            span.src { (r.source.as_str()) } " "
                            strong {
                                (k.condition(r.condition).map_or(r.condition.as_str(), |c| c.name.as_str()))
                            }
                            " (" (r.decision.as_str()) "): " (r.text)
                        }
                    }
                }
            }
            @if !s.cautious_choices.is_empty() {
                h3 { "Where the references disagree" }
                ul { @for c in &s.cautious_choices { li { (c.note) } } }
            }
            @if let Some(v) = s.variation.as_deref().and_then(|v| k.variation(v)) {
                h3 { "Variation" }
                p { strong { (v.name) } ": " (v.text) }
            }
            @if !s.props.is_empty() {
                h3 { "Props" }
                ul {
                    @for p in s.props.iter().filter_map(|p| k.prop(p)) {
                        li { strong { (p.name) } ": " (p.text) }
                    }
                }
            }
            h3 { "Stop or adapt at once on" }
            ul { @for w in &s.warning_signs { li { (w) } } }
        }
    }
}

async fn screen_page(MaybeUser(user): MaybeUser, RawQuery(q): RawQuery) -> Response {
    let p = pairs(q.as_deref());
    let submitted = !p.is_empty();
    let req = ScreenRequest {
        conditions: all(&p, "condition"),
        trimester: one(&p, "trimester").and_then(|t| t.parse().ok()),
    };
    let (result, status) = form_outcome(submitted.then(|| api::screening(&req)), screening_html);
    let body = html! {
        h1 { "Is Janusirsasana safe for you?" }
        p.lead {
            "Tick what applies. Where the two references disagree, the more \
             cautious view decides, and the answer says so. This is guidance from yoga texts, not \
             medical advice."
        }
        form method="get" action="/screen" class="card" {
            (condition_fields(&req.conditions, req.trimester))
            input type="hidden" name="submitted" value="1";
            button type="submit" { "Screen me" }
        }
        (result)
    };
    (status, page("Screening", "/screen", user.as_ref(), &body)).into_response()
}

// ---------------------------------------------------------------------------
// Plans.

fn plan_html(p: &Plan) -> Markup {
    let k = knowledge();
    let variation = k
        .variation(&p.variation)
        .map_or(p.variation.as_str(), |v| v.name.as_str());
    let props: Vec<&str> = p
        .props
        .iter()
        .map(|id| k.prop(id).map_or(id.as_str(), |pr| pr.name.as_str()))
        .collect();
    let starts = p.steps.iter().scan(0u32, |at, s| {
        let start = *at;
        *at += s.seconds;
        Some(start)
    });
    html! {
        section class="card result" id="result" {
            h2 { "Your " (p.level.as_str()) " session: " (clock(f64::from(p.total_seconds))) " planned" }
            p { "Screening: " (decision_badge(p.screening.decision)) " " (p.screening.summary) }
            p {
                strong { "Variation:" } " " (variation)
                @if !props.is_empty() {
                    " · " strong { "Props:" } " " (props.join(", "))
                }
            }
            @if !p.notes.is_empty() {
                ul.notes { @for n in &p.notes { li { (n) } } }
            }
            ol.steps data-testid="plan-steps" {
                @for (s, start) in p.steps.iter().zip(starts) {
                    li class={ "step section-" (format!("{:?}", s.section).to_lowercase()) } {
                        div.when { (clock(f64::from(start))) }
                        div {
                            span.section { (s.section.label()) } " " strong { (s.name) }
                            @match s.extended_leg {
                                Some(janu_pose::Side::Left) => { " " span class="side left" { "left leg extended" } },
                                Some(janu_pose::Side::Right) => { " " span class="side right" { "right leg extended" } },
                                None => {},
                            }
                            div.small {
                                (clock(f64::from(s.seconds)))
                                @if s.hold_seconds > 0 {
                                    " · hold " (clock(f64::from(s.hold_seconds))) " (" (s.breaths) " breaths)"
                                }
                            }
                            @if !s.cues.is_empty() {
                                ul.cues {
                                    @for c in &s.cues {
                                        li { span.t { (clock(f64::from(c.at))) } " " (c.text) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A `<select>` named `name` of (value, label) options with `current` selected.
fn select(name: &str, options: &[(&str, &str)], current: &str) -> Markup {
    html! {
        select name=(name) {
            @for (value, label) in options {
                option value=(value) selected[*value == current] { (label) }
            }
        }
    }
}

async fn plan_page(MaybeUser(user): MaybeUser, RawQuery(q): RawQuery) -> Response {
    let p = pairs(q.as_deref());
    let submitted = !p.is_empty();
    let form = PlanForm {
        level: one(&p, "level"),
        minutes: one(&p, "minutes").and_then(|m| m.parse().ok()),
        conditions: all(&p, "condition"),
        trimester: one(&p, "trimester").and_then(|t| t.parse().ok()),
        goals: all(&p, "goal"),
        tighter_side: one(&p, "tighter_side"),
    };
    let (result, status) = form_outcome(submitted.then(|| api::plan(&form)), plan_html);
    let k = knowledge();
    let levels = [
        ("beginner", "beginner"),
        ("intermediate", "intermediate"),
        ("advanced", "advanced"),
    ];
    let sides = [("", "don't know"), ("left", "left"), ("right", "right")];
    let body = html! {
        h1 { "Build a practice plan" }
        p.lead {
            "Warm-ups, the pose on both sides, follow-ups and a closing breath, \
             timed for your level and conditions. A plan the screening rules out is refused, with \
             the reasons."
        }
        form method="get" action="/plan" class="card" {
            div.row {
                label { "Level " (select("level", &levels, form.level.as_deref().unwrap_or("beginner"))) }
                label {
                    "Minutes "
                    input type="number" name="minutes" min=(janu_pose::MIN_MINUTES)
                        max=(janu_pose::MAX_MINUTES)
                        value=(form.minutes.unwrap_or(api::DEFAULT_PLAN_MINUTES));
                }
                label {
                    "Tighter side "
                    (select("tighter_side", &sides, form.tighter_side.as_deref().unwrap_or_default()))
                }
            }
            fieldset {
                legend { "Goals" }
                @for g in &k.therapy {
                    @let id = g.id.as_str();
                    label.check {
                        input type="checkbox" name="goal" value=(id)
                            checked[form.goals.iter().any(|s| s == id)];
                        " " (g.name)
                    }
                }
            }
            details {
                summary { "Health conditions" }
                (condition_fields(&form.conditions, form.trimester))
            }
            button type="submit" { "Make my plan" }
        }
        (result)
    };
    (status, page("Plan", "/plan", user.as_ref(), &body)).into_response()
}

// ---------------------------------------------------------------------------
// Upload, history, sessions.

async fn upload_page(State(state): State<AppState>, MaybeUser(user): MaybeUser) -> Html<String> {
    let Some(u) = user else {
        return signed_out_page(
            "Upload",
            "/upload",
            "Upload a video or photo",
            "keep your reports",
        );
    };
    let limit = state.settings().max_upload_bytes;
    let body = html! {
        h1 { "Upload a video or photo" }
        p.lead {
            "A video of your practice (MP4 or MOV) or a photo (JPEG, PNG, WebP), up to "
            (limit / (1024 * 1024))
            " MB. Film from the front-diagonal of the extended foot so both legs \
             show. Janu finds your body, analyses your form, and saves the report to your \
             history."
        }
        form id="upload-form" class="card" data-limit=(limit) {
            label.drop {
                "Choose a file "
                input type="file" id="file" name="file"
                    accept="video/*,image/jpeg,image/png,image/webp,.jsonl" required;
            }
            button type="submit" id="send" { "Analyse" }
        }
        section id="progress" class="card" hidden {
            p { span id="stage" { "Sending…" } }
            label { "Upload " progress id="up" max="1" value="0" {} }
            label { "Analysis " progress id="an" max="1" value="0" {} }
            p class="small" id="detail" {}
        }
        p id="upload-error" class="error" role="alert" hidden {}
        div id="report" {}
        script src="/assets/upload.js" {}
    };
    page("Upload", "/upload", Some(&u), &body)
}

fn fmt_opt(v: Option<f64>, digits: usize, unit: &str) -> String {
    v.map_or_else(|| "–".into(), |v| format!("{v:.digits$}{unit}"))
}

fn date(t: time::OffsetDateTime) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    t.format(&fmt).unwrap_or_default()
}

/// "`n` `word`s", the `s` only when `n` is not 1.
fn count(n: u64, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// What a session was: its source and the name of its media, if any.
fn session_what(source: janu_store::Source, media_name: Option<&str>) -> Markup {
    html! {
        (source.as_str())
        @if let Some(n) = media_name { ": " (n) }
    }
}

async fn history_page(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
) -> Result<Html<String>, PageError> {
    let Some(u) = user else {
        return Ok(signed_out_page(
            "History",
            "/history",
            "Your history",
            "see your history",
        ));
    };
    let err = |e: ServerError| PageError(e, Some(u.clone()));
    let list = state
        .store()
        .sessions(u.id, Page::first(HISTORY_PAGE_SESSIONS))
        .await
        .map_err(|e| err(e.into()))?;
    let progress = state
        .store()
        .progress(u.id, time::UtcOffset::UTC)
        .await
        .map_err(|e| err(e.into()))?;
    if list.total == 0 {
        let body = html! {
            h1 { "Your history" }
            div.card.notice {
                p {
                    "No sessions yet. " a href="/upload" { "Upload a video or photo" }
                    " of your practice, or " a href="/live" { "practise live" } "."
                }
            }
        };
        return Ok(page("History", "/history", Some(&u), &body));
    }
    let charts = [
        charts::fold_chart(&progress),
        charts::hold_chart(&progress),
        charts::asymmetry_chart(&progress),
        charts::mistakes_chart(&progress),
    ];
    let body = html! {
        h1 { "Your history" }
        p.lead {
            (count(list.total, "session")) " over "
            (count(progress.weeks.len() as u64, "week")) "."
        }
        section.charts {
            @for chart in &charts {
                // Safe: the chart code builds this SVG itself and escapes every
                // text it puts in.
                (PreEscaped(chart))
            }
        }
        h2 { "Sessions" }
        div.scroll {
            table.sessions data-testid="sessions" {
                thead {
                    tr {
                        th { "When" } th { "What" } th { "Left fold" } th { "Right fold" }
                        th { "Hold L / R" } th { "Asymmetry" } th { "Findings" }
                    }
                }
                tbody {
                    @for s in &list.items {
                        @let side = |sd: janu_store::Side| s.sides.iter().find(|x| x.side == sd);
                        @let (l, r) = (side(janu_store::Side::Left), side(janu_store::Side::Right));
                        tr {
                            td { a href={ "/sessions/" (s.id) } { (date(s.started_at)) } }
                            td.what { (session_what(s.source, s.media_name.as_deref())) }
                            td { (fmt_opt(l.and_then(|x| x.fold_angle_deg), 0, "°")) }
                            td { (fmt_opt(r.and_then(|x| x.fold_angle_deg), 0, "°")) }
                            td {
                                (fmt_opt(l.map(|x| x.hold_s), 0, " s")) " / "
                                (fmt_opt(r.map(|x| x.hold_s), 0, " s"))
                            }
                            td { (fmt_opt(s.asymmetry_index, 2, "")) }
                            td { (s.finding_count) }
                        }
                    }
                }
            }
        }
    };
    Ok(page("History", "/history", Some(&u), &body))
}

async fn session_page(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let Some(u) = user else {
        return Ok(signed_out_page(
            "Session",
            "/history",
            "Session",
            "see your sessions",
        ));
    };
    let s = api::readable_session(&state, &u, &id)
        .await
        .map_err(|e| PageError(e, Some(u.clone())))?;
    let title = format!(
        "{} · {}",
        date(s.data.started_at),
        s.data
            .media_name
            .as_deref()
            .unwrap_or(s.data.source.as_str())
    );
    let files = crate::report_view::MediaStore::at(&state.settings().data_dir);
    let media = crate::report_view::session_media(state.store(), state.media(), &files, &s).await;
    let body = html! {
        p {
            @if s.data.user == u.id {
                a href="/history" { "← History" }
            } @else {
                a href="/students" { "← Your students" }
            }
        }
        (crate::report_view::session_html(media.as_ref(), &s, &title))
    };
    Ok(page("Session", "/history", Some(&u), &body))
}

// ---------------------------------------------------------------------------
// The pose.

async fn pose_index(MaybeUser(user): MaybeUser) -> Html<String> {
    let k = knowledge();
    let body = html! {
        h1 { "Janusirsasana" }
        p.lead {
            "What the two references say about the seated \
             head-to-knee forward bend, in Janu's words. Tags: " span.src { "A" } " the \
             encyclopedic text, " span.src { "B" } " the practice guide, "
            span.src { "J" } " Janu's own synthesis."
        }
        ul {
            @for f in &k.overview {
                li { (f.text) " " (knowledge::sources(&f.sources)) }
            }
        }
        nav.topics {
            @for t in Topic::ALL {
                a class="card topic" href={ "/pose/" (t.as_str()) } {
                    h2 { (knowledge::topic_title(*t)) }
                }
            }
        }
    };
    page("The pose", "/pose", user.as_ref(), &body)
}

async fn pose_page(
    MaybeUser(user): MaybeUser,
    Path(topic): Path<String>,
) -> Result<Html<String>, PageError> {
    let t: Topic = topic.parse().map_err(|e: janu_pose::PoseError| {
        PageError(ServerError::NotFound(e.to_string()), user.clone())
    })?;
    let title = knowledge::topic_title(t);
    let body = html! {
        p { a href="/pose" { "← The pose" } }
        h1 { (title) }
        nav.subnav {
            @for x in Topic::ALL {
                a href={ "/pose/" (x.as_str()) } aria-current=[(*x == t).then_some("page")] {
                    (knowledge::topic_title(*x))
                }
            }
        }
        (knowledge::topic_html(t))
    };
    Ok(page(&title, "/pose", user.as_ref(), &body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_notes_link_back() {
        let note = sign_in_first("x", "/history").into_string();
        assert!(note.contains("/login?next=%2Fhistory"), "{note}");
    }
}
