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

use crate::api::{self, PlanForm, ScreenRequest};
use crate::html::{escape, page};
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
        let body = format!(
            "<h1>{}</h1>{}<p><a href=\"/\">Back to the start</a></p>",
            status.canonical_reason().unwrap_or("Error"),
            alert(&self.0)
        );
        (status, Html(page("Error", "", self.1.as_ref(), &body))).into_response()
    }
}

/// An error as an alert paragraph, in the words a person may see.
fn alert(e: &ServerError) -> String {
    format!(
        "<p class=\"error\" role=\"alert\">{}</p>",
        escape(&e.public_message())
    )
}

/// What a submitted form shows: `render` of the answer, or the error as an
/// alert with its status; nothing (200) when the form was not submitted.
fn form_outcome<T>(
    answer: Option<Result<T, ServerError>>,
    render: impl FnOnce(&T) -> String,
) -> (String, StatusCode) {
    match answer {
        None => (String::new(), StatusCode::OK),
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

fn sign_in_first(what: &str, here: &str) -> String {
    format!(
        "<div class=\"card notice\" id=\"signin-first\"><p>To {what}, <a href=\"/login?next={}\">sign \
         in</a> first. Your sessions are private to your account on this server.</p></div>",
        escape(&form_urlencoded::byte_serialize(here.as_bytes()).collect::<String>())
    )
}

async fn home(MaybeUser(user): MaybeUser) -> Html<String> {
    let greet = match &user {
        Some(u) => format!(
            "<p class=\"lead\">Welcome back, {}.</p>",
            escape(&u.display_name)
        ),
        None => String::new(),
    };
    let body = format!(
        "<section class=\"hero\"><h1>Janusirsasana, practised well</h1>{greet}\
         <p class=\"lead\">Janu knows the seated head-to-knee forward bend: how to do it, when \
         not to, which props help. It watches your practice through a camera and tells you, in \
         plain words, which side you practised, how deep you folded, how long you held, how you \
         breathed, and which of the classic mistakes crept in, and how your two sides compare \
         over the weeks.</p></section>\
         <section class=\"ways\">\
         <a class=\"card way\" href=\"/screen\"><h2>1. Is it safe for me?</h2><p>A short \
         questionnaire: proceed, modify, practise supervised, or avoid, with the reasons.</p></a>\
         <a class=\"card way\" href=\"/plan\"><h2>2. A plan</h2><p>A whole session for your \
         level, time and goals: warm-ups, both sides, follow-ups, breath.</p></a>\
         <a class=\"card way\" href=\"/live\"><h2>3. Practise live</h2><p>Your webcam, cues \
         spoken as you go, a summary at the end.</p></a>\
         <a class=\"card way\" href=\"/upload\"><h2>4. Upload a video or photo</h2><p>A full \
         report of your form, saved to your history.</p></a>\
         </section>\
         <p>Then follow your <a href=\"/history\">progress over the weeks</a>, or read \
         <a href=\"/pose\">everything about the pose</a>.</p>\
         <p class=\"small\">Users here are just handles, without passwords: anyone on this \
         server who types your handle sees your history. Everything stays on this server.</p>"
    );
    Html(page("Home", "/", user.as_ref(), &body))
}

// ---------------------------------------------------------------------------
// Screening.

fn condition_fields(selected: &[String], trimester: Option<u8>) -> String {
    let k = knowledge();
    let mut o = String::from("<fieldset><legend>Does any of this apply to you now?</legend>");
    for c in k.conditions.iter().filter(|c| c.id != ConditionId::None) {
        let id = c.id.as_str();
        let checked = if selected.iter().any(|s| s == id) {
            " checked"
        } else {
            ""
        };
        o.push_str(&format!(
            "<label class=\"check\"><input type=\"checkbox\" name=\"condition\" value=\"{id}\"{checked}> \
             <span><strong>{}</strong> <span class=\"small\">{}</span></span></label>",
            escape(&c.name),
            escape(&c.examples)
        ));
        if c.needs_trimester {
            let opts: String = [1u8, 2, 3]
                .iter()
                .map(|t| {
                    let sel = if trimester == Some(*t) {
                        " selected"
                    } else {
                        ""
                    };
                    format!("<option value=\"{t}\"{sel}>{t}</option>")
                })
                .collect();
            o.push_str(&format!(
                "<label class=\"indent\">Trimester <select name=\"trimester\"><option value=\"\">-</option>{opts}</select></label>"
            ));
        }
    }
    o.push_str("<p class=\"small\">Nothing ticked means none of these applies.</p></fieldset>");
    o
}

fn decision_badge(d: Decision) -> String {
    format!(
        "<span class=\"badge decision-{0}\" data-testid=\"decision\">{0}</span>",
        d.as_str()
    )
}

fn screening_html(s: &Screening) -> String {
    let k = knowledge();
    let mut o = format!(
        "<section class=\"card result\" id=\"result\"><h2>Decision: {}</h2><p class=\"lead\">{}</p>",
        decision_badge(s.decision),
        escape(&s.summary)
    );
    if !s.reasons.is_empty() {
        o.push_str("<h3>What the references say</h3><ul>");
        for r in &s.reasons {
            o.push_str(&format!(
                "<li><span class=\"src\">{}</span> <strong>{}</strong> ({}): {}</li>",
                r.source.as_str(),
                escape(
                    k.condition(r.condition)
                        .map_or(r.condition.as_str(), |c| c.name.as_str())
                ),
                r.decision.as_str(),
                escape(&r.text)
            ));
        }
        o.push_str("</ul>");
    }
    if !s.cautious_choices.is_empty() {
        o.push_str("<h3>Where the references disagree</h3><ul>");
        for c in &s.cautious_choices {
            o.push_str(&format!("<li>{}</li>", escape(&c.note)));
        }
        o.push_str("</ul>");
    }
    if let Some(v) = s.variation.as_deref().and_then(|v| k.variation(v)) {
        o.push_str(&format!(
            "<h3>Variation</h3><p><strong>{}</strong>: {}</p>",
            escape(&v.name),
            escape(&v.text)
        ));
    }
    if !s.props.is_empty() {
        o.push_str("<h3>Props</h3><ul>");
        for p in s.props.iter().filter_map(|p| k.prop(p)) {
            o.push_str(&format!(
                "<li><strong>{}</strong>: {}</li>",
                escape(&p.name),
                escape(&p.text)
            ));
        }
        o.push_str("</ul>");
    }
    o.push_str("<h3>Stop or adapt at once on</h3><ul>");
    for w in &s.warning_signs {
        o.push_str(&format!("<li>{}</li>", escape(w)));
    }
    o.push_str("</ul></section>");
    o
}

async fn screen_page(MaybeUser(user): MaybeUser, RawQuery(q): RawQuery) -> Response {
    let p = pairs(q.as_deref());
    let submitted = !p.is_empty();
    let req = ScreenRequest {
        conditions: all(&p, "condition"),
        trimester: one(&p, "trimester").and_then(|t| t.parse().ok()),
    };
    let (result, status) = form_outcome(submitted.then(|| api::screening(&req)), screening_html);
    let body = format!(
        "<h1>Is Janusirsasana safe for you?</h1>\
         <p class=\"lead\">Tick what applies. Where the two references disagree, the more \
         cautious view decides, and the answer says so. This is guidance from yoga texts, not \
         medical advice.</p>\
         <form method=\"get\" action=\"/screen\" class=\"card\">{}<input type=\"hidden\" name=\"submitted\" value=\"1\">\
         <button type=\"submit\">Screen me</button></form>{result}",
        condition_fields(&req.conditions, req.trimester)
    );
    (
        status,
        Html(page("Screening", "/screen", user.as_ref(), &body)),
    )
        .into_response()
}

// ---------------------------------------------------------------------------
// Plans.

fn plan_html(p: &Plan) -> String {
    let k = knowledge();
    let variation = k
        .variation(&p.variation)
        .map_or(p.variation.clone(), |v| v.name.clone());
    let props: Vec<String> = p
        .props
        .iter()
        .map(|id| k.prop(id).map_or(id.clone(), |pr| pr.name.clone()))
        .collect();
    let mut o = format!(
        "<section class=\"card result\" id=\"result\"><h2>Your {} session: {} planned</h2>\
         <p>Screening: {} {}</p><p><strong>Variation:</strong> {}{}</p>",
        p.level.as_str(),
        clock(f64::from(p.total_seconds)),
        decision_badge(p.screening.decision),
        escape(&p.screening.summary),
        escape(&variation),
        if props.is_empty() {
            String::new()
        } else {
            format!(" · <strong>Props:</strong> {}", escape(&props.join(", ")))
        }
    );
    if !p.notes.is_empty() {
        o.push_str("<ul class=\"notes\">");
        for n in &p.notes {
            o.push_str(&format!("<li>{}</li>", escape(n)));
        }
        o.push_str("</ul>");
    }
    o.push_str("<ol class=\"steps\" data-testid=\"plan-steps\">");
    let mut at = 0u32;
    for s in &p.steps {
        let side = match s.extended_leg {
            Some(janu_pose::Side::Left) => " <span class=\"side left\">left leg extended</span>",
            Some(janu_pose::Side::Right) => " <span class=\"side right\">right leg extended</span>",
            None => "",
        };
        let hold = if s.hold_seconds > 0 {
            format!(
                " · hold {} ({} breaths)",
                clock(f64::from(s.hold_seconds)),
                s.breaths
            )
        } else {
            String::new()
        };
        let cues: String = s
            .cues
            .iter()
            .map(|c| {
                format!(
                    "<li><span class=\"t\">{}</span> {}</li>",
                    clock(f64::from(c.at)),
                    escape(&c.text)
                )
            })
            .collect();
        o.push_str(&format!(
            "<li class=\"step section-{sec}\"><div class=\"when\">{start}</div><div>\
             <span class=\"section\">{label}</span> <strong>{name}</strong>{side}\
             <div class=\"small\">{dur}{hold}</div>{cues}</div></li>",
            sec = escape(&format!("{:?}", s.section).to_lowercase()),
            start = clock(f64::from(at)),
            label = s.section.label(),
            name = escape(&s.name),
            dur = clock(f64::from(s.seconds)),
            cues = if cues.is_empty() {
                String::new()
            } else {
                format!("<ul class=\"cues\">{cues}</ul>")
            }
        ));
        at += s.seconds;
    }
    o.push_str("</ol></section>");
    o
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
    let level = form.level.clone().unwrap_or_else(|| "beginner".into());
    let levels: String = ["beginner", "intermediate", "advanced"]
        .iter()
        .map(|l| {
            let sel = if *l == level { " selected" } else { "" };
            format!("<option value=\"{l}\"{sel}>{l}</option>")
        })
        .collect();
    let goals: String = k
        .therapy
        .iter()
        .map(|g| {
            let id = g.id.as_str();
            let checked = if form.goals.iter().any(|s| s == id) {
                " checked"
            } else {
                ""
            };
            format!(
                "<label class=\"check\"><input type=\"checkbox\" name=\"goal\" value=\"{id}\"{checked}> {}</label>",
                escape(&g.name)
            )
        })
        .collect();
    let side = form.tighter_side.clone().unwrap_or_default();
    let sides: String = [("", "don't know"), ("left", "left"), ("right", "right")]
        .iter()
        .map(|(v, l)| {
            let sel = if *v == side { " selected" } else { "" };
            format!("<option value=\"{v}\"{sel}>{l}</option>")
        })
        .collect();
    let body = format!(
        "<h1>Build a practice plan</h1>\
         <p class=\"lead\">Warm-ups, the pose on both sides, follow-ups and a closing breath, \
         timed for your level and conditions. A plan the screening rules out is refused, with \
         the reasons.</p>\
         <form method=\"get\" action=\"/plan\" class=\"card\">\
         <div class=\"row\"><label>Level <select name=\"level\">{levels}</select></label>\
         <label>Minutes <input type=\"number\" name=\"minutes\" min=\"{min}\" max=\"{max}\" value=\"{minutes}\"></label>\
         <label>Tighter side <select name=\"tighter_side\">{sides}</select></label></div>\
         <fieldset><legend>Goals</legend>{goals}</fieldset>\
         <details><summary>Health conditions</summary>{conds}</details>\
         <button type=\"submit\">Make my plan</button></form>{result}",
        min = janu_pose::MIN_MINUTES,
        max = janu_pose::MAX_MINUTES,
        minutes = form.minutes.unwrap_or(api::DEFAULT_PLAN_MINUTES),
        conds = condition_fields(&form.conditions, form.trimester),
    );
    (status, Html(page("Plan", "/plan", user.as_ref(), &body))).into_response()
}

// ---------------------------------------------------------------------------
// Upload, history, sessions.

async fn upload_page(State(state): State<AppState>, MaybeUser(user): MaybeUser) -> Html<String> {
    let limit_mb = state.settings().max_upload_bytes / (1024 * 1024);
    let body = match &user {
        None => format!(
            "<h1>Upload a video or photo</h1>{}",
            sign_in_first("keep your reports", "/upload")
        ),
        Some(_) => format!(
            "<h1>Upload a video or photo</h1>\
             <p class=\"lead\">A video of your practice (MP4 or MOV) or a photo (JPEG, PNG, WebP), \
             up to {limit_mb} MB. Film from the front-diagonal of the extended foot so both legs \
             show. Janu finds your body, analyses your form, and saves the report to your \
             history.</p>\
             <form id=\"upload-form\" class=\"card\" data-limit=\"{limit}\">\
             <label class=\"drop\">Choose a file <input type=\"file\" id=\"file\" name=\"file\" \
             accept=\"video/*,image/jpeg,image/png,image/webp,.jsonl\" required></label>\
             <button type=\"submit\" id=\"send\">Analyse</button></form>\
             <section id=\"progress\" class=\"card\" hidden>\
             <p><span id=\"stage\">Sending…</span></p>\
             <label>Upload <progress id=\"up\" max=\"1\" value=\"0\"></progress></label>\
             <label>Analysis <progress id=\"an\" max=\"1\" value=\"0\"></progress></label>\
             <p class=\"small\" id=\"detail\"></p></section>\
             <p id=\"upload-error\" class=\"error\" role=\"alert\" hidden></p>\
             <div id=\"report\"></div>\
             <script src=\"/assets/upload.js\"></script>",
            limit = state.settings().max_upload_bytes
        ),
    };
    Html(page("Upload", "/upload", user.as_ref(), &body))
}

fn fmt_opt(v: Option<f64>, digits: usize, unit: &str) -> String {
    v.map_or_else(|| "–".into(), |v| format!("{v:.digits$}{unit}"))
}

fn date(t: time::OffsetDateTime) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    t.format(&fmt).unwrap_or_default()
}

async fn history_page(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
) -> Result<Html<String>, PageError> {
    let Some(u) = user else {
        let body = format!(
            "<h1>Your history</h1>{}",
            sign_in_first("see your history", "/history")
        );
        return Ok(Html(page("History", "/history", None, &body)));
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
    let mut body = String::from("<h1>Your history</h1>");
    if list.total == 0 {
        body.push_str(
            "<div class=\"card notice\"><p>No sessions yet. <a href=\"/upload\">Upload a video \
             or photo</a> of your practice, or <a href=\"/live\">practise live</a>.</p></div>",
        );
        return Ok(Html(page("History", "/history", Some(&u), &body)));
    }
    body.push_str(&format!(
        "<p class=\"lead\">{} session{} over {} week{}.</p>",
        list.total,
        if list.total == 1 { "" } else { "s" },
        progress.weeks.len(),
        if progress.weeks.len() == 1 { "" } else { "s" }
    ));
    body.push_str("<section class=\"charts\">");
    body.push_str(&charts::fold_chart(&progress));
    body.push_str(&charts::hold_chart(&progress));
    body.push_str(&charts::asymmetry_chart(&progress));
    body.push_str(&charts::mistakes_chart(&progress));
    body.push_str("</section>");
    body.push_str(
        "<h2>Sessions</h2><div class=\"scroll\"><table class=\"sessions\" data-testid=\"sessions\">\
         <thead><tr><th>When</th><th>What</th><th>Left fold</th><th>Right fold</th>\
         <th>Hold L / R</th><th>Asymmetry</th><th>Findings</th></tr></thead><tbody>",
    );
    for s in &list.items {
        let side = |sd: janu_store::Side| s.sides.iter().find(|x| x.side == sd);
        let (l, r) = (side(janu_store::Side::Left), side(janu_store::Side::Right));
        body.push_str(&format!(
            "<tr><td><a href=\"/sessions/{id}\">{when}</a></td><td class=\"what\">{src}{name}</td>\
             <td>{lf}</td><td>{rf}</td><td>{lh} / {rh}</td><td>{asym}</td><td>{n}</td></tr>",
            id = s.id,
            when = date(s.started_at),
            src = s.source.as_str(),
            name = s
                .media_name
                .as_deref()
                .map(|n| format!(": {}", escape(n)))
                .unwrap_or_default(),
            lf = fmt_opt(l.and_then(|x| x.fold_angle_deg), 0, "°"),
            rf = fmt_opt(r.and_then(|x| x.fold_angle_deg), 0, "°"),
            lh = fmt_opt(l.map(|x| x.hold_s), 0, " s"),
            rh = fmt_opt(r.map(|x| x.hold_s), 0, " s"),
            asym = fmt_opt(s.asymmetry_index, 2, ""),
            n = s.finding_count,
        ));
    }
    body.push_str("</tbody></table></div>");
    Ok(Html(page("History", "/history", Some(&u), &body)))
}

async fn session_page(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let Some(u) = user else {
        let body = format!(
            "<h1>Session</h1>{}",
            sign_in_first("see your sessions", "/history")
        );
        return Ok(Html(page("Session", "/history", None, &body)));
    };
    let s = api::readable_session(&state, &u, &id)
        .await
        .map_err(|e| PageError(e, Some(u.clone())))?;
    let back = if s.data.user == u.id {
        "<a href=\"/history\">← History</a>".to_owned()
    } else {
        "<a href=\"/students\">← Your students</a>".to_owned()
    };
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
    let body = format!(
        "<p>{back}</p>{}",
        crate::report_view::session_html(media.as_ref(), &s, &title)
    );
    Ok(Html(page("Session", "/history", Some(&u), &body)))
}

// ---------------------------------------------------------------------------
// The pose.

async fn pose_index(MaybeUser(user): MaybeUser) -> Html<String> {
    let k = knowledge();
    let topics: String = Topic::ALL
        .iter()
        .map(|t| {
            format!(
                "<a class=\"card topic\" href=\"/pose/{0}\"><h2>{1}</h2></a>",
                t.as_str(),
                escape(&knowledge::topic_title(*t))
            )
        })
        .collect();
    let overview: String = k
        .overview
        .iter()
        .map(|f| {
            format!(
                "<li>{} {}</li>",
                escape(&f.text),
                knowledge::sources(&f.sources)
            )
        })
        .collect();
    let body = format!(
        "<h1>Janusirsasana</h1><p class=\"lead\">What the two references say about the seated \
         head-to-knee forward bend, in Janu's words. Tags: <span class=\"src\">A</span> the \
         encyclopedic text, <span class=\"src\">B</span> the practice guide, \
         <span class=\"src\">J</span> Janu's own synthesis.</p><ul>{overview}</ul>\
         <nav class=\"topics\">{topics}</nav>"
    );
    Html(page("The pose", "/pose", user.as_ref(), &body))
}

async fn pose_page(
    MaybeUser(user): MaybeUser,
    Path(topic): Path<String>,
) -> Result<Html<String>, PageError> {
    let t: Topic = topic.parse().map_err(|e: janu_pose::PoseError| {
        PageError(ServerError::NotFound(e.to_string()), user.clone())
    })?;
    let links: String = Topic::ALL
        .iter()
        .map(|x| {
            let cur = if *x == t {
                " aria-current=\"page\""
            } else {
                ""
            };
            format!(
                "<a href=\"/pose/{}\"{cur}>{}</a>",
                x.as_str(),
                escape(&knowledge::topic_title(*x))
            )
        })
        .collect();
    let body = format!(
        "<p><a href=\"/pose\">← The pose</a></p><h1>{}</h1><nav class=\"subnav\">{links}</nav>{}",
        escape(&knowledge::topic_title(t)),
        knowledge::topic_html(t)
    );
    Ok(Html(page(
        &knowledge::topic_title(t),
        "/pose",
        user.as_ref(),
        &body,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_notes_link_back() {
        assert!(sign_in_first("x", "/history").contains("/login?next=%2Fhistory"));
    }
}
