#include "state_support.h"

#include <sqlite3.h>

int gate_sqlite_keep_wal_on_close(void *db) {
    return sqlite3_db_config((sqlite3 *)db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)0);
}

int gate_sqlite_checkpoint_on_close(void *db) {
    return sqlite3_db_config((sqlite3 *)db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, (int *)0);
}

const char *gate_sqlite_version(void) { return sqlite3_libversion(); }

const void *gate_sqlite_code_address(void) { return (const void *)&sqlite3_libversion; }
