#ifndef REFARCH_CLIBPQ_SHIM_H
#define REFARCH_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#include <poll.h>

/// PG_DIAG_* are char-literal macros that Swift cannot import.
static inline int refarch_pg_diag_sqlstate(void) { return PG_DIAG_SQLSTATE; }
static inline int refarch_pg_diag_message_primary(void) { return PG_DIAG_MESSAGE_PRIMARY; }
static inline int refarch_pg_diag_message_detail(void) { return PG_DIAG_MESSAGE_DETAIL; }
static inline int refarch_pg_diag_message_hint(void) { return PG_DIAG_MESSAGE_HINT; }

/// Waits until the connection's socket is readable (or `timeout_ms` passes). Returns poll(2)'s result.
static inline int refarch_pg_wait_readable(int fd, int timeout_ms) {
    struct pollfd p = { .fd = fd, .events = POLLIN, .revents = 0 };
    return poll(&p, 1, timeout_ms);
}

/// Drops libpq's notices instead of printing them to stderr (which would tear the console's screen);
/// errors reach us through results and PQerrorMessage anyway.
static void refarch_pg_ignore_notice(void *arg, const char *message) { (void)arg; (void)message; }
static inline void refarch_pg_silence_notices(PGconn *conn) { PQsetNoticeProcessor(conn, refarch_pg_ignore_notice, 0); }
#endif
