/* smtpd-transcript.c - feed a dialogue file to the SMTP/LMTP engine and print
 * what it answers, for tests/transcripts (after Postfix's smtpd_token.in/.ref).
 *
 *   smtpd-transcript [-m lmtp|smtp|submission] [-b | -c N] [-t] file.in
 *
 * Each line of file.in is sent followed by CR LF.  In a line, \r \n \t \0
 * \\ and \xHH stand for those bytes, a backslash before any other character
 * stands for that character (\# sends "#"), and \c at the end sends the line
 * without CR LF.  Lines starting with "#" are comments.  Lines starting with
 * "!" are directives:
 *   !limits line=N message=N rcpt=N errors=N auth=N   before anything is sent
 *   !starttls offer|require                    offer STARTTLS (RFC 3207)
 *   !auth [clear]                              set the auth hook (RFC 4954);
 *                                              clear: AUTH allowed without TLS
 *   !handshake                                 the TLS handshake succeeded
 *   !repeat N text                             text N times, then CR LF
 *   !timeout                                   the peer went idle
 *   !eof                                       the peer closed
 *   !bdat text                                 "BDAT n" CR LF and text's n bytes
 *   !bdatlast text                             "BDAT n LAST" CR LF and text
 * (text is unescaped as a line is; nothing is added after it).  The bytes
 * between directives go to smtpd_input in one call, or one byte (-b) or N
 * bytes (-c N) at a time: the output must not depend on that.  !bdat and
 * !bdatlast do not break the bytes: what follows them is in the same call.
 *
 * The hooks act as a delivery agent would, by the address's local part:
 * "unknown" 550 5.1.1, "defer" 451 4.3.0 at MAIL or RCPT; "full" 452 4.2.2
 * and "fail" 554 5.3.0 at the end of the data; sender "nostore" fails
 * data_start.  The auth hook accepts user "alice" with password "secret",
 * fails temporarily for user "tempfail" and permanently otherwise.  Hook
 * output is printed in "# " lines, interleaved with the replies in the
 * order things happened; the mail hook's line ends with "smtputf8" when
 * smtpd_smtputf8 says the transaction asked for it and "auth=<user>" after
 * a successful AUTH. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "buf.h"
#include "dsn.h"
#include "msg.h"
#include "smtpd.h"
#include "transcript.h"
#include "xalloc.h"

struct tr {
	enum smtpd_mode mode;
	size_t step;		/* bytes per smtpd_input call; 0: all at once */
	struct smtpd_limits lim;
	bool tls_offer, tls_require;
	bool auth, auth_clear;	/* !auth [clear] */
	struct smtpd *s;
	bool closed;
	struct buf out;		/* replies and "# " lines, in order */
	char sender[300];
	char rcpt[1000][300];
	size_t nrcpt;
	bool in_data;
	struct buf msg;		/* the message as data_chunk gave it */
};

/* tr_note - a "# " line among the replies */
static void tr_note(struct tr *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tr_note(struct tr *t, const char *fmt, ...)
{
	va_list ap;

	buf_puts(&t->out, "# ");
	va_start(ap, fmt);
	buf_vprintf(&t->out, fmt, ap);
	va_end(ap);
	buf_puts(&t->out, "\r\n");
}

/* tr_local - the local part of addr, into lp */
static const char *tr_local(const char *addr, char *lp, size_t n)
{
	snprintf(lp, n, "%.*s", (int)strcspn(addr, "@"), addr);
	return lp;
}

/* tr_verdict - what the simulated agent says about an address at MAIL/RCPT */
static void tr_verdict(const char *addr, struct dsn *out)
{
	char lp[300];

	tr_local(addr, lp, sizeof(lp));
	if (strcmp(lp, "unknown") == 0)
		dsn_set(out, DSN_PERMFAIL, "5.1.1", "<%s>: user unknown", addr);
	else if (strcmp(lp, "defer") == 0)
		dsn_set(out, DSN_TEMPFAIL, "4.3.0", "<%s>: try again later", addr);
	else if (strcmp(lp, "inject") == 0)
		dsn_set(out, DSN_OK, "2.1.5", "Ok\r\n250 2.0.0 injected");
	else if (strcmp(lp, "badstatus") == 0)
		dsn_set(out, DSN_OK, "5.1.1", "status and code disagree");
}

static void tr_helo(void *ctx, const char *name, struct dsn *out)
{
	if (strcmp(name, "reject.example") == 0)
		dsn_set(out, DSN_PERMFAIL, "5.7.1", "%s: helo rejected", name);
}

static void tr_mail(void *ctx, const char *sender, const char *params, struct dsn *out)
{
	struct tr *t = ctx;

	tr_note(t, "mail from=<%s> params=\"%s\"%s%s%s", sender, params,
		smtpd_smtputf8(t->s) ? " smtputf8" : "",
		smtpd_auth_user(t->s) ? " auth=" : "",
		smtpd_auth_user(t->s) ? smtpd_auth_user(t->s) : "");
	snprintf(t->sender, sizeof(t->sender), "%s", sender);
	tr_verdict(sender, out);
}

static void tr_rcpt(void *ctx, const char *rcpt, const char *params, struct dsn *out)
{
	struct tr *t = ctx;

	tr_note(t, "rcpt to=<%s> params=\"%s\"", rcpt, params);
	tr_verdict(rcpt, out);
	if (out->status == DSN_OK && t->nrcpt < sizeof(t->rcpt) / sizeof(t->rcpt[0]))
		snprintf(t->rcpt[t->nrcpt++], sizeof(t->rcpt[0]), "%s", rcpt);
}

static void tr_data_start(void *ctx, struct dsn *out)
{
	struct tr *t = ctx;
	char lp[300];

	if (strcmp(tr_local(t->sender, lp, sizeof(lp)), "nostore") == 0) {
		dsn_set(out, DSN_TEMPFAIL, "4.3.0", "cannot open storage");
		return;
	}
	t->in_data = true;
	buf_reset(&t->msg);
}

static void tr_data_chunk(void *ctx, const char *p, size_t n)
{
	struct tr *t = ctx;

	if (!t->in_data)
		tr_note(t, "BUG: data_chunk outside DATA");
	buf_append(&t->msg, p, n);
}

/* tr_show - the stored message: size, a checksum and its first lines */
static void tr_show(struct tr *t)
{
	uint32_t h = 2166136261u;	/* FNV-1a */
	size_t i, lines = 0;
	struct buf l = BUF_INIT;

	for (i = 0; i < t->msg.len; i++)
		h = (h ^ (unsigned char)t->msg.data[i]) * 16777619u;
	tr_note(t, "message for %zu recipients, %zu bytes, fnv1a %08x", t->nrcpt, t->msg.len, h);
	for (i = 0; i < t->msg.len && lines < 12; i++) {
		unsigned char c = (unsigned char)t->msg.data[i];
		if (c == '\n' || i + 1 == t->msg.len) {
			if (c != '\n')
				buf_putc(&l, c);
			tr_note(t, "| %s%s", buf_cstr(&l), c == '\n' ? "" : "\\c");
			buf_reset(&l);
			lines++;
		} else if (c < 0x20 || c >= 0x7f || c == '\\') {
			buf_printf(&l, "\\x%02x", c);
		} else {
			buf_putc(&l, c);
		}
	}
	buf_free(&l);
}

/* tr_final - the simulated agent's answer for one recipient at the end */
static void tr_final(const char *rcpt, struct dsn *out)
{
	char lp[300];

	tr_local(rcpt, lp, sizeof(lp));
	if (strcmp(lp, "full") == 0)
		dsn_set(out, DSN_TEMPFAIL, "4.2.2", "<%s>: mailbox full", rcpt);
	else if (strcmp(lp, "fail") == 0)
		dsn_set(out, DSN_PERMFAIL, "5.3.0", "<%s>: delivery failed", rcpt);
}

static void tr_data_end(void *ctx, const char *bad, struct dsn *out, size_t nrcpt)
{
	struct tr *t = ctx;
	size_t i;

	if (nrcpt != t->nrcpt)
		tr_note(t, "BUG: data_end for %zu recipients, %zu accepted", nrcpt, t->nrcpt);
	t->in_data = false;
	if (bad) {
		/* how much was handed on before the problem showed depends on
		 * how the input was split: not printed */
		tr_note(t, "message refused: %s", bad);
		return;
	}
	tr_show(t);
	for (i = 0; i < nrcpt && i < t->nrcpt; i++)
		tr_final(t->rcpt[i], t->mode == SMTPD_LMTP ? &out[i] : &out[0]);
}

static void tr_reset(void *ctx)
{
	struct tr *t = ctx;

	tr_note(t, "reset");
	t->sender[0] = '\0';
	t->nrcpt = 0;
	t->in_data = false;
	buf_reset(&t->msg);
}

/* tr_escape - s with control bytes, backslash and bytes over 0x7e as \xHH */
static const char *tr_escape(const char *s, struct buf *b)
{
	buf_reset(b);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c >= 0x7f || c == '\\')
			buf_printf(b, "\\x%02x", c);
		else
			buf_putc(b, c);
	}
	return buf_cstr(b);
}

/* tr_auth - the credentials the engine decoded; the password is printed
 * to show the decoding (a test has no secrets) */
static void tr_auth(void *ctx, const char *mech, const char *authzid, const char *user,
		    const char *pass, struct dsn *out)
{
	struct tr *t = ctx;
	struct buf a = BUF_INIT, u = BUF_INIT, p = BUF_INIT;

	tr_note(t, "auth mech=%s authzid=<%s> user=<%s> pass=<%s>", mech,
		tr_escape(authzid, &a), tr_escape(user, &u), tr_escape(pass, &p));
	if (strcmp(user, "tempfail") == 0)
		dsn_set(out, DSN_TEMPFAIL, "4.7.0", "user database unavailable");
	else if (strcmp(user, "alice") != 0 || strcmp(pass, "secret") != 0)
		dsn_set(out, DSN_PERMFAIL, "5.7.8", "wrong password for %s", user);
	buf_free(&a);
	buf_free(&u);
	buf_free(&p);
}

/* tr_session - the engine, made (and greeting) at the first need */
static struct smtpd *tr_session(struct tr *t)
{
	struct smtpd_hooks h = {
		.ctx = t, .helo = tr_helo, .mail = tr_mail, .rcpt = tr_rcpt,
		.data_start = tr_data_start, .data_chunk = tr_data_chunk,
		.data_end = tr_data_end, .reset = tr_reset,
		.auth = t->auth ? tr_auth : NULL,
	};

	if (!t->s) {
		t->s = smtpd_new(t->mode, "mx.test", &t->lim, &h);
		if (t->tls_offer)
			smtpd_offer_starttls(t->s, t->tls_require);
		smtpd_allow_auth_in_clear(t->s, t->auth_clear);
		smtpd_greeting(t->s, &t->out);
	}
	return t->s;
}

/* tr_feed - hand bytes to the engine, step bytes at a time */
static void tr_feed(struct tr *t, const char *p, size_t n)
{
	struct smtpd *s = tr_session(t);
	size_t k;

	while (n > 0 && !t->closed) {
		k = t->step && t->step < n ? t->step : n;
		if (!smtpd_input(s, p, k, &t->out)) {
			t->closed = true;
			tr_note(t, "closed");
		}
		p += k;
		n -= k;
	}
}

/* tr_limits - "!limits line=N message=N rcpt=N errors=N" */
static void tr_limits(struct tr *t, const char *arg)
{
	char key[16];
	unsigned long long v;
	int used;

	while (sscanf(arg, " %15[a-z]=%llu%n", key, &v, &used) == 2) {
		if (strcmp(key, "line") == 0)
			t->lim.max_line = v;
		else if (strcmp(key, "message") == 0)
			t->lim.max_message = v;
		else if (strcmp(key, "rcpt") == 0)
			t->lim.max_recipients = v;
		else if (strcmp(key, "errors") == 0)
			t->lim.max_errors = (int)v;
		else if (strcmp(key, "auth") == 0)
			t->lim.max_auth_failures = (int)v;
		arg += used;
	}
}

/* tr_directive - one "!" line; pending bytes were fed before */
static void tr_directive(struct tr *t, const char *l)
{
	struct buf b = BUF_INIT;

	if (strncmp(l, "!limits", 7) == 0)
		tr_limits(t, l + 7);
	else if (strncmp(l, "!starttls", 9) == 0) {
		t->tls_offer = true;
		t->tls_require = strstr(l, "require") != NULL;
	} else if (strncmp(l, "!auth", 5) == 0) {
		t->auth = true;
		t->auth_clear = strstr(l, "clear") != NULL;
	} else if (strcmp(l, "!handshake") == 0 && !t->closed) {
		tr_note(t, "tls handshake (pending=%d)", smtpd_starttls_pending(tr_session(t)));
		smtpd_tls_started(t->s);
	} else if (strcmp(l, "!timeout") == 0 && !t->closed) {
		smtpd_timeout(tr_session(t), &t->out);
		t->closed = true;
		tr_note(t, "closed");
	} else if (strcmp(l, "!eof") == 0 && !t->closed) {
		tr_note(t, "eof");
		smtpd_eof(tr_session(t));
		t->closed = true;
	} else if (tr_repeat(l, &b))
		tr_feed(t, b.data, b.len);
	buf_free(&b);
}

/* tr_bdat - "!bdat text" or "!bdatlast text": the command and its octets,
 * appended to the pending bytes; false for any other line */
static bool tr_bdat(const char *l, struct buf *pend)
{
	bool last = strncmp(l, "!bdatlast", 9) == 0;
	const char *text = l + (last ? 9 : 5);
	struct buf b = BUF_INIT;

	if (strncmp(l, "!bdat", 5) != 0)
		return false;
	if (*text == ' ')
		text++;
	tr_unescape(text, &b);
	buf_printf(pend, "BDAT %zu%s\r\n", b.len, last ? " LAST" : "");
	buf_append(pend, b.data ? b.data : "", b.len);
	buf_free(&b);
	return true;
}

static void tr_feed_ops(void *ctx, const char *d, size_t n)
{
	tr_feed(ctx, d, n);
}

static void tr_directive_ops(void *ctx, const char *line)
{
	tr_directive(ctx, line);
}

/* tr_run - read the dialogue file and play it */
static void tr_run(struct tr *t, FILE *f)
{
	struct tr_play_ops ops = { t, tr_feed_ops, tr_directive_ops, tr_bdat };

	tr_play(f, &ops);
	if (!t->closed) {
		tr_note(t, "eof");
		smtpd_eof(tr_session(t));
	}
	smtpd_free(t->s);
}

int main(int argc, char **argv)
{
	struct tr *t = xcalloc(1, sizeof(*t));
	FILE *f;
	int c;

	msg_init("smtpd-transcript", "TEST");
	t->mode = SMTPD_LMTP;
	while ((c = getopt(argc, argv, "m:bc:t")) != -1) {
		switch (c) {
		case 'm':
			t->mode = strcmp(optarg, "smtp") == 0 ? SMTPD_SMTP
				: strcmp(optarg, "submission") == 0 ? SMTPD_SUBMISSION : SMTPD_LMTP;
			break;
		case 'b': t->step = 1; break;
		case 'c': t->step = strtoul(optarg, NULL, 10); break;
		case 't': msg_set_trace(true); break;
		default:
			fprintf(stderr, "usage: smtpd-transcript [-m lmtp|smtp|submission] [-b|-c N] [-t] file.in\n");
			return 2;
		}
	}
	if (optind + 1 != argc || !(f = fopen(argv[optind], "r"))) {
		fprintf(stderr, "smtpd-transcript: cannot open %s\n", optind < argc ? argv[optind] : "(none)");
		return 2;
	}
	tr_run(t, f);
	fclose(f);
	tr_print(&t->out);
	buf_free(&t->out);
	buf_free(&t->msg);
	free(t);
	return 0;
}
