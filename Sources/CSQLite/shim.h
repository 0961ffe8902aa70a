#include <sqlite3.h>

/// Wrapper around sqlite3_db_config(SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1), a variadic function
/// Swift cannot call: closing the connection then neither checkpoints the WAL nor takes the
/// exclusive lock that makes a reader opening the file at that moment fail with SQLITE_BUSY.
static inline int driftline_sqlite3_no_checkpoint_on_close(sqlite3 *db) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)0);
}
