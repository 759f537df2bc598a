-- Accounts, SQLite flavour. Keep in step with ../postgres/.
-- Passwords are argon2 PHC strings; session and API tokens are stored as the
-- SHA-256 of the token (the token itself is shown once and never kept).
-- users.token_hash from the first migration is not used: API tokens have their
-- own table so a person can hold several and revoke each.

ALTER TABLE users ADD COLUMN password_hash TEXT
    CHECK (password_hash IS NULL OR length(password_hash) BETWEEN 1 AND 512);

-- A signed-in browser: the cookie's token hash, with its CSRF token.
CREATE TABLE logins (
    token_hash TEXT    PRIMARY KEY CHECK (length(token_hash) = 64),
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf       TEXT    NOT NULL CHECK (length(csrf) BETWEEN 16 AND 128),
    created_at TEXT    NOT NULL CHECK (length(created_at) = 27),
    expires_at TEXT    NOT NULL CHECK (length(expires_at) = 27)
);
CREATE INDEX logins_by_user ON logins (user_id);

-- A personal API token for programs (Authorization: Bearer ...).
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash   TEXT    NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    created_at   TEXT    NOT NULL CHECK (length(created_at) = 27),
    last_used_at TEXT    CHECK (length(last_used_at) = 27)
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);

-- A practitioner lets a teacher read their history.
CREATE TABLE shares (
    student_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    teacher_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT    NOT NULL CHECK (length(created_at) = 27),
    PRIMARY KEY (student_id, teacher_id),
    CHECK (student_id <> teacher_id)
);
CREATE INDEX shares_by_teacher ON shares (teacher_id);
