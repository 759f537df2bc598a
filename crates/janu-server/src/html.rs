//! The page layout every server-rendered page shares (header with navigation
//! and the handle, main, footer) and the small pieces many pages use.
//!
//! Every page is a [`maud`] template: text spliced into one (`(name)`) is
//! escaped by the template, so no page escapes by hand. `PreEscaped` is only
//! for markup Janu itself made (a chart's SVG, a report's fragment), each use
//! with a comment saying so.

use axum::response::Html;
use maud::{DOCTYPE, Markup, html};

use crate::user::{CSRF_FIELD, Signed};

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
pub fn csrf_field(user: &Signed) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(user.csrf()); }
}

/// The sign-in page's address that comes back to `next` (a local path).
pub fn sign_in_href(next: &str) -> String {
    format!(
        "/login?next={}",
        form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
    )
}

/// A whole HTML page: `title`, the navigation with `active` (a path of `NAV`)
/// marked, who is signed in (or a sign-in link), and `body` as the main
/// content. The CSRF token is in a `<meta name="csrf-token">` for the scripts.
pub fn page(title: &str, active: &str, user: Option<&Signed>, body: &Markup) -> Html<String> {
    let markup = html! {
        (DOCTYPE) "\n"
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Janu" }
                @if let Some(u) = user {
                    meta name="csrf-token" content=(u.csrf());
                }
                link rel="stylesheet" href="/assets/style.css";
                link rel="icon" href="/assets/icon.svg" type="image/svg+xml";
                link rel="manifest" href="/manifest.webmanifest";
                meta name="theme-color" content="#2b6cb0";
            }
            body {
                header.top {
                    a.brand href="/" { "Janu" }
                    nav {
                        @for (href, label) in NAV {
                            a href=(href) aria-current=[(*href == active).then_some("page")] {
                                (label)
                            }
                        }
                    }
                    @match user {
                        Some(u) => form.who method="post" action="/logout" {
                            (csrf_field(u))
                            span { "Signed in as " strong data-testid="handle" { (u.handle) } }
                            " " a href="/account" { "account" }
                            " " a href="/students" { "students" }
                            " " button type="submit" class="link" { "sign out" }
                        },
                        None => p.who { a.button href=(sign_in_href(active)) { "Sign in" } },
                    }
                }
                "\n"
                main { "\n" (body) "\n" }
                footer {
                    "Janu runs on this server only; nothing is sent elsewhere. \
                     Guidance from two yoga texts, not medical advice. "
                    a href="/api/openapi.json" { "API" }
                }
                script src="/assets/app.js" {}
            }
        }
        "\n"
    };
    Html(markup.into_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_escapes_its_title() {
        let Html(text) = page("<b>&", "/", None, &html! { p { "hi" } });
        assert!(
            text.contains("<title>&lt;b&gt;&amp; · Janu</title>"),
            "{text}"
        );
        assert!(text.contains("<a href=\"/\" aria-current=\"page\">Home</a>"));
        assert!(text.contains("href=\"/login?next=%2F\""));
    }
}
