//! Small helpers for server-rendered HTML: escaping and the page layout every
//! page shares (header with navigation and the handle, main, footer).

use janu_store::User;

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

/// A whole HTML page: `title`, the navigation with `active` (a path of [`NAV`])
/// marked, the handle box for `user`, and `body` (HTML) as the main content.
pub fn page(title: &str, active: &str, user: Option<&User>, body: &str) -> String {
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
            "<form class=\"who\" method=\"post\" action=\"/signout\">\
             <span>Practising as <strong data-testid=\"handle\">{}</strong></span> \
             <button type=\"submit\" class=\"link\">sign out</button></form>",
            escape(&u.handle)
        ),
        None => format!(
            "<form class=\"who\" method=\"post\" action=\"/signin\">\
             <input type=\"hidden\" name=\"next\" value=\"{}\">\
             <label>Your handle <input name=\"handle\" required maxlength=\"{}\" \
             pattern=\"[A-Za-z0-9_\\-]+\" placeholder=\"e.g. ana\" autocomplete=\"username\"></label> \
             <button type=\"submit\">Start</button></form>",
            escape(active),
            janu_store::HANDLE_MAX_CHARS
        ),
    };
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Janu</title>\
         <link rel=\"stylesheet\" href=\"/assets/style.css\">\
         <link rel=\"icon\" href=\"/assets/icon.svg\" type=\"image/svg+xml\"></head>\
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
