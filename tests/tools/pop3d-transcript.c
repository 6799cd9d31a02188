/* pop3d-transcript.c - feed a dialogue file to the POP3 engine (lib/pop3d*.c)
 * and print what it answers, for tests/transcripts/pop3.
 *
 *   pop3d-transcript [-b | -c N] [-t] file.in
 *
 * Each line of file.in is sent followed by CR LF.  In a line, \r \n \t \0
 * \\ and \xHH stand for those bytes, a backslash before any other character
 * stands for that character, and \c at the end sends the line without
 * CR LF.  Lines starting with "#" are comments, with "!" directives:
 *   !limits line=N errors=N auth=N   before anything is sent
 *   !stls                            offer STLS (RFC 2595)
 *   !clear                           allow USER/PASS/AUTH without TLS
 *   !implicit                        TLS from the start (RFC 8314)
 *   !handshake                       the TLS handshake after STLS succeeded
 *   !repeat N text                   text N times, then CR LF
 *   !timeout                         the client went idle
 *   !eof                             the client closed
 * The bytes between directives go to pop3d_input in one call, or one byte
 * (-b) or N bytes (-c N) at a time: the output must not depend on that.
 *
 * The hooks play a maildrop.  Password "secret" is right for every user
 * but "tempfail" (the check fails for now); others are wrong.  The user
 * names the maildrop: "alice" has five messages (the fifth cannot be
 * read), "empty" none, "locked" is in use (open -1), "broken" cannot be
 * opened (-2), "baduidl" lists a bad UIDL and "updfail" cannot remove
 * messages at QUIT.  Hook calls are printed in "# " lines among the
 * replies, in the order things happened. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "buf.h"
#include "msg.h"
#include "pop3d.h"
#include "transcript.h"
#include "xalloc.h"

/* alice's maildrop: as RETR sends them, CR LF line ends */
static const char *const tr_texts[] = {
	"From: bob@example.org\r\nSubject: one\r\n\r\nHello Alice.\r\n",
	"Subject: dots\r\n\r\n.leading dot\r\n..two dots\r\n.\r\nend\r\n",
	"Subject: no line end\r\n\r\nlast line without CR LF",
	"Subject: long\r\nX-Note: five lines\r\n\r\nline 1\r\nline 2\r\n.line 3\r\nline 4\r\nline 5\r\n",
	"Subject: unreadable\r\n\r\nnever sent\r\n",
};
#define TR_NMSG	(sizeof(tr_texts) / sizeof(tr_texts[0]))

struct tr {
	size_t step;		/* bytes per pop3d_input call; 0: all at once */
	struct pop3d_limits lim;
	bool stls, clear, implicit;
	struct pop3d *p;
	bool closed;
	struct buf out;		/* replies and "# " lines, in order */
	char user[300];		/* the last user the auth hook accepted */
	struct pop3d_msg msgs[TR_NMSG];
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

/* tr_auth - the password is printed to show the decoding (a test has no
 * secrets) */
static int tr_auth(void *ctx, const char *user, const char *pass)
{
	struct tr *t = ctx;
	struct buf u = BUF_INIT, p = BUF_INIT;
	int rc = 0;

	tr_note(t, "auth user=<%s> pass=<%s>", tr_escape(user, &u), tr_escape(pass, &p));
	if (strcmp(user, "tempfail") == 0)
		rc = -2;
	else if (strcmp(pass, "secret") != 0)
		rc = -1;
	else
		snprintf(t->user, sizeof(t->user), "%s", user);
	buf_free(&u);
	buf_free(&p);
	return rc;
}

static int tr_open(void *ctx, const struct pop3d_msg **msgs, size_t *n)
{
	struct tr *t = ctx;
	size_t i;

	tr_note(t, "open %s (pop3d_user %s)", t->user, pop3d_user(t->p));
	if (strcmp(t->user, "locked") == 0)
		return -1;
	if (strcmp(t->user, "broken") == 0)
		return -2;
	for (i = 0; i < TR_NMSG; i++)
		t->msgs[i].size = strlen(tr_texts[i]);
	*msgs = t->msgs;
	*n = strcmp(t->user, "empty") == 0 ? 0 : TR_NMSG;
	if (strcmp(t->user, "baduidl") == 0)
		t->msgs[1].uidl = "has space";
	return 0;
}

/* tr_top - the header, the blank line and at most lines body lines */
static void tr_top(const char *m, long lines, struct buf *out)
{
	const char *body = strstr(m, "\r\n\r\n"), *p;

	body = body ? body + 4 : m + strlen(m);
	for (p = body; *p && lines > 0; lines--) {
		const char *lf = strchr(p, '\n');
		p = lf ? lf + 1 : p + strlen(p);
	}
	buf_append(out, m, (size_t)(p - m));
}

static int tr_read(void *ctx, size_t i, long lines, struct buf *out)
{
	struct tr *t = ctx;

	tr_note(t, "read %zu lines=%ld", i, lines);
	if (i >= TR_NMSG || i == 4)
		return -1;
	if (lines < 0)
		buf_puts(out, tr_texts[i]);
	else
		tr_top(tr_texts[i], lines, out);
	return 0;
}

static int tr_update(void *ctx, const size_t *del, size_t ndel)
{
	struct tr *t = ctx;
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < ndel; i++)
		buf_printf(&b, "%s%zu", i ? " " : "", del[i]);
	tr_note(t, "update del=%s", buf_cstr(&b));
	buf_free(&b);
	return strcmp(t->user, "updfail") == 0 ? -1 : 0;
}

static void tr_close(void *ctx)
{
	tr_note(ctx, "close");
}

/* tr_session - the engine, made (and greeting) at the first need */
static struct pop3d *tr_session(struct tr *t)
{
	struct pop3d_hooks h = {
		.ctx = t, .auth = tr_auth, .open = tr_open, .read = tr_read,
		.update = tr_update, .close = tr_close,
	};

	if (!t->p) {
		t->p = pop3d_new("pop.test", &t->lim, &h);
		if (t->stls)
			pop3d_offer_stls(t->p);
		pop3d_allow_auth_in_clear(t->p, t->clear);
		if (t->implicit)
			pop3d_tls_started(t->p);
		pop3d_greeting(t->p, &t->out);
	}
	return t->p;
}

/* tr_feed - hand bytes to the engine, step bytes at a time */
static void tr_feed(struct tr *t, const char *d, size_t n)
{
	struct pop3d *p = tr_session(t);
	size_t k;

	while (n > 0 && !t->closed) {
		k = t->step && t->step < n ? t->step : n;
		if (!pop3d_input(p, d, k, &t->out)) {
			t->closed = true;
			tr_note(t, "closed");
		}
		d += k;
		n -= k;
	}
}

/* tr_limits - "!limits line=N errors=N auth=N" */
static void tr_limits(struct tr *t, const char *arg)
{
	char key[16];
	unsigned long v;
	int used;

	while (sscanf(arg, " %15[a-z]=%lu%n", key, &v, &used) == 2) {
		if (strcmp(key, "line") == 0)
			t->lim.max_line = v;
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
	else if (strcmp(l, "!stls") == 0)
		t->stls = true;
	else if (strcmp(l, "!clear") == 0)
		t->clear = true;
	else if (strcmp(l, "!implicit") == 0)
		t->implicit = true;
	else if (strcmp(l, "!handshake") == 0 && !t->closed) {
		tr_note(t, "tls handshake (pending=%d)", pop3d_stls_pending(tr_session(t)));
		pop3d_tls_started(t->p);
	} else if (strcmp(l, "!timeout") == 0 && !t->closed) {
		pop3d_timeout(tr_session(t), &t->out);
		t->closed = true;
		tr_note(t, "closed");
	} else if (strcmp(l, "!eof") == 0 && !t->closed) {
		tr_note(t, "eof");
		pop3d_eof(tr_session(t));
		t->closed = true;
	} else if (tr_repeat(l, &b))
		tr_feed(t, b.data, b.len);
	buf_free(&b);
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
	struct tr_play_ops ops = { t, tr_feed_ops, tr_directive_ops, NULL };

	tr_play(f, &ops);
	if (!t->closed) {
		tr_note(t, "eof");
		pop3d_eof(tr_session(t));
	}
	pop3d_free(t->p);
}

int main(int argc, char **argv)
{
	static char uidls[TR_NMSG][16];
	struct tr *t = xcalloc(1, sizeof(*t));
	FILE *f;
	size_t i;
	int c;

	msg_init("pop3d-transcript", "TEST");
	for (i = 0; i < TR_NMSG; i++) {
		snprintf(uidls[i], sizeof(uidls[i]), "uid-%zu.test", 100 + i);
		t->msgs[i].uidl = uidls[i];
	}
	while ((c = getopt(argc, argv, "bc:t")) != -1) {
		switch (c) {
		case 'b': t->step = 1; break;
		case 'c': t->step = strtoul(optarg, NULL, 10); break;
		case 't': msg_set_trace(true); break;
		default:
			fprintf(stderr, "usage: pop3d-transcript [-b|-c N] [-t] file.in\n");
			return 2;
		}
	}
	if (optind + 1 != argc || !(f = fopen(argv[optind], "r"))) {
		fprintf(stderr, "pop3d-transcript: cannot open %s\n",
			optind < argc ? argv[optind] : "(none)");
		return 2;
	}
	tr_run(t, f);
	fclose(f);
	tr_print(&t->out);
	buf_free(&t->out);
	free(t);
	return 0;
}
