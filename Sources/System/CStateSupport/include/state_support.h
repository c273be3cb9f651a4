#pragma once

/// Tells SQLite not to checkpoint the write-ahead log when this connection, the last one, closes.
/// `db` is a `sqlite3 *`. Returns SQLITE_OK (0) or an SQLite error code. (sqlite3_db_config is variadic,
/// so Swift cannot call it directly.)
int gate_sqlite_keep_wal_on_close(void *db);
/// Undoes gate_sqlite_keep_wal_on_close: the last connection to close checkpoints the log and removes it
/// (SQLite does so only when no other connection, in any process, has the file open).
int gate_sqlite_checkpoint_on_close(void *db);
