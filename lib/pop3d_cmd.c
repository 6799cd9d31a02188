/* pop3d_cmd.c - the POP3 commands: one table {verb, handler, states
 * allowed, arguments, flags} and a handler for each command of the
 * TRANSACTION state (RFC 1939 5, 7), CAPA (RFC 2449 5) and STLS (RFC 2595
 * 4).  USER, PASS and AUTH are in pop3d_auth.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "pop3d_int.h"
#include "sasl.h"
#include "xalloc.h"

/* Command flags. */
#define POP3D_C_REST	0x01	/* the rest of the line is one argument (PASS) */
#define POP3D_C_UTF8	0x02	/* arguments may hold UTF-8 (USER, PASS) */
#define POP3D_C_CRED	0x04	/* sends credentials: TLS first (RFC 2595 2.1) */

#define POP3D_AUTHZ_ONLY	POP3D_IN(POP3D_S_AUTHZ)
#define POP3D_TRANS_ONLY	POP3D_IN(POP3D_S_TRANS)

struct pop3d_cmd {
	const char *verb;
	void (*run)(struct pop3d *p, char **argv, int argc);
	unsigned states;	/* POP3D_IN() of the states it is allowed in */
	int min_args, max_args;
	unsigned flags;
	const char *syntax;	/* the -ERR text for bad arguments */
};

static void pop3d_cmd_stat(struct pop3d *p, char **argv, int argc);
static void pop3d_cmd_list(struct pop3d *p, char **argv, int argc);
static void pop3d_cmd_uidl(struct pop3d *p, char **argv, int argc);
static void pop3d_cmd_retr(struct pop3d *p, char **argv, int argc);
static void pop3d_cmd_top(struct pop3d *p, char **argv, int argc);
static void pop3d_cmd_dele(struct pop3d *p, char **argv, int argc);
static void pop3d_cmd_noop(struct pop3d *p, char **argv, int argc);
static void pop3d_cmd_rset(struct pop3d *p, char **argv, int argc);
static void pop3d_cmd_quit(struct pop3d *p, char **argv, int argc);
static void pop3d_cmd_capa(struct pop3d *p, char **argv, int argc);
static void pop3d_cmd_stls(struct pop3d *p, char **argv, int argc);

static const struct pop3d_cmd pop3d_cmds[] = {
	/* RFC 1939 4, 7 and RFC 5034 4: AUTHORIZATION */
	{ "USER", pop3d_auth_user, POP3D_AUTHZ_ONLY, 1, 1, POP3D_C_UTF8 | POP3D_C_CRED,
	  "Syntax: USER name" },
	{ "PASS", pop3d_auth_pass, POP3D_AUTHZ_ONLY, 1, 1,
	  POP3D_C_REST | POP3D_C_UTF8 | POP3D_C_CRED, "Syntax: PASS password" },
	{ "AUTH", pop3d_auth_cmd, POP3D_AUTHZ_ONLY, 0, 2, POP3D_C_CRED,
	  "Syntax: AUTH mechanism [initial-response]" },
	{ "STLS", pop3d_cmd_stls, POP3D_AUTHZ_ONLY, 0, 0, 0, "Syntax: STLS" },
	/* RFC 1939 5, 7: TRANSACTION */
	{ "STAT", pop3d_cmd_stat, POP3D_TRANS_ONLY, 0, 0, 0, "Syntax: STAT" },
	{ "LIST", pop3d_cmd_list, POP3D_TRANS_ONLY, 0, 1, 0, "Syntax: LIST [msg]" },
	{ "UIDL", pop3d_cmd_uidl, POP3D_TRANS_ONLY, 0, 1, 0, "Syntax: UIDL [msg]" },
	{ "RETR", pop3d_cmd_retr, POP3D_TRANS_ONLY, 1, 1, 0, "Syntax: RETR msg" },
	{ "TOP", pop3d_cmd_top, POP3D_TRANS_ONLY, 2, 2, 0, "Syntax: TOP msg n" },
	{ "DELE", pop3d_cmd_dele, POP3D_TRANS_ONLY, 1, 1, 0, "Syntax: DELE msg" },
	{ "NOOP", pop3d_cmd_noop, POP3D_TRANS_ONLY, 0, 0, 0, "Syntax: NOOP" },
	{ "RSET", pop3d_cmd_rset, POP3D_TRANS_ONLY, 0, 0, 0, "Syntax: RSET" },
	/* both states */
	{ "QUIT", pop3d_cmd_quit, POP3D_AUTHZ_ONLY | POP3D_TRANS_ONLY, 0, 0, 0, "Syntax: QUIT" },
	{ "CAPA", pop3d_cmd_capa, POP3D_AUTHZ_ONLY | POP3D_TRANS_ONLY, 0, 0, 0, "Syntax: CAPA" },
};

/* pop3d_cmd_find - the table row for verb, or NULL */
static const struct pop3d_cmd *pop3d_cmd_find(const char *verb)
{
	size_t i;

	for (i = 0; i < sizeof(pop3d_cmds) / sizeof(pop3d_cmds[0]); i++)
		if (strcasecmp(verb, pop3d_cmds[i].verb) == 0)
			return &pop3d_cmds[i];
	return NULL;
}

/* pop3d_cmd_bytes - the line's bytes are acceptable for c: printable
 * ASCII, and UTF-8 where c takes it */
static bool pop3d_cmd_bytes(const struct pop3d_cmd *c, const char *line, size_t len)
{
	bool eight = false;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char b = (unsigned char)line[i];
		if (b < 0x20 || b == 0x7f)
			return false;
		eight |= b >= 0x80;
	}
	return !eight || ((c->flags & POP3D_C_UTF8) && sasl_utf8_valid(line, len));
}

/* pop3d_cmd_split - split the arguments at spaces into argv; -1 if there
 * are more than POP3D_MAX_ARGS */
static int pop3d_cmd_split(char *args, char **argv)
{
	int argc = 0;

	for (;;) {
		while (*args == ' ')
			*args++ = '\0';
		if (!*args)
			return argc;
		if (argc == POP3D_MAX_ARGS)
			return -1;
		argv[argc++] = args;
		args += strcspn(args, " ");
	}
}

/* pop3d_cmd_refused - the reply for a command out of its state */
static void pop3d_cmd_refused(struct pop3d *p, const struct pop3d_cmd *c)
{
	if (p->state == POP3D_S_TRANS)
		pop3d_error(p, NULL, "Command not valid in TRANSACTION state");
	else if (c->states & POP3D_TRANS_ONLY)
		pop3d_error(p, NULL, "Command not valid in AUTHORIZATION state: log in first");
	else
		pop3d_error(p, NULL, "Command not valid now");
}

void pop3d_cmd_run(struct pop3d *p, char *line, size_t len)
{
	const struct pop3d_cmd *c;
	char *argv[POP3D_MAX_ARGS], *args, verb[5];
	size_t vlen;
	int argc;

	line[len] = '\0';
	if (memchr(line, '\0', len)) {
		pop3d_error(p, NULL, "NUL byte in command");
		return;
	}
	vlen = strcspn(line, " ");
	/* RFC 2449 3: a keyword is 3 or 4 characters */
	c = NULL;
	if (vlen >= 3 && vlen <= 4) {
		memcpy(verb, line, vlen);
		verb[vlen] = '\0';
		c = pop3d_cmd_find(verb);
	}
	if (!c) {
		pop3d_error(p, NULL, "Unknown command");
		return;
	}
	if (!pop3d_cmd_bytes(c, line, len)) {
		pop3d_error(p, NULL, "Bad character in command");
		return;
	}
	if (!(c->states & POP3D_IN(p->state))) {
		pop3d_cmd_refused(p, c);
		return;
	}
	if ((c->flags & POP3D_C_CRED) && !pop3d_auth_allowed(p)) {
		/* RFC 2595 2.1; the text as Dovecot's, which clients know */
		pop3d_error(p, "AUTH", "Plaintext authentication disallowed without TLS");
		return;
	}
	args = line + vlen;
	if (c->flags & POP3D_C_REST) {
		/* PASS: one space, then the password as it is (RFC 1939 7) */
		argc = args[0] == ' ' && args[1] ? 1 : 0;
		argv[0] = args + 1;
	} else {
		argc = pop3d_cmd_split(args, argv);
	}
	if (argc < c->min_args || argc > c->max_args) {
		pop3d_error(p, NULL, "%s", c->syntax);
		return;
	}
	c->run(p, argv, argc);
}

/* pop3d_number - a decimal number of 1 to digits digits without sign or
 * leading zero, or "0"; false if arg is not one */
static bool pop3d_number(const char *arg, size_t digits, unsigned long long *v)
{
	size_t n = strspn(arg, "0123456789");

	if (n == 0 || arg[n] || n > digits || (arg[0] == '0' && n > 1))
		return false;
	*v = strtoull(arg, NULL, 10);
	return true;
}

/* pop3d_msgno - RFC 1939 5: a message number, 1-based, of a message not
 * deleted; its 0-based index in *i, or false after the -ERR */
static bool pop3d_msgno(struct pop3d *p, const char *arg, size_t *i)
{
	size_t n = strspn(arg, "0123456789");
	unsigned long long v = 0;

	if (n == 0 || arg[n] || (arg[0] == '0' && n > 1)) {
		pop3d_error(p, NULL, "Invalid message number");
		return false;
	}
	/* more than 10 digits: past any maildrop, and past 64 bits maybe */
	if (n <= 10)
		v = strtoull(arg, NULL, 10);
	if (v == 0 || v > p->nmsgs) {
		pop3d_err(p, NULL, "No such message");
		return false;
	}
	if (p->deleted[v - 1]) {
		pop3d_err(p, NULL, "Message %llu already deleted", v);
		return false;
	}
	*i = (size_t)(v - 1);
	return true;
}

/* pop3d_drop_size - the messages not deleted and their octets */
static size_t pop3d_drop_size(const struct pop3d *p, unsigned long long *octets)
{
	size_t i, n = 0;

	*octets = 0;
	for (i = 0; i < p->nmsgs; i++)
		if (!p->deleted[i]) {
			n++;
			*octets += p->msgs[i].size;
		}
	return n;
}

/* STAT: RFC 1939 5, the drop listing "count octets" */
static void pop3d_cmd_stat(struct pop3d *p, char **argv, int argc)
{
	unsigned long long octets;
	size_t n = pop3d_drop_size(p, &octets);

	pop3d_ok(p, "%zu %llu", n, octets);
}

/* LIST [msg]: RFC 1939 5, scan listings of the messages not deleted */
static void pop3d_cmd_list(struct pop3d *p, char **argv, int argc)
{
	unsigned long long octets;
	size_t i, n;

	if (argc == 1) {
		if (pop3d_msgno(p, argv[0], &i))
			pop3d_ok(p, "%zu %llu", i + 1, (unsigned long long)p->msgs[i].size);
		return;
	}
	n = pop3d_drop_size(p, &octets);
	pop3d_ok(p, "%zu messages (%llu octets)", n, octets);
	for (i = 0; i < p->nmsgs; i++)
		if (!p->deleted[i])
			pop3d_data_line(p, "%zu %llu", i + 1, (unsigned long long)p->msgs[i].size);
	pop3d_data_end(p);
}

/* UIDL [msg]: RFC 1939 7, unique-id listings */
static void pop3d_cmd_uidl(struct pop3d *p, char **argv, int argc)
{
	size_t i;

	if (argc == 1) {
		if (pop3d_msgno(p, argv[0], &i))
			pop3d_ok(p, "%zu %s", i + 1, p->msgs[i].uidl);
		return;
	}
	pop3d_ok(p, "Unique-ID listing follows");
	for (i = 0; i < p->nmsgs; i++)
		if (!p->deleted[i])
			pop3d_data_line(p, "%zu %s", i + 1, p->msgs[i].uidl);
	pop3d_data_end(p);
}

/* pop3d_send - message i, whole (lines < 0) or TOP's part, as a
 * multi-line response (RFC 1939 3: dot-stuffed) */
static void pop3d_send(struct pop3d *p, size_t i, long lines)
{
	buf_reset(&p->text);
	if (p->hooks.read(p->hooks.ctx, i, lines, &p->text) != 0) {
		pop3d_err(p, "SYS/TEMP", "Cannot read message %zu", i + 1);
		buf_free(&p->text);
		return;
	}
	if (lines < 0)
		pop3d_ok(p, "%zu octets", p->text.len);
	else
		pop3d_ok(p, "Top of message %zu follows", i + 1);
	pop3d_data_text(p, p->text.data ? p->text.data : "", p->text.len);
	pop3d_data_end(p);
	/* a big message's memory goes back at once */
	if (p->text.cap > 65536)
		buf_free(&p->text);
}

/* RETR msg: RFC 1939 5 */
static void pop3d_cmd_retr(struct pop3d *p, char **argv, int argc)
{
	size_t i;

	if (pop3d_msgno(p, argv[0], &i))
		pop3d_send(p, i, -1);
}

/* TOP msg n: RFC 1939 7, the header, the blank line and n body lines */
static void pop3d_cmd_top(struct pop3d *p, char **argv, int argc)
{
	unsigned long long n;
	size_t i;

	if (!pop3d_msgno(p, argv[0], &i))
		return;
	if (!pop3d_number(argv[1], 18, &n)) {
		pop3d_error(p, NULL, "Invalid number of lines");
		return;
	}
	pop3d_send(p, i, (long)(n > 0x7fffffffUL ? 0x7fffffffUL : n));
}

/* DELE msg: RFC 1939 5; the message goes at QUIT, in the UPDATE state */
static void pop3d_cmd_dele(struct pop3d *p, char **argv, int argc)
{
	size_t i;

	if (!pop3d_msgno(p, argv[0], &i))
		return;
	p->deleted[i] = true;
	pop3d_ok(p, "Message %zu deleted", i + 1);
}

static void pop3d_cmd_noop(struct pop3d *p, char **argv, int argc)
{
	pop3d_ok(p, "%s", "");
}

/* RSET: RFC 1939 5, every message marked deleted is unmarked */
static void pop3d_cmd_rset(struct pop3d *p, char **argv, int argc)
{
	unsigned long long octets;
	size_t n;

	memset(p->deleted, 0, p->nmsgs * sizeof(*p->deleted));
	n = pop3d_drop_size(p, &octets);
	pop3d_ok(p, "Maildrop has %zu messages (%llu octets)", n, octets);
}

/* pop3d_update - RFC 1939 6: remove the messages marked deleted; the
 * number left, or -1 if the hook could not remove them all */
static long pop3d_update(struct pop3d *p)
{
	size_t *del = xcalloc(p->nmsgs ? p->nmsgs : 1, sizeof(*del));
	size_t i, n = 0;
	int rc = 0;

	for (i = 0; i < p->nmsgs; i++)
		if (p->deleted[i])
			del[n++] = i;
	if (n > 0)
		rc = p->hooks.update(p->hooks.ctx, del, n);
	free(del);
	return rc == 0 ? (long)(p->nmsgs - n) : -1;
}

/* QUIT: RFC 1939 4 in AUTHORIZATION, 6 in TRANSACTION (UPDATE) */
static void pop3d_cmd_quit(struct pop3d *p, char **argv, int argc)
{
	long left;

	if (p->state != POP3D_S_TRANS) {
		pop3d_ok(p, "%s POP3 server signing off", p->hostname);
		pop3d_end(p);
		return;
	}
	pop3d_enter_state(p, POP3D_S_UPDATE);
	left = pop3d_update(p);
	if (left < 0)
		pop3d_err(p, "SYS/TEMP", "Some deleted messages not removed");
	else if (left == 0)
		pop3d_ok(p, "%s POP3 server signing off (maildrop empty)", p->hostname);
	else
		pop3d_ok(p, "%s POP3 server signing off (%ld messages left)", p->hostname, left);
	pop3d_end(p);
}

/* CAPA: RFC 2449 5; what AUTHORIZATION offers differs once logged in */
static void pop3d_cmd_capa(struct pop3d *p, char **argv, int argc)
{
	bool authz = p->state == POP3D_S_AUTHZ;

	pop3d_ok(p, "Capability list follows");
	pop3d_data_line(p, "TOP");				/* RFC 2449 6.1 */
	if (authz && pop3d_auth_allowed(p)) {
		pop3d_data_line(p, "USER");			/* RFC 2449 6.2 */
		pop3d_data_line(p, "SASL PLAIN");		/* RFC 5034 6 */
	}
	pop3d_data_line(p, "RESP-CODES");			/* RFC 2449 6.4 */
	pop3d_data_line(p, "AUTH-RESP-CODE");			/* RFC 3206 6 */
	pop3d_data_line(p, "PIPELINING");			/* RFC 2449 6.6 */
	pop3d_data_line(p, "UIDL");				/* RFC 2449 6.8 */
	if (authz && p->tls_offer && !p->tls_active)
		pop3d_data_line(p, "STLS");			/* RFC 2595 4 */
	pop3d_data_line(p, "IMPLEMENTATION poczta");		/* RFC 2449 6.9 */
	pop3d_data_end(p);
}

/* STLS: RFC 2595 4, once, in AUTHORIZATION.  The input loop stops at
 * POP3D_S_TLS and drops what the client sent after this line. */
static void pop3d_cmd_stls(struct pop3d *p, char **argv, int argc)
{
	if (p->tls_active) {
		pop3d_error(p, NULL, "Command not permitted when TLS active");
		return;
	}
	if (!p->tls_offer) {
		pop3d_error(p, NULL, "STLS not available");
		return;
	}
	free(p->user_given);
	p->user_given = NULL;
	pop3d_ok(p, "Begin TLS negotiation");
	pop3d_enter_state(p, POP3D_S_TLS);
}
