/* imapd-transcript.c - feed a dialogue file to the IMAP engine and print
 * what it answers, for tests/transcripts/imap (as smtpd-transcript does
 * for SMTP).
 *
 *   imapd-transcript [-b | -c N] [-t] -d MAILDIR file.in
 *
 * Each line of file.in is sent followed by CR LF.  In a line, \r \n \t \0
 * \\ and \xHH stand for those bytes, and \c at the end sends the line
 * without CR LF.  Lines starting with "#" are comments, lines starting
 * with "!" directives:
 *   !limits line=N literal=N depth=N errors=N auth=N   before anything is sent
 *   !starttls             offer STARTTLS
 *   !clear                allow LOGIN and AUTHENTICATE without TLS
 *   !handshake            the TLS handshake succeeded
 *   !repeat N text        text N times, then CR LF
 *   !deliver FOLDER NAME  a message (Subject: NAME) appears in FOLDER/new
 *   !flags FOLDER NAME L  another program renames NAME's file to flags L
 *   !remove FOLDER NAME   another program deletes NAME's file
 *   !tick                 a second passed (IDLE rescans)
 *   !uidvalidity N        INBOX's UID list starts with UIDVALIDITY N
 *   !rewrite FOLDER NAME S  NAME's bytes replaced, with Subject: S (what
 *                         no program does: shows what comes from a cache)
 * The bytes between directives go to imapd_input in one call, or one byte
 * (-b) or N bytes (-c N) at a time.  The auth hook accepts "alice" with
 * "secret" (Maildir: MAILDIR), says "cannot check" for "tempfail", and
 * refuses everyone else.  UIDVALIDITY numbers print as "V". */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "buf.h"
#include "fsutil.h"
#include "imapd.h"
#include "msg.h"
#include "xalloc.h"

struct tr {
	size_t step;
	struct imapd_limits lim;
	bool offer_tls, clear;
	const char *maildir;
	struct imapd *e;
	bool closed;
	struct buf out, pending;
};

static int tr_auth(void *ctx, const char *user, const char *pass, char **root)
{
	struct tr *t = ctx;

	if (strcmp(user, "tempfail") == 0)
		return -2;
	if (strcmp(user, "alice") != 0 || strcmp(pass, "secret") != 0)
		return -1;
	*root = xstrdup(t->maildir);
	return 0;
}

/* tr_print - the engine's output with UIDVALIDITY values masked */
static void tr_print(struct buf *out)
{
	static const char *const keys[] = { "UIDVALIDITY ", "APPENDUID ", "COPYUID " };
	const char *p = buf_cstr(out);

	while (*p) {
		size_t k, hit = 0;
		for (k = 0; k < 3; k++)
			if (strncmp(p, keys[k], strlen(keys[k])) == 0)
				hit = strlen(keys[k]);
		if (hit) {
			fwrite(p, 1, hit, stdout);
			p += hit;
			while (*p >= '0' && *p <= '9')
				p++;
			putchar('V');
			continue;
		}
		if (*p != '\r')
			putchar(*p);
		p++;
	}
	buf_reset(out);
}

static void tr_flush(struct tr *t)
{
	size_t i = 0, n;

	if (t->e == NULL) {
		struct imapd_hooks h = { .ctx = t, .auth = tr_auth };
		t->e = imapd_new("imap.test", &t->lim, &h);
		if (t->offer_tls)
			imapd_offer_starttls(t->e);
		imapd_allow_auth_in_clear(t->e, t->clear);
		imapd_greeting(t->e, &t->out);
	}
	while (i < t->pending.len && !t->closed) {
		n = t->step ? t->step : t->pending.len;
		if (n > t->pending.len - i)
			n = t->pending.len - i;
		if (!imapd_input(t->e, t->pending.data + i, n, &t->out))
			t->closed = true;
		i += n;
	}
	buf_reset(&t->pending);
	tr_print(&t->out);
}

static void tr_unescape(const char *s, struct buf *b, bool *crlf)
{
	*crlf = true;
	for (; *s; s++) {
		if (*s != '\\' || s[1] == '\0') {
			buf_putc(b, *s);
			continue;
		}
		s++;
		switch (*s) {
		case 'r': buf_putc(b, '\r'); break;
		case 'n': buf_putc(b, '\n'); break;
		case 't': buf_putc(b, '\t'); break;
		case '0': buf_putc(b, '\0'); break;
		case 'c': if (s[1] == '\0') *crlf = false; break;
		case 'x': {
			unsigned v;
			if (sscanf(s + 1, "%2x", &v) == 1) {
				buf_putc(b, (int)v);
				s += 2;
			}
			break;
		}
		default: buf_putc(b, *s);
		}
	}
	if (*crlf)
		buf_puts(b, "\r\n");
}

/* tr_find - the file of message NAME in FOLDER (cur/ or new/); newly allocated */
static char *tr_find(struct tr *t, const char *folder, const char *name)
{
	static const char *const subs[] = { "cur", "new" };
	char *found = NULL;
	size_t i;

	for (i = 0; i < 2 && !found; i++) {
		char *dir = strcmp(folder, "INBOX") == 0 ? xasprintf("%s/%s", t->maildir, subs[i]) :
			    xasprintf("%s/.%s/%s", t->maildir, folder, subs[i]);
		DIR *d = opendir(dir);
		struct dirent *de;
		while (d && (de = readdir(d)) != NULL)
			if (strncmp(de->d_name, name, strlen(name)) == 0 &&
			    (de->d_name[strlen(name)] == ':' || de->d_name[strlen(name)] == '\0'))
				found = xasprintf("%s/%s", dir, de->d_name);
		if (d)
			closedir(d);
		free(dir);
	}
	return found;
}

static void tr_directive(struct tr *t, char *line)
{
	char folder[256], name[256], letters[16];
	int count;
	char text[1024];

	if (strncmp(line, "!limits", 7) == 0) {
		char *p = line + 7, *save = NULL, *w;
		for (w = strtok_r(p, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
			unsigned long long v = strtoull(strchr(w, '=') ? strchr(w, '=') + 1 : "0", NULL, 10);
			if (strncmp(w, "line=", 5) == 0) t->lim.max_line = v;
			if (strncmp(w, "literal=", 8) == 0) t->lim.max_literal = v;
			if (strncmp(w, "depth=", 6) == 0) t->lim.max_depth = (int)v;
			if (strncmp(w, "errors=", 7) == 0) t->lim.max_errors = (int)v;
			if (strncmp(w, "auth=", 5) == 0) t->lim.max_auth_failures = (int)v;
		}
	} else if (strcmp(line, "!starttls") == 0) {
		t->offer_tls = true;
	} else if (strcmp(line, "!clear") == 0) {
		t->clear = true;
	} else if (strcmp(line, "!handshake") == 0) {
		tr_flush(t);
		imapd_tls_started(t->e);
	} else if (strcmp(line, "!tick") == 0) {
		tr_flush(t);
		imapd_tick(t->e, &t->out);
		tr_print(&t->out);
	} else if (sscanf(line, "!repeat %d %1023[^\n]", &count, text) == 2) {
		bool crlf;
		while (count-- > 0)
			tr_unescape(text, &t->pending, &crlf), t->pending.len -= 2;
		buf_puts(&t->pending, "\r\n");
	} else if (sscanf(line, "!deliver %255s %255s", folder, name) == 2) {
		char *p = strcmp(folder, "INBOX") == 0 ? xasprintf("%s/new/%s", t->maildir, name) :
			  xasprintf("%s/.%s/new/%s", t->maildir, folder, name);
		char *msg = xasprintf("From: a@example.org\nSubject: %s\n\nbody of %s\n", name, name);
		tr_flush(t);
		atomic_write_file(p, msg, strlen(msg), 0600);
		free(p);
		free(msg);
	} else if (sscanf(line, "!flags %255s %255s %15s", folder, name, letters) == 3) {
		char *from, *to;
		tr_flush(t);
		if ((from = tr_find(t, folder, name)) != NULL) {
			to = xstrdup(from);
			*strrchr(to, '/') = '\0';
			char *dst = xasprintf("%.*s/cur/%s:2,%s", (int)(strrchr(to, '/') - to), to, name,
					      strcmp(letters, "-") == 0 ? "" : letters);
			rename(from, dst);
			free(dst);
			free(to);
			free(from);
		}
	} else if (sscanf(line, "!uidvalidity %d", &count) == 1) {
		char *p = xasprintf("%s/poczta-uidlist", t->maildir);
		char *list = xasprintf("P1 V%d N1 M1\n", count);
		atomic_write_file(p, list, strlen(list), 0600);
		free(p);
		free(list);
	} else if (sscanf(line, "!rewrite %255s %255s %15s", folder, name, letters) == 3) {
		char *p, *msg = xasprintf("From: a@example.org\nSubject: %s\n\nrewritten\n", letters);
		tr_flush(t);
		if ((p = tr_find(t, folder, name)) != NULL)
			atomic_write_file(p, msg, strlen(msg), 0600);
		free(p);
		free(msg);
	} else if (sscanf(line, "!remove %255s %255s", folder, name) == 2) {
		char *p;
		tr_flush(t);
		if ((p = tr_find(t, folder, name)) != NULL)
			unlink(p);
		free(p);
	} else {
		fprintf(stderr, "unknown directive: %s\n", line);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	struct tr t = { 0 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f;
	int ch;

	msg_init("imapd-transcript", "MAA");
	while ((ch = getopt(argc, argv, "bc:td:")) != -1) {
		switch (ch) {
		case 'b': t.step = 1; break;
		case 'c': t.step = strtoul(optarg, NULL, 10); break;
		case 't': msg_set_trace(true); break;
		case 'd': t.maildir = optarg; break;
		default: return 2;
		}
	}
	if (optind + 1 != argc || t.maildir == NULL || (f = fopen(argv[optind], "r")) == NULL) {
		fprintf(stderr, "usage: imapd-transcript [-b | -c N] [-t] -d MAILDIR file.in\n");
		return 2;
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		bool crlf;
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (line[0] == '#')
			continue;
		if (line[0] == '!') {
			tr_directive(&t, line);
			continue;
		}
		tr_unescape(line, &t.pending, &crlf);
	}
	tr_flush(&t);
	fclose(f);
	free(line);
	imapd_free(t.e);
	buf_free(&t.out);
	buf_free(&t.pending);
	return 0;
}
