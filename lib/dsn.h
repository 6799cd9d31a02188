/* dsn.h - one delivery status type for every agent:
 * {ok | tempfail | permfail, an RFC 3463 enhanced code "x.y.z", text},
 * mapped from errno and to sysexits(3) and SMTP reply codes. */
#ifndef POCZTA_DSN_H
#define POCZTA_DSN_H

enum dsn_status { DSN_OK, DSN_TEMPFAIL, DSN_PERMFAIL };

struct dsn {
	enum dsn_status status;
	char code[16];		/* "2.0.0", "4.3.0", "5.1.1" */
	char text[512];
	int reply;		/* the SMTP reply code when the usual one (from
				 * code, dsn_smtp_code) is not right, e.g. 553
				 * for a sender refused; 0 for the usual.  The
				 * dsn_* setters reset it. */
};

/* dsn_set - fill in a status; code's class must agree with status */
void dsn_set(struct dsn *d, enum dsn_status status, const char *code,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* dsn_ok - a successful status with text */
void dsn_ok(struct dsn *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* dsn_from_errno - a failure caused by err: disk full, quota and I/O errors are
 * temporary (4.3.x), a missing mailbox 5.2.x/4.2.x as Postfix's mbox_dsn does;
 * the text is fmt followed by ": strerror(err)" */
void dsn_from_errno(struct dsn *d, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* dsn_sysexits - the exit status a command-line agent reports (sysexits.h) */
int dsn_sysexits(const struct dsn *d);
/* dsn_smtp_code - the SMTP/LMTP reply code: d->reply when set and of
 * d's class, else 250, 451/452, 550/552/554 */
int dsn_smtp_code(const struct dsn *d);
const char *dsn_status_name(enum dsn_status s);

#endif
