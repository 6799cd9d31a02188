/* msg.c - diagnostics, after Postfix util/msg.c and OpenSMTPD log.c. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include "buf.h"
#include "msg.h"

static struct {
	const char *progname;
	const char *role;
	FILE *logfile;
	bool stderr_is_log;	/* stderr goes to the log file already */
	bool quiet;
	bool trace;
	int verbose;
	int fatal_status;
} msg = { "poczta", "", NULL, false, false, false, 0, EX_TEMPFAIL };

void msg_init(const char *progname, const char *role)
{
	msg.progname = progname;
	msg.role = role;
}

void msg_set_logfile(const char *path)
{
	if (msg.logfile)
		fclose(msg.logfile);
	msg.logfile = path ? fopen(path, "ae") : NULL;
	msg.stderr_is_log = false;
	if (msg.logfile) {
		struct stat a, b;

		setvbuf(msg.logfile, NULL, _IOLBF, 0);
		/* An agent poczta-ctl started has its stderr on the log file
		 * too: write each line once, with its time stamp. */
		if (fstat(fileno(msg.logfile), &a) == 0 && fstat(STDERR_FILENO, &b) == 0)
			msg.stderr_is_log = a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	}
}

void msg_set_quiet(bool quiet) { msg.quiet = quiet; }
void msg_set_verbose(int level) { msg.verbose = level; }
int msg_verbose(void) { return msg.verbose; }
void msg_set_fatal_status(int status) { msg.fatal_status = status; }
void msg_set_trace(bool on) { msg.trace = on; }
bool msg_tracing(void) { return msg.trace; }
const char *msg_role(void) { return msg.role; }

/* msg_emit - write one line to stderr (unless quiet and only info) and the log */
static void msg_emit(const char *level, bool to_stderr, const char *fmt, va_list ap,
		     const char *suffix)
{
	struct buf line = BUF_INIT;
	va_list ap2;

	buf_printf(&line, "%s[%ld]: %s%s%s: ", msg.progname, (long)getpid(),
		   msg.role, *msg.role ? " " : "", level);
	va_copy(ap2, ap);
	buf_vprintf(&line, fmt, ap2);
	va_end(ap2);
	if (suffix)
		buf_printf(&line, ": %s", suffix);
	buf_putc(&line, '\n');
	if (to_stderr && !msg.stderr_is_log)
		fputs(buf_cstr(&line), stderr);
	if (msg.logfile) {
		char stamp[32];
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ ", &tm);
		fputs(stamp, msg.logfile);
		fputs(buf_cstr(&line), msg.logfile);
	}
	buf_free(&line);
}

void msg_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	msg_emit("info", !msg.quiet, fmt, ap, NULL);
	va_end(ap);
}

void msg_debug(const char *fmt, ...)
{
	va_list ap;
	if (msg.verbose < 1)
		return;
	va_start(ap, fmt);
	msg_emit("debug", true, fmt, ap, NULL);
	va_end(ap);
}

void msg_warn(const char *fmt, ...)
{
	va_list ap;
	const char *err = strerror(errno);
	va_start(ap, fmt);
	msg_emit("warn", true, fmt, ap, err);
	va_end(ap);
}

void msg_warnx(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	msg_emit("warn", true, fmt, ap, NULL);
	va_end(ap);
}

void msg_fatal(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	msg_emit("fatal", true, fmt, ap, NULL);
	va_end(ap);
	exit(msg.fatal_status);
}

void msg_panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	msg_emit("panic", true, fmt, ap, NULL);
	va_end(ap);
	abort();
}

void msg_trace(const char *dir, const char *line, size_t len)
{
	struct buf out = BUF_INIT;
	size_t i;

	if (!msg.trace)
		return;
	if (len >= 2 && line[len - 2] == '\r' && line[len - 1] == '\n')
		len -= 2;
	else if (len >= 1 && line[len - 1] == '\n')
		len -= 1;
	buf_printf(&out, "%s %s: ", msg.role, dir);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];
		if (c == '\r')
			buf_puts(&out, "\\r");
		else if (c == '\n')
			buf_puts(&out, "\\n");
		else if (c < 0x20 || c == 0x7f)
			buf_printf(&out, "\\x%02x", c);
		else
			buf_putc(&out, c);
	}
	buf_putc(&out, '\n');
	/* on a terminal the dialogue alone, readable live; in the log file
	 * stamped and named like every other line (once: see stderr_is_log) */
	if (!msg.stderr_is_log)
		fputs(buf_cstr(&out), stderr);
	if (msg.logfile) {
		char stamp[32];
		time_t now = time(NULL);
		struct tm tm;

		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ ", &tm);
		fprintf(msg.logfile, "%s%s[%ld]: %s", stamp, msg.progname, (long)getpid(),
			buf_cstr(&out));
	}
	buf_free(&out);
}
