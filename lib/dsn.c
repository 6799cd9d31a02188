/* dsn.c - delivery status, after Postfix mbox_dsn and OpenSMTPD esc.c. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include "dsn.h"

void dsn_set(struct dsn *d, enum dsn_status status, const char *code, const char *fmt, ...)
{
	va_list ap;

	d->status = status;
	d->reply = 0;
	snprintf(d->code, sizeof(d->code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(d->text, sizeof(d->text), fmt, ap);
	va_end(ap);
}

void dsn_ok(struct dsn *d, const char *fmt, ...)
{
	va_list ap;

	d->status = DSN_OK;
	d->reply = 0;
	snprintf(d->code, sizeof(d->code), "2.0.0");
	va_start(ap, fmt);
	vsnprintf(d->text, sizeof(d->text), fmt, ap);
	va_end(ap);
}

void dsn_from_errno(struct dsn *d, int err, const char *fmt, ...)
{
	va_list ap;
	size_t n;
	const char *code;
	enum dsn_status st = DSN_TEMPFAIL;

	switch (err) {
	case ENOSPC:
		code = "4.3.1";		/* RFC 3463: mail system full */
		break;
	case EDQUOT:
		code = "4.2.2";		/* mailbox full */
		break;
	case ENOENT:
	case ENOTDIR:
		code = "4.2.0";		/* mailbox status: may be created later */
		break;
	case EACCES:
	case EPERM:
	case EROFS:
		code = "4.2.0";
		break;
	case EFBIG:
		st = DSN_PERMFAIL;
		code = "5.3.4";		/* message too big for system */
		break;
	default:
		code = "4.3.0";		/* other mail system problem */
		break;
	}
	d->status = st;
	d->reply = 0;
	snprintf(d->code, sizeof(d->code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(d->text, sizeof(d->text), fmt, ap);
	va_end(ap);
	n = strlen(d->text);
	snprintf(d->text + n, sizeof(d->text) - n, ": %s", strerror(err));
}

int dsn_sysexits(const struct dsn *d)
{
	switch (d->status) {
	case DSN_OK:
		return EX_OK;
	case DSN_TEMPFAIL:
		return EX_TEMPFAIL;
	case DSN_PERMFAIL:
		if (strncmp(d->code, "5.1.", 4) == 0)
			return EX_NOUSER;
		if (strncmp(d->code, "5.6.", 4) == 0)
			return EX_DATAERR;
		if (strcmp(d->code, "5.3.4") == 0)
			return EX_DATAERR;
		return EX_UNAVAILABLE;
	}
	return EX_SOFTWARE;
}

int dsn_smtp_code(const struct dsn *d)
{
	if (d->reply >= 200 && d->reply < 600 && d->code[0] == '0' + d->reply / 100)
		return d->reply;
	switch (d->status) {
	case DSN_OK:
		return 250;
	case DSN_TEMPFAIL:
		return strncmp(d->code, "4.3.1", 5) == 0 || strncmp(d->code, "4.2.2", 5) == 0 ? 452 : 451;
	case DSN_PERMFAIL:
		if (strncmp(d->code, "5.1.", 4) == 0)
			return 550;
		if (strncmp(d->code, "5.3.4", 5) == 0 || strncmp(d->code, "5.2.2", 5) == 0)
			return 552;
		return 554;
	}
	return 451;
}

const char *dsn_status_name(enum dsn_status s)
{
	return s == DSN_OK ? "ok" : s == DSN_TEMPFAIL ? "tempfail" : "permfail";
}
