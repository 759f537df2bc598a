-- Janu practice history, SQLite flavour. Keep in step with ../postgres/.
-- Timestamps are UTC text of fixed width, 'YYYY-MM-DDTHH:MM:SS.ffffffZ', so that
-- text order is time order. Angles in degrees, times in seconds.

CREATE TABLE users (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    handle       TEXT    NOT NULL UNIQUE CHECK (length(handle) BETWEEN 1 AND 40),
    display_name TEXT    NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    -- Reserved for login: a hash of the user's token, never the token itself.
    token_hash   TEXT    UNIQUE,
    created_at   TEXT    NOT NULL CHECK (length(created_at) = 27)
);

CREATE TABLE sessions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    started_at      TEXT    NOT NULL CHECK (length(started_at) = 27),
    duration_s      REAL    NOT NULL CHECK (duration_s >= 0),
    source          TEXT    NOT NULL CHECK (source IN ('live', 'upload', 'file')),
    media_name      TEXT,
    -- The pose segments summary, a JSON array of {pose, extended_leg, start_s, end_s}.
    segments_json   TEXT    NOT NULL,
    asymmetry_index REAL    CHECK (asymmetry_index >= 0),
    tighter_side    TEXT    CHECK (tighter_side IN ('left', 'right')),
    -- The full analysis report, serialised JSON, kept for re-rendering.
    report_json     TEXT    NOT NULL
);
CREATE INDEX sessions_by_user_time ON sessions (user_id, started_at, id);

-- One row per side practised; the side names the extended leg.
CREATE TABLE session_sides (
    session_id      INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    side            TEXT    NOT NULL CHECK (side IN ('left', 'right')),
    fold_angle_deg  REAL,
    head_to_knee    REAL,
    knee_angle_deg  REAL,
    hip_opening_deg REAL,
    hold_s          REAL    NOT NULL CHECK (hold_s >= 0),
    breaths         INTEGER CHECK (breaths >= 0),
    breath_rate_bpm REAL    CHECK (breath_rate_bpm >= 0),
    PRIMARY KEY (session_id, side)
);

CREATE TABLE findings (
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    -- Position in the report's list of findings, so they read back in order.
    ordinal    INTEGER NOT NULL CHECK (ordinal >= 0),
    mistake_id TEXT    NOT NULL CHECK (length(mistake_id) BETWEEN 1 AND 64),
    side       TEXT    CHECK (side IN ('left', 'right')),
    severity   TEXT    NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
    start_s    REAL    NOT NULL CHECK (start_s >= 0),
    end_s      REAL    NOT NULL CHECK (end_s >= start_s),
    PRIMARY KEY (session_id, ordinal)
);
CREATE INDEX findings_by_mistake ON findings (mistake_id);
