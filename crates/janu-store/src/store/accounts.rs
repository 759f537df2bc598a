//! Accounts: password hashes, signed-in browsers ("logins"), personal API
//! tokens and shares with a teacher. The store keeps hashes only; making and
//! checking them is the server's job (argon2 for passwords, SHA-256 for the
//! random tokens, whose 256 bits need no slow hash).

use sqlx::Row;
use time::OffsetDateTime;

use super::{Store, USER_COLUMNS, is_unique_violation, user_write_error};
use crate::model::normalize_time;
use crate::{StoreError, User, UserId};

/// Length of a token hash: SHA-256 as lower-case hex.
pub const TOKEN_HASH_LEN: usize = 64;
/// Longest password hash kept: an argon2 PHC string is about 100 characters.
pub const PASSWORD_HASH_MAX_LEN: usize = 512;
/// Longest name of an API token (what it is for: "phone", "studio laptop").
pub const TOKEN_NAME_MAX_CHARS: usize = 100;

/// A signed-in browser, found by its cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    /// Who signed in.
    pub user: User,
    /// The token every form and every cookie-authenticated change must carry.
    pub csrf: String,
}

/// A personal API token as listed (the token itself is never stored).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApiToken {
    /// Row id, used to revoke it.
    pub id: i64,
    /// What its owner named it.
    pub name: String,
    /// When it was made.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When a request last used it, if ever.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
}

fn check_token_hash(hash: &str) -> Result<(), StoreError> {
    if hash.len() == TOKEN_HASH_LEN && hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(StoreError::invalid(
            "token_hash",
            format!("must be {TOKEN_HASH_LEN} hex digits (SHA-256)"),
        ))
    }
}

const PREFIXED_USER_COLUMNS: &str = "u.id, u.handle, u.display_name, u.created_at";

impl Store {
    // ------------------------------------------------------------ passwords

    /// Sets (or with `None` clears, so nobody can sign in as them) a user's
    /// password hash.
    ///
    /// # Errors
    /// [`StoreError::UnknownUser`]; [`StoreError::Invalid`] for an empty or
    /// over-long hash.
    pub async fn set_password_hash(
        &self,
        id: UserId,
        hash: Option<&str>,
    ) -> Result<(), StoreError> {
        if let Some(h) = hash
            && (h.is_empty() || h.len() > PASSWORD_HASH_MAX_LEN || h.chars().any(char::is_control))
        {
            return Err(StoreError::invalid(
                "password_hash",
                format!("must be 1 to {PASSWORD_HASH_MAX_LEN} printable characters"),
            ));
        }
        let n = with_backend!(self, |pool| {
            sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(hash)
                .bind(id.0)
                .execute(pool)
                .await?
                .rows_affected()
        });
        if n == 0 {
            return Err(StoreError::UnknownUser(id.0));
        }
        Ok(())
    }

    /// The user with this handle and their password hash (`None` when no
    /// password was ever set), if the user exists.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] for a malformed handle, [`StoreError::Database`].
    pub async fn user_with_password(
        &self,
        handle: &str,
    ) -> Result<Option<(User, Option<String>)>, StoreError> {
        crate::model::check_handle(handle)?;
        let sql = format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE handle = $1");
        with_backend!(self, |pool, be| {
            let Some(r) = sqlx::query(&sql).bind(handle).fetch_optional(pool).await? else {
                return Ok(None);
            };
            let user = user_row!(be, &r)?;
            Ok(Some((user, r.try_get("password_hash")?)))
        })
    }

    // --------------------------------------------------------------- logins

    /// Records a signed-in browser until `expires_at`.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] for a malformed hash or CSRF token,
    /// [`StoreError::UnknownUser`], [`StoreError::Database`].
    pub async fn create_login(
        &self,
        user: UserId,
        token_hash: &str,
        csrf: &str,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        check_token_hash(token_hash)?;
        if !(16..=128).contains(&csrf.len()) || !csrf.is_ascii() {
            return Err(StoreError::invalid(
                "csrf",
                "must be 16 to 128 ASCII characters",
            ));
        }
        let now = normalize_time(OffsetDateTime::now_utc());
        let expires_at = normalize_time(expires_at);
        let result = with_backend!(self, |pool, be| {
            sqlx::query(
                "INSERT INTO logins (token_hash, user_id, csrf, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(token_hash)
            .bind(user.0)
            .bind(csrf)
            .bind(be::ts(now))
            .bind(be::ts(expires_at))
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        });
        result.map(|_| ()).map_err(|e| user_write_error(e, user))
    }

    /// The signed-in browser with this cookie hash, unless it expired by `now`.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn login(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<Login>, StoreError> {
        if check_token_hash(token_hash).is_err() {
            return Ok(None);
        }
        let sql = format!(
            "SELECT {PREFIXED_USER_COLUMNS}, l.csrf FROM logins l JOIN users u ON u.id = l.user_id \
             WHERE l.token_hash = $1 AND l.expires_at > $2"
        );
        let now = normalize_time(now);
        with_backend!(self, |pool, be| {
            let Some(r) = sqlx::query(&sql)
                .bind(token_hash)
                .bind(be::ts(now))
                .fetch_optional(pool)
                .await?
            else {
                return Ok(None);
            };
            Ok(Some(Login {
                user: user_row!(be, &r)?,
                csrf: r.try_get("csrf")?,
            }))
        })
    }

    /// Forgets one signed-in browser (sign out). Returns whether it existed.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn delete_login(&self, token_hash: &str) -> Result<bool, StoreError> {
        let n = with_backend!(self, |pool| {
            sqlx::query("DELETE FROM logins WHERE token_hash = $1")
                .bind(token_hash)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(n > 0)
    }

    /// Signs a user out everywhere (after a password reset). Returns how many
    /// browsers were signed in.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn delete_logins_of(&self, user: UserId) -> Result<u64, StoreError> {
        Ok(with_backend!(self, |pool| {
            sqlx::query("DELETE FROM logins WHERE user_id = $1")
                .bind(user.0)
                .execute(pool)
                .await?
                .rows_affected()
        }))
    }

    /// Removes the logins that expired by `now`. Returns how many.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn delete_expired_logins(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        let now = normalize_time(now);
        Ok(with_backend!(self, |pool, be| {
            sqlx::query("DELETE FROM logins WHERE expires_at <= $1")
                .bind(be::ts(now))
                .execute(pool)
                .await?
                .rows_affected()
        }))
    }

    // ----------------------------------------------------------- API tokens

    /// Records a new API token for `user` under `name`.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] for a bad name or hash, [`StoreError::UnknownUser`],
    /// [`StoreError::TokenHashTaken`] (a token drawn twice: draw again).
    pub async fn create_api_token(
        &self,
        user: UserId,
        name: &str,
        token_hash: &str,
    ) -> Result<ApiToken, StoreError> {
        check_token_hash(token_hash)?;
        let name = name.trim();
        if name.is_empty()
            || name.chars().count() > TOKEN_NAME_MAX_CHARS
            || name.chars().any(char::is_control)
        {
            return Err(StoreError::invalid(
                "name",
                format!("1 to {TOKEN_NAME_MAX_CHARS} characters, no control characters"),
            ));
        }
        let created_at = normalize_time(OffsetDateTime::now_utc());
        let result: Result<i64, sqlx::Error> = with_backend!(self, |pool, be| {
            sqlx::query_scalar(
                "INSERT INTO api_tokens (user_id, name, token_hash, created_at) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(user.0)
            .bind(name)
            .bind(token_hash)
            .bind(be::ts(created_at))
            .fetch_one(pool)
            .await
        });
        match result {
            Ok(id) => Ok(ApiToken {
                id,
                name: name.to_owned(),
                created_at,
                last_used_at: None,
            }),
            Err(e) if is_unique_violation(&e) => Err(StoreError::TokenHashTaken),
            Err(e) => Err(user_write_error(e, user)),
        }
    }

    /// The user owning the API token with this hash, if any; records the use.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn user_by_api_token(&self, token_hash: &str) -> Result<Option<User>, StoreError> {
        if check_token_hash(token_hash).is_err() {
            return Ok(None);
        }
        let now = normalize_time(OffsetDateTime::now_utc());
        let sql = format!(
            "SELECT {PREFIXED_USER_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1"
        );
        with_backend!(self, |pool, be| {
            let Some(r) = sqlx::query(&sql)
                .bind(token_hash)
                .fetch_optional(pool)
                .await?
            else {
                return Ok(None);
            };
            let user = user_row!(be, &r)?;
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2")
                .bind(be::ts(now))
                .bind(token_hash)
                .execute(pool)
                .await?;
            Ok(Some(user))
        })
    }

    /// A user's API tokens, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn api_tokens(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError> {
        with_backend!(self, |pool, be| {
            let rows = sqlx::query(
                "SELECT id, name, created_at, last_used_at FROM api_tokens \
                 WHERE user_id = $1 ORDER BY id",
            )
            .bind(user.0)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(ApiToken {
                        id: r.try_get("id")?,
                        name: r.try_get("name")?,
                        created_at: be::get_ts(r, "created_at")?,
                        last_used_at: be::get_opt_ts(r, "last_used_at")?,
                    })
                })
                .collect()
        })
    }

    /// Revokes one of `user`'s API tokens. Returns whether it was theirs.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn revoke_api_token(&self, user: UserId, id: i64) -> Result<bool, StoreError> {
        let n = with_backend!(self, |pool| {
            sqlx::query("DELETE FROM api_tokens WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(user.0)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(n > 0)
    }

    // --------------------------------------------------------------- shares

    /// Lets `teacher` read `student`'s history (again: sharing twice is fine).
    ///
    /// # Errors
    /// [`StoreError::Invalid`] when both are the same person,
    /// [`StoreError::UnknownUser`], [`StoreError::Database`].
    pub async fn share(&self, student: UserId, teacher: UserId) -> Result<(), StoreError> {
        if student == teacher {
            return Err(StoreError::invalid(
                "teacher",
                "you always see your own history",
            ));
        }
        let now = normalize_time(OffsetDateTime::now_utc());
        let result = with_backend!(self, |pool, be| {
            sqlx::query(
                "INSERT INTO shares (student_id, teacher_id, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (student_id, teacher_id) DO NOTHING",
            )
            .bind(student.0)
            .bind(teacher.0)
            .bind(be::ts(now))
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        });
        result.map(|_| ()).map_err(|e| user_write_error(e, teacher))
    }

    /// Takes a share back. Returns whether there was one.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn unshare(&self, student: UserId, teacher: UserId) -> Result<bool, StoreError> {
        let n = with_backend!(self, |pool| {
            sqlx::query("DELETE FROM shares WHERE student_id = $1 AND teacher_id = $2")
                .bind(student.0)
                .bind(teacher.0)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(n > 0)
    }

    /// Whether `student` shares their history with `teacher`.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn shares_with(&self, student: UserId, teacher: UserId) -> Result<bool, StoreError> {
        let n: i64 = with_backend!(self, |pool| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM shares WHERE student_id = $1 AND teacher_id = $2",
            )
            .bind(student.0)
            .bind(teacher.0)
            .fetch_one(pool)
            .await?
        });
        Ok(n > 0)
    }

    /// The teachers `student` shares with, by handle.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn teachers_of(&self, student: UserId) -> Result<Vec<User>, StoreError> {
        self.shared_users(
            "JOIN shares s ON s.teacher_id = u.id WHERE s.student_id = $1",
            student,
        )
        .await
    }

    /// The students who share with `teacher`, by handle.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn students_of(&self, teacher: UserId) -> Result<Vec<User>, StoreError> {
        self.shared_users(
            "JOIN shares s ON s.student_id = u.id WHERE s.teacher_id = $1",
            teacher,
        )
        .await
    }

    async fn shared_users(&self, join: &str, id: UserId) -> Result<Vec<User>, StoreError> {
        let sql = format!("SELECT {PREFIXED_USER_COLUMNS} FROM users u {join} ORDER BY u.handle");
        with_backend!(self, |pool, be| {
            let rows = sqlx::query(&sql).bind(id.0).fetch_all(pool).await?;
            rows.iter().map(|r| user_row!(be, r)).collect()
        })
    }
}
