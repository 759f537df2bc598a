//! Small helpers for server-rendered HTML: escaping and the page layout every
//! page shares (header with navigation and the handle, main, footer).

use crate::user::{CSRF_FIELD, Signed};

pub use janu_report::html::escape;

/// The navigation: (path, label), in order.
pub const NAV: &[(&str, &str)] = &[
    ("/", "Home"),
    ("/screen", "Screen"),
    ("/plan", "Plan"),
    ("/live", "Live"),
    ("/upload", "Upload"),
    ("/history", "History"),
    ("/pose", "The pose"),
];

/// The hidden form field carrying `user`'s CSRF token: every form that
/// changes something includes it.
pub fn csrf_field(user: &Signed) -> String {
    format!(
        "<input type=\"hidden\" name=\"{CSRF_FIELD}\" value=\"{}\">",
        escape(user.csrf())
    )
}

/// A whole HTML page: `title`, the navigation with `active` (a path of `NAV`)
/// marked, who is signed in (or a sign-in link), and `body` (HTML) as the main
/// content. The CSRF token is in a `<meta name="csrf-token">` for the scripts.
pub fn page(title: &str, active: &str, user: Option<&Signed>, body: &str) -> String {
    let nav: String = NAV
        .iter()
        .map(|(href, label)| {
            let current = if *href == active {
                " aria-current=\"page\""
            } else {
                ""
            };
            format!("<a href=\"{href}\"{current}>{label}</a>")
        })
        .collect();
    let who = match user {
        Some(u) => format!(
            "<form class=\"who\" method=\"post\" action=\"/logout\">{}\
             <span>Signed in as <strong data-testid=\"handle\">{}</strong></span> \
             <a href=\"/account\">account</a> <a href=\"/students\">students</a> \
             <button type=\"submit\" class=\"link\">sign out</button></form>",
            csrf_field(u),
            escape(&u.handle)
        ),
        None => format!(
            "<p class=\"who\"><a class=\"button\" href=\"/login?next={}\">Sign in</a></p>",
            escape(&form_urlencoded::byte_serialize(active.as_bytes()).collect::<String>())
        ),
    };
    let csrf = user
        .map(|u| {
            format!(
                "<meta name=\"csrf-token\" content=\"{}\">",
                escape(u.csrf())
            )
        })
        .unwrap_or_default();
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Janu</title>{csrf}\
         <link rel=\"stylesheet\" href=\"/assets/style.css\">\
         <link rel=\"icon\" href=\"/assets/icon.svg\" type=\"image/svg+xml\">\
         <link rel=\"manifest\" href=\"/manifest.webmanifest\">\
         <meta name=\"theme-color\" content=\"#2b6cb0\"></head>\
         <body><header class=\"top\"><a class=\"brand\" href=\"/\">Janu</a>\
         <nav>{nav}</nav>{who}</header>\n<main>\n{body}\n</main>\
         <footer>Janu runs on this server only; nothing is sent elsewhere. \
         Guidance from two yoga texts, not medical advice. \
         <a href=\"/api/openapi.json\">API</a></footer>\
         <script src=\"/assets/app.js\"></script></body></html>\n",
        title = escape(title),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
