//! The few things that differ between the two backends: how a timestamp is bound
//! and read, and how a read gets one consistent snapshot. Everything else (the SQL
//! text, with `$1`-style placeholders that both drivers accept) is shared.

/// SQLite: timestamps are fixed-width UTC text, so text order is time order.
pub(crate) mod sqlite {
    use sqlx::Row;
    use sqlx::sqlite::{SqliteConnection, SqliteRow};
    use time::format_description::BorrowedFormatItem;
    use time::macros::format_description;
    use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

    use crate::StoreError;

    /// `2025-03-04T05:06:07.123456Z`: always 27 characters (the migration checks it).
    const FORMAT: &[BorrowedFormatItem<'static>] =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

    /// The value to bind for a (normalised, UTC) timestamp.
    pub(crate) fn ts(t: OffsetDateTime) -> String {
        t.to_offset(UtcOffset::UTC)
            .format(FORMAT)
            .unwrap_or_else(|_| String::from("invalid timestamp"))
    }

    /// Reads a timestamp column.
    pub(crate) fn get_ts(row: &SqliteRow, col: &str) -> Result<OffsetDateTime, StoreError> {
        let text: String = row.try_get(col)?;
        PrimitiveDateTime::parse(&text, FORMAT)
            .map(PrimitiveDateTime::assume_utc)
            .map_err(|e| StoreError::corrupt(format!("{col} = {text:?}: {e}")))
    }

    /// Reads a nullable timestamp column.
    pub(crate) fn get_opt_ts(
        row: &SqliteRow,
        col: &str,
    ) -> Result<Option<OffsetDateTime>, StoreError> {
        let text: Option<String> = row.try_get(col)?;
        text.map(|text| {
            PrimitiveDateTime::parse(&text, FORMAT)
                .map(PrimitiveDateTime::assume_utc)
                .map_err(|e| StoreError::corrupt(format!("{col} = {text:?}: {e}")))
        })
        .transpose()
    }

    /// A deferred SQLite transaction already reads one snapshot once it has read.
    #[allow(clippy::unused_async)]
    pub(crate) async fn snapshot(_conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
        Ok(())
    }
}

/// Postgres: timestamps are `TIMESTAMPTZ`.
pub(crate) mod postgres {
    use sqlx::Row;
    use sqlx::postgres::{PgConnection, PgRow};
    use time::{OffsetDateTime, UtcOffset};

    use crate::StoreError;

    /// The value to bind for a (normalised, UTC) timestamp.
    pub(crate) fn ts(t: OffsetDateTime) -> OffsetDateTime {
        t.to_offset(UtcOffset::UTC)
    }

    /// Reads a timestamp column, in UTC.
    pub(crate) fn get_ts(row: &PgRow, col: &str) -> Result<OffsetDateTime, StoreError> {
        let t: OffsetDateTime = row.try_get(col)?;
        Ok(t.to_offset(UtcOffset::UTC))
    }

    /// Reads a nullable timestamp column, in UTC.
    pub(crate) fn get_opt_ts(row: &PgRow, col: &str) -> Result<Option<OffsetDateTime>, StoreError> {
        let t: Option<OffsetDateTime> = row.try_get(col)?;
        Ok(t.map(|t| t.to_offset(UtcOffset::UTC)))
    }

    /// Makes the current transaction read one snapshot for all its statements
    /// (the default, READ COMMITTED, takes a new one per statement).
    pub(crate) async fn snapshot(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(conn)
            .await?;
        Ok(())
    }
}
