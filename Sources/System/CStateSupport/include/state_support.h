#pragma once

/// Tells SQLite not to checkpoint the write-ahead log when this connection, the last one, closes.
/// `db` is a `sqlite3 *`. Returns SQLITE_OK (0) or an SQLite error code. (sqlite3_db_config is variadic,
/// so Swift cannot call it directly.)
int gate_sqlite_keep_wal_on_close(void *db);
/// Undoes gate_sqlite_keep_wal_on_close: the last connection to close checkpoints the log and removes it.
/// SQLite does so only when it gets the file's exclusive lock at once (no other connection, in any
/// process, has the file open); it never waits for it.
int gate_sqlite_checkpoint_on_close(void *db);

/// sqlite3_libversion(), and the address of that function, for `gate --version --verbose`.
const char *gate_sqlite_version(void);
const void *gate_sqlite_code_address(void);
