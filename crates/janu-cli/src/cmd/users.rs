//! `janu users`: the accounts of a server, for whoever runs it.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use janu_server::Settings;
use janu_server::accounts::{self, Hasher};
use janu_store::{Page, Store};

/// The flags and the action of `janu users`; its help is [`Action`]'s.
pub type Args = super::StoreCommand<Action>;

/// Manage the accounts of `janu serve`: add people, list them, reset a
/// password, remove an account with everything it owns.
///
/// Give the same --data-dir / --database / --config as `janu serve` (or the same
/// JANU_* variables), so both use the same database. Passwords are stored as
/// argon2id hashes; a password is read from standard input with
/// --password-stdin, or made up and printed once when that flag is absent.
#[derive(Debug, clap::Subcommand)]
#[command(after_long_help = "\
Examples:
  janu users add ana --name \"Ana Silva\"          # prints a new password
  printf '%s' \"$PW\" | janu users add ben --password-stdin
  janu users list --json
  janu users reset-password ana
  janu users remove ana --yes")]
pub enum Action {
    /// Create an account.
    Add {
        /// 1 to 40 of a-z, 0-9, _ and - (upper case is lowered).
        handle: String,
        /// The name shown on pages (default: the handle).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from standard input (one line) instead of making one up.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the accounts.
    List {
        /// JSON for programs instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Set a new password; the person is signed out everywhere.
    ResetPassword {
        /// Whose password.
        handle: String,
        /// Read the password from standard input (one line) instead of making one up.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Delete an account and everything it owns (sessions, reports, key frames,
    /// tokens, shares).
    Remove {
        /// Whose account.
        handle: String,
        /// Do it: without this flag nothing is deleted.
        #[arg(long)]
        yes: bool,
    },
}

/// The new password and whether it was made up (then it is printed, since
/// nobody typed it): one line from standard input, or a random token.
fn password(from_stdin: bool) -> anyhow::Result<(String, bool)> {
    if from_stdin {
        if std::io::stdin().is_terminal() {
            eprintln!("janu: type the password and press Enter:");
        }
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        let pw = line.trim_end_matches(['\n', '\r']).to_owned();
        accounts::check_new_password(&pw)?;
        Ok((pw, false))
    } else {
        Ok((accounts::new_token()?, true))
    }
}

/// Run `janu users`.
pub fn run(args: Args) -> anyhow::Result<()> {
    args.run(act)
}

async fn act(action: Action, store: &Store, settings: &Settings) -> anyhow::Result<()> {
    let hasher = Hasher::default();
    match action {
        Action::Add {
            handle,
            name,
            password_stdin,
        } => {
            let (pw, made_up) = password(password_stdin)?;
            let user =
                accounts::add_user(store, &hasher, &handle, name.as_deref(), pw.clone()).await?;
            eprintln!("janu: added {} ({})", user.handle, user.display_name);
            if made_up {
                println!("{pw}");
                eprintln!("janu: that is their password; it is not shown again");
            }
        }
        Action::List { json } => {
            let users = all_users(store).await?;
            if json {
                let rows: Vec<_> = users.iter().map(janu_server::api::UserView::from).collect();
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else if users.is_empty() {
                eprintln!("janu: no accounts yet; add one with `janu users add HANDLE`");
            } else {
                println!("{:<40}  {:<30}  created", "handle", "name");
                for u in &users {
                    println!(
                        "{:<40}  {:<30}  {}",
                        u.handle,
                        u.display_name,
                        u.created_at.date()
                    );
                }
            }
        }
        Action::ResetPassword {
            handle,
            password_stdin,
        } => {
            let (pw, made_up) = password(password_stdin)?;
            let user = accounts::reset_password(store, &hasher, &handle, pw.clone()).await?;
            eprintln!(
                "janu: new password for {}; signed out everywhere",
                user.handle
            );
            if made_up {
                println!("{pw}");
            }
        }
        Action::Remove { handle, yes } => {
            let handle = janu_server::user::normalize_handle(&handle)?;
            let Some(user) = store.user_by_handle(&handle).await? else {
                bail!("no account with the handle {handle:?} (see `janu users list`)");
            };
            let sessions = accounts::session_ids(store, &user).await?.len();
            if !yes {
                bail!(
                    "this deletes {handle} and their {sessions} session(s) for good: run again \
                     with --yes"
                );
            }
            // Their uploads and key frames in a bucket go too (media_store,
            // JANU_MEDIA_STORE: the servers' setting).
            let media = janu_store::MediaBackend::open(
                settings.media_store.as_deref(),
                &settings.media_env,
            )?;
            accounts::remove_user(store, &media, &settings.data_dir, &user).await?;
            eprintln!("janu: removed {handle} and their {sessions} session(s)");
        }
    }
    Ok(())
}

async fn all_users(store: &Store) -> anyhow::Result<Vec<janu_store::User>> {
    let mut out = Vec::new();
    let mut page = Page::first(Page::MAX_LIMIT);
    loop {
        let batch = store.users(page).await?;
        let n = batch.len();
        out.extend(batch);
        if n < page.limit as usize {
            return Ok(out);
        }
        page = page.next();
    }
}
