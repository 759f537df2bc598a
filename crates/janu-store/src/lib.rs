//! Practice history: SQLite by default, Postgres for a shared server.
