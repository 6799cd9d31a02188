/* msg.h - diagnostics: one line per event, labelled with the program's role.
 *
 * Lines look like
 *   poczta-mda[4711]: MDA warn: delivery to=alice status=tempfail dsn=4.3.0 ...
 * callers write the event as key=value pairs.  msg_fatal is for the
 * environment or the configuration (exit with the status msg_set_fatal_status
 * chose, EX_TEMPFAIL unless told), msg_panic for a bug (abort).
 * The trace mode prints a protocol dialogue as "MDA C: ..." / "MDA S: ...". */
#ifndef POCZTA_MSG_H
#define POCZTA_MSG_H
#include <stdbool.h>
#include <stddef.h>

/* msg_init - name the program ("poczta-mda") and its role ("MDA") */
void msg_init(const char *progname, const char *role);
/* msg_set_logfile - append diagnostics to path as well as stderr; NULL stops */
void msg_set_logfile(const char *path);
/* msg_set_quiet - print only warnings and worse on stderr */
void msg_set_quiet(bool quiet);
void msg_set_verbose(int level);
int msg_verbose(void);
void msg_set_fatal_status(int status);
void msg_set_trace(bool on);
bool msg_tracing(void);
const char *msg_role(void);

void msg_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* msg_warn - a warning ending with ": " and strerror(errno) */
void msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void msg_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void msg_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* msg_trace - print one protocol line when tracing; dir is "C" (from the
 * client) or "S" (from the server); control bytes are shown escaped, a
 * trailing CRLF is dropped. */
void msg_trace(const char *dir, const char *line, size_t len);

#endif
