/* imapd.c - the IMAP engine's input and its command table: lines and
 * literals are assembled into a command under fixed bounds, then the verb
 * is looked up, the state checked, the handler run, and the mailbox
 * rescanned before the tagged reply where RFC 3501 7.4.1 allows EXPUNGE. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "imapd_int.h"
#include "msg.h"
#include "sasl.h"
#include "xalloc.h"

#define MAX_LITERALS 64

enum {
	CF_SYNC = 1,		/* rescan before the tagged reply */
	CF_UID = 2,		/* may follow UID */
};

struct imapd_command {
	const char *verb;
	imapd_handler *fn;
	unsigned states;
	unsigned flags;
};

static imapd_handler cmd_capability, cmd_noop, cmd_logout, cmd_starttls, cmd_login,
	cmd_authenticate, cmd_enable, cmd_id, cmd_idle;

#define ANY (IS_NOTAUTH | IS_AUTH | IS_SELECTED)
#define AUTHD (IS_AUTH | IS_SELECTED)
static const struct imapd_command imapd_commands[] = {
	{ "CAPABILITY", cmd_capability, ANY, 0 },
	{ "NOOP", cmd_noop, ANY, CF_SYNC },
	{ "LOGOUT", cmd_logout, ANY, 0 },
	{ "STARTTLS", cmd_starttls, IS_NOTAUTH, 0 },
	{ "LOGIN", cmd_login, IS_NOTAUTH, 0 },
	{ "AUTHENTICATE", cmd_authenticate, IS_NOTAUTH, 0 },
	{ "ID", cmd_id, ANY, 0 },
	{ "ENABLE", cmd_enable, AUTHD, 0 },
	{ "SELECT", imapd_cmd_select, AUTHD, 0 },
	{ "EXAMINE", imapd_cmd_examine, AUTHD, 0 },
	{ "CREATE", imapd_cmd_create, AUTHD, CF_SYNC },
	{ "DELETE", imapd_cmd_delete, AUTHD, CF_SYNC },
	{ "RENAME", imapd_cmd_rename, AUTHD, CF_SYNC },
	{ "SUBSCRIBE", imapd_cmd_subscribe, AUTHD, CF_SYNC },
	{ "UNSUBSCRIBE", imapd_cmd_unsubscribe, AUTHD, CF_SYNC },
	{ "LIST", imapd_cmd_list, AUTHD, CF_SYNC },
	{ "LSUB", imapd_cmd_lsub, AUTHD, CF_SYNC },
	{ "NAMESPACE", imapd_cmd_namespace, AUTHD, CF_SYNC },
	{ "STATUS", imapd_cmd_status, AUTHD, CF_SYNC },
	{ "APPEND", imapd_cmd_append, AUTHD, CF_SYNC },
	{ "IDLE", cmd_idle, AUTHD, 0 },
	{ "CHECK", imapd_cmd_check, IS_SELECTED, CF_SYNC },
	{ "CLOSE", imapd_cmd_close, IS_SELECTED, 0 },
	{ "UNSELECT", imapd_cmd_unselect, IS_SELECTED, 0 },
	{ "EXPUNGE", imapd_cmd_expunge, IS_SELECTED, CF_UID },
	/* RFC 3501 7.4.1: no EXPUNGE during FETCH, STORE, SEARCH; their UID
	 * forms (CF_UID) rescan */
	{ "SEARCH", imapd_cmd_search, IS_SELECTED, CF_UID },
	{ "FETCH", imapd_cmd_fetch, IS_SELECTED, CF_UID },
	{ "STORE", imapd_cmd_store, IS_SELECTED, CF_UID },
	{ "COPY", imapd_cmd_copy, IS_SELECTED, CF_UID | CF_SYNC },
	{ "MOVE", imapd_cmd_move, IS_SELECTED, CF_UID },
	{ NULL, NULL, 0, 0 },
};

struct imapd *imapd_new(const char *hostname, const struct imapd_limits *limits,
			const struct imapd_hooks *hooks)
{
	struct imapd *e = xcalloc(1, sizeof(*e));

	e->hostname = xstrdup(hostname);
	if (limits)
		e->lim = *limits;
	if (e->lim.max_line == 0)
		e->lim.max_line = 65536;
	if (e->lim.max_literal == 0)
		e->lim.max_literal = 64ULL << 20;
	if (e->lim.max_depth == 0)
		e->lim.max_depth = 8;
	if (e->lim.max_errors == 0)
		e->lim.max_errors = 20;
	if (e->lim.max_auth_failures == 0)
		e->lim.max_auth_failures = 3;
	e->hooks = *hooks;
	e->state = IS_NOTAUTH;
	return e;
}

void imapd_free(struct imapd *e)
{
	if (e == NULL)
		return;
	imapd_cmd_reset(&e->cmd);
	buf_free(&e->cmd.text);
	buf_free(&e->tagged);
	mstore_close(e->box);
	mstore_cache_free(e->cache);
	free(e->hostname);
	free(e->user);
	free(e->root);
	free(e->idle_tag);
	free(e->auth_tag);
	free(e);
}

void imapd_reply(struct imapd *e, struct buf *out, const char *status, const char *fmt, ...)
{
	va_list ap;

	(void)out;
	buf_reset(&e->tagged);
	buf_printf(&e->tagged, "%s %s ", e->cmd.tag ? e->cmd.tag : "*", status);
	va_start(ap, fmt);
	buf_vprintf(&e->tagged, fmt, ap);
	va_end(ap);
	buf_puts(&e->tagged, "\r\n");
	if (strcmp(status, "BAD") == 0)
		e->errors++;
}

/* imapd_flush - the tagged reply after everything untagged */
static void imapd_flush(struct imapd *e, struct buf *out)
{
	if (e->tagged.len) {
		buf_append(out, e->tagged.data, e->tagged.len);
		msg_trace("S", e->tagged.data, e->tagged.len - 2);
		buf_reset(&e->tagged);
	}
	if (e->errors >= e->lim.max_errors && !e->over) {
		buf_puts(out, "* BYE Too many errors\r\n");
		e->over = true;
	}
}

static bool imapd_auth_allowed(const struct imapd *e)
{
	return e->tls || e->clear_ok;
}

void imapd_capabilities(const struct imapd *e, struct buf *out)
{
	buf_puts(out, "IMAP4rev1 LITERAL+ SASL-IR ENABLE ID IDLE NAMESPACE UIDPLUS MOVE UNSELECT "
		 "CHILDREN SPECIAL-USE CONDSTORE QRESYNC ESEARCH");
	if (e->state == IS_NOTAUTH) {
		if (e->offer_tls && !e->tls)
			buf_puts(out, " STARTTLS");
		buf_puts(out, imapd_auth_allowed(e) ? " AUTH=PLAIN" : " LOGINDISABLED");
	}
}

void imapd_greeting(struct imapd *e, struct buf *out)
{
	buf_puts(out, "* OK [CAPABILITY ");
	imapd_capabilities(e, out);
	buf_printf(out, "] %s IMAP4rev1 poczta-maa ready\r\n", e->hostname);
}

void imapd_report(struct imapd *e, struct mstore_changes *ch, struct buf *out)
{
	size_t i, recent = 0;

	imapd_flags_announce(e, out, false);	/* keywords another session made */
	if (e->qresync && ch->nexpunged) {	/* RFC 7162 3.2.10 */
		buf_puts(out, "* VANISHED ");
		imapd_uid_ranges(ch->expunged_uids, ch->nexpunged, out);
		buf_puts(out, "\r\n");
	} else
		for (i = 0; i < ch->nexpunged; i++)
			buf_printf(out, "* %zu EXPUNGE\r\n", ch->expunged[i]);
	for (i = 0; i < ch->nflagged; i++) {
		const struct mstore_msg *m = &e->box->msgs[ch->flagged[i] - 1];
		buf_printf(out, "* %zu FETCH (UID %u FLAGS (", ch->flagged[i], m->uid);
		mstore_msg_flags_imap(e->box, m, out);
		if (e->condstore)	/* RFC 7162 3.2 */
			buf_printf(out, ") MODSEQ (%llu", (unsigned long long)m->modseq);
		buf_puts(out, "))\r\n");
	}
	if (ch->exists) {
		for (i = 0; i < e->box->n; i++)
			recent += e->box->msgs[i].recent;
		buf_printf(out, "* %zu EXISTS\r\n* %zu RECENT\r\n", e->box->n, recent);
	}
}

/* imapd_sync - rescan the selected mailbox and report what changed */
static void imapd_sync(struct imapd *e, struct buf *out)
{
	struct mstore_changes ch = { 0 };
	struct buf err = BUF_INIT;

	if (e->box == NULL)
		return;
	if (mstore_rescan(e->box, &ch, &err) < 0)
		msg_warnx("rescan %s: %s", e->box->name, buf_cstr(&err));
	else
		imapd_report(e, &ch, out);
	mstore_changes_free(&ch);
	buf_free(&err);
}

static const struct imapd_command *imapd_lookup(const char *verb)
{
	const struct imapd_command *c;

	for (c = imapd_commands; c->verb; c++)
		if (strcasecmp(c->verb, verb) == 0)
			return c;
	return NULL;
}

/* imapd_run - parse tag and verb of the assembled command and run it */
static void imapd_run(struct imapd *e, struct buf *out)
{
	struct imapd_cmd *c = &e->cmd;
	const struct imapd_command *cmd = NULL;
	const char *tag, *verb;
	bool uid = false;

	c->pos = 0;
	tag = imapd_atom(c, true);
	if (tag == NULL || strchr(tag, '+') || !imapd_sp(c)) {
		buf_puts(out, "* BAD Missing or invalid tag\r\n");
		e->errors++;
		return;
	}
	c->tag = xstrdup(tag);
	verb = imapd_atom(c, false);
	if (verb && strcasecmp(verb, "UID") == 0 && imapd_sp(c)) {
		uid = true;
		verb = imapd_atom(c, false);
	}
	if (verb)
		cmd = imapd_lookup(verb);
	if (cmd == NULL || (uid && !(cmd->flags & CF_UID)))
		imapd_reply(e, out, "BAD", "Unknown command");
	else if (!(cmd->states & e->state))
		imapd_reply(e, out, "BAD", "%s not allowed now",
			    e->state == IS_NOTAUTH ? "Log in first:" : cmd->verb);
	else {
		cmd->fn(e, out, uid);
		if (e->box && ((cmd->flags & CF_SYNC) || uid) && e->tagged.len)
			imapd_sync(e, out);
	}
	imapd_flush(e, out);
}

/* imapd_literal_start - the line ends with "{n}" or "{n+}" (RFC 3501 4.3,
 * RFC 7888): check n, say "+" for a synchronizing literal.  true when a
 * literal follows; false when the line is the end of the command.  A
 * refused literal sets e->over (non-synchronizing) or answers BAD. */
static int imapd_literal_start(struct imapd *e, size_t seg, struct buf *out)
{
	struct buf *t = &e->cmd.text;
	size_t end = t->len, p;
	uint64_t n = 0;
	bool plus = false, big = false;

	if (end == seg || t->data[end - 1] != '}')
		return 0;
	p = end - 1;
	if (p > seg && t->data[p - 1] == '+')
		plus = true, p--;
	while (p > seg && t->data[p - 1] >= '0' && t->data[p - 1] <= '9')
		p--;
	if (p == seg || t->data[p - 1] != '{' || p == end - 1 - plus)
		return 0;
	for (size_t i = p; i < end - 1 - plus; i++) {
		if (n > (UINT64_MAX - 9) / 10)
			big = true;
		else
			n = n * 10 + (uint64_t)(t->data[i] - '0');
	}
	/* before login, a literal is no longer than a line: LOGIN needs no more */
	if (e->state == IS_NOTAUTH && n > e->lim.max_line)
		big = true;
	if (big || n > e->lim.max_literal || e->lit_total + n > e->lim.max_literal ||
	    e->cmd.nlits >= MAX_LITERALS) {
		if (plus) {	/* RFC 7888 4: its octets cannot be told from commands */
			buf_puts(out, "* BYE [TOOBIG] Literal too big\r\n");
			e->over = true;
			return -1;
		}
		e->cmd.pos = 0;
		const char *tag = imapd_atom(&e->cmd, true);
		buf_printf(out, "%s BAD [TOOBIG] Literal too big\r\n", tag ? tag : "*");
		e->errors++;
		return -1;
	}
	e->cmd.lits = xreallocarray(e->cmd.lits, e->cmd.nlits + 1, sizeof(struct buf));
	buf_init(&e->cmd.lits[e->cmd.nlits++]);
	e->lit_left = n;
	e->lit_total += n;
	if (!plus)
		buf_puts(out, "+ Ready for literal data\r\n");
	return 1;
}

static void imapd_end_command(struct imapd *e)
{
	imapd_cmd_reset(&e->cmd);
	e->lit_total = 0;
	e->seg = 0;
}

static void imapd_auth_response(struct imapd *e, struct buf *out);

/* imapd_trace_command - the client's line in the trace, never a password */
static void imapd_trace_command(const struct buf *t)
{
	const char *sp = memchr(t->data, ' ', t->len);
	size_t n = t->len > 200 ? 200 : t->len;

	if (sp && (strncasecmp(sp + 1, "LOGIN ", 6) == 0 ||
		   strncasecmp(sp + 1, "AUTHENTICATE ", 13) == 0)) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "%.*s ****", (int)(strchr(sp + 1, ' ') - t->data), t->data);
		msg_trace("C", b.data, b.len);
		buf_free(&b);
		return;
	}
	msg_trace("C", t->data, n);
}

/* imapd_line - a line of text has ended (its CR LF taken off) */
static void imapd_line(struct imapd *e, struct buf *out)
{
	struct buf *t = &e->cmd.text;
	int lit;

	if (memchr(t->data + e->seg, '\0', t->len - e->seg)) {
		buf_puts(out, "* BAD NUL in command\r\n");
		e->errors++;
		imapd_end_command(e);
		imapd_flush(e, out);
		return;
	}
	if (e->idling) {	/* RFC 2177 3 */
		if (strcasecmp(buf_cstr(t), "DONE") == 0) {
			buf_printf(out, "%s OK IDLE terminated\r\n", e->idle_tag);
			e->idling = false;
			x_free(&e->idle_tag);
		} else {
			buf_puts(out, "* BAD Expected DONE\r\n");
			e->errors++;
		}
		imapd_end_command(e);
		imapd_flush(e, out);
		return;
	}
	if (e->authenticating) {
		imapd_auth_response(e, out);
		imapd_end_command(e);
		imapd_flush(e, out);
		return;
	}
	lit = imapd_literal_start(e, e->seg, out);
	if (lit > 0)
		return;		/* the literal's octets come next */
	if (lit == 0) {
		imapd_trace_command(t);
		imapd_run(e, out);
	}
	imapd_end_command(e);
	imapd_flush(e, out);
}

bool imapd_input(struct imapd *e, const char *data, size_t n, struct buf *out)
{
	size_t i = 0;

	while (i < n && !e->over && !e->stls_pending) {
		if (e->lit_left) {
			size_t take = (uint64_t)(n - i) < e->lit_left ? n - i : (size_t)e->lit_left;
			buf_append(&e->cmd.lits[e->cmd.nlits - 1], data + i, take);
			e->lit_left -= take;
			i += take;
			if (e->lit_left == 0)
				e->seg = e->cmd.text.len;
			continue;
		}
		const char *lf = memchr(data + i, '\n', n - i);
		size_t len = lf ? (size_t)(lf - (data + i)) : n - i;
		if (!e->discarding && e->cmd.text.len + len > e->lim.max_line)
			e->discarding = true;	/* the rest of the line is skipped */
		if (!e->discarding)
			buf_append(&e->cmd.text, data + i, len);
		i += len;
		if (lf == NULL)
			break;
		i++;
		if (e->discarding) {
			e->discarding = false;
			buf_puts(out, "* BAD Line too long\r\n");
			e->errors++;
			imapd_end_command(e);
			imapd_flush(e, out);
			continue;
		}
		if (e->cmd.text.len > e->seg && e->cmd.text.data[e->cmd.text.len - 1] == '\r')
			e->cmd.text.data[--e->cmd.text.len] = '\0';
		imapd_line(e, out);
	}
	return !e->over;
}

void imapd_tick(struct imapd *e, struct buf *out)
{
	if (e->idling && !e->over && e->box && mstore_changed(e->box))
		imapd_sync(e, out);
}

bool imapd_idling(const struct imapd *e)
{
	return e->idling;
}

void imapd_offer_starttls(struct imapd *e)
{
	e->offer_tls = true;
}

void imapd_allow_auth_in_clear(struct imapd *e, bool allow)
{
	e->clear_ok = allow;
}

bool imapd_starttls_pending(const struct imapd *e)
{
	return e->stls_pending;
}

void imapd_tls_started(struct imapd *e)
{
	e->tls = true;
	e->stls_pending = false;
	imapd_end_command(e);
	e->lit_left = 0;
	e->discarding = false;
}

void imapd_timeout(struct imapd *e, struct buf *out)
{
	buf_puts(out, "* BYE Autologout; idle for too long\r\n");
	e->over = true;
}

const char *imapd_user(const struct imapd *e)
{
	return e->state == IS_NOTAUTH ? NULL : e->user;
}

static void cmd_capability(struct imapd *e, struct buf *out, bool uid)
{
	(void)uid;
	if (!imapd_at_end(&e->cmd)) {
		imapd_reply(e, out, "BAD", "CAPABILITY takes no arguments");
		return;
	}
	buf_puts(out, "* CAPABILITY ");
	imapd_capabilities(e, out);
	buf_puts(out, "\r\n");
	imapd_reply(e, out, "OK", "CAPABILITY completed");
}

static void cmd_noop(struct imapd *e, struct buf *out, bool uid)
{
	(void)uid;
	imapd_reply(e, out, "OK", "NOOP completed");
}

static void cmd_logout(struct imapd *e, struct buf *out, bool uid)
{
	(void)uid;
	buf_puts(out, "* BYE Logging out\r\n");
	imapd_reply(e, out, "OK", "LOGOUT completed");
	e->over = true;
}

static void cmd_starttls(struct imapd *e, struct buf *out, bool uid)
{
	(void)uid;
	if (!e->offer_tls || e->tls) {
		imapd_reply(e, out, "BAD", "STARTTLS not available");
		return;
	}
	imapd_reply(e, out, "OK", "Begin TLS negotiation now");
	e->stls_pending = true;	/* RFC 3501 6.2.1: what follows is thrown away */
}

bool imapd_login(struct imapd *e, const char *user, const char *pass, struct buf *out)
{
	char *root = NULL;
	int rc = e->hooks.auth ? e->hooks.auth(e->hooks.ctx, user, pass, &root) : -1;

	if (rc == 0 && root) {
		e->user = xstrdup(user);
		e->root = root;
		e->state = IS_AUTH;
		struct buf caps = BUF_INIT;
		imapd_capabilities(e, &caps);
		imapd_reply(e, out, "OK", "[CAPABILITY %s] Logged in", buf_cstr(&caps));
		buf_free(&caps);
		return true;
	}
	free(root);
	if (rc == -2) {
		imapd_reply(e, out, "NO", "[UNAVAILABLE] Cannot check the password now");
		return false;
	}
	imapd_reply(e, out, "NO", "[AUTHENTICATIONFAILED] Authentication failed");
	if (++e->auth_failures >= e->lim.max_auth_failures) {
		buf_append(out, e->tagged.data, e->tagged.len);
		buf_reset(&e->tagged);
		buf_puts(out, "* BYE Too many failed logins\r\n");
		e->over = true;
	}
	return false;
}

static void cmd_login(struct imapd *e, struct buf *out, bool uid)
{
	struct imapd_cmd *c = &e->cmd;
	const char *user, *pass;

	(void)uid;
	if (!imapd_sp(c) || (user = imapd_astring(c)) == NULL || !imapd_sp(c) ||
	    (pass = imapd_astring(c)) == NULL || !imapd_at_end(c)) {
		imapd_reply(e, out, "BAD", "LOGIN user password");
		return;
	}
	if (!imapd_auth_allowed(e)) {	/* RFC 3501 6.2.3, LOGINDISABLED */
		imapd_reply(e, out, "NO", "[PRIVACYREQUIRED] Use STARTTLS first");
		return;
	}
	imapd_login(e, user, pass, out);
}

/* imapd_auth_plain - a base64 PLAIN message (RFC 4616) */
static void imapd_auth_plain(struct imapd *e, const char *b64, struct buf *out)
{
	size_t len = strlen(b64), n;
	unsigned char *dec = xmalloc(sasl_b64_decoded_max(len) + 1);
	struct sasl_plain p;

	if (!sasl_b64_decode(b64, len, dec, &n)) {
		imapd_reply(e, out, "BAD", "Invalid base64");
	} else {
		dec[n] = '\0';
		if (!sasl_plain_parse((char *)dec, n, &p) ||
		    (*p.authzid && strcmp(p.authzid, p.authcid) != 0))
			imapd_login(e, "", "", out);	/* a failure like any other */
		else
			imapd_login(e, p.authcid, p.passwd, out);
		memset(dec, 0, n);
	}
	free(dec);
}

static void imapd_auth_response(struct imapd *e, struct buf *out)
{
	struct buf *t = &e->cmd.text;

	e->authenticating = false;
	e->cmd.tag = e->auth_tag;
	e->auth_tag = NULL;
	if (strcmp(buf_cstr(t), "*") == 0)	/* RFC 3501 6.2.2: cancelled */
		imapd_reply(e, out, "BAD", "AUTHENTICATE cancelled");
	else
		imapd_auth_plain(e, buf_cstr(t), out);
	memset(t->data, 0, t->len);
}

static void cmd_authenticate(struct imapd *e, struct buf *out, bool uid)
{
	struct imapd_cmd *c = &e->cmd;
	const char *mech, *ir = NULL;

	(void)uid;
	if (!imapd_sp(c) || (mech = imapd_atom(c, false)) == NULL ||
	    (imapd_sp(c) && (ir = imapd_atom(c, false)) == NULL) || !imapd_at_end(c)) {
		imapd_reply(e, out, "BAD", "AUTHENTICATE mechanism [initial-response]");
		return;
	}
	if (strcasecmp(mech, "PLAIN") != 0) {
		imapd_reply(e, out, "NO", "Unsupported authentication mechanism");
		return;
	}
	if (!imapd_auth_allowed(e)) {
		imapd_reply(e, out, "NO", "[PRIVACYREQUIRED] Use STARTTLS first");
		return;
	}
	if (ir) {	/* RFC 4959: "=" is an empty initial response */
		imapd_auth_plain(e, strcmp(ir, "=") == 0 ? "" : ir, out);
		memset(c->text.data, 0, c->text.len);
		return;
	}
	buf_puts(out, "+ \r\n");
	e->authenticating = true;
	e->auth_tag = c->tag;
	c->tag = NULL;
}

static void cmd_enable(struct imapd *e, struct buf *out, bool uid)
{
	struct buf on = BUF_INIT;
	const char *cap;
	int n = 0;

	(void)uid;
	while (imapd_sp(&e->cmd)) {
		if ((cap = imapd_atom(&e->cmd, false)) == NULL)
			break;
		n++;
		/* RFC 5161 3.1: only what is supported and not yet on is listed */
		if (strcasecmp(cap, "CONDSTORE") == 0 && !e->condstore) {
			e->condstore = true;
			buf_puts(&on, " CONDSTORE");
		}
		if (strcasecmp(cap, "QRESYNC") == 0 && !e->qresync) {
			e->qresync = e->condstore = true;	/* RFC 7162 3.2.3 */
			buf_puts(&on, " QRESYNC");
		}
	}
	if (!imapd_at_end(&e->cmd) || n == 0) {
		imapd_reply(e, out, "BAD", "ENABLE capability ...");
	} else {
		buf_printf(out, "* ENABLED%s\r\n", buf_cstr(&on));
		imapd_reply(e, out, "OK", "ENABLE completed");
	}
	buf_free(&on);
}

/* cmd_id - RFC 2971: the client's list is read and forgotten */
static void cmd_id(struct imapd *e, struct buf *out, bool uid)
{
	struct imapd_cmd *c = &e->cmd;
	bool nil, ok = imapd_sp(c);
	int pairs = 0;

	(void)uid;
	if (ok && !imapd_nstring(c, &nil) && nil) {
		ok = imapd_at_end(c);
	} else if (ok && imapd_eat(c, '(')) {
		while (ok && !imapd_eat(c, ')')) {
			ok = (pairs == 0 || imapd_sp(c)) && imapd_string(c, &(size_t){ 0 }) &&
			     imapd_sp(c) && (imapd_nstring(c, &nil) || nil) && ++pairs <= 30;
		}
		ok = ok && imapd_at_end(c);
	} else
		ok = false;
	if (!ok) {
		imapd_reply(e, out, "BAD", "ID ( field value ... ) or NIL");
		return;
	}
	buf_puts(out, "* ID (\"name\" \"poczta-maa\")\r\n");
	imapd_reply(e, out, "OK", "ID completed");
}

static void cmd_idle(struct imapd *e, struct buf *out, bool uid)
{
	(void)uid;
	if (!imapd_at_end(&e->cmd)) {
		imapd_reply(e, out, "BAD", "IDLE takes no arguments");
		return;
	}
	imapd_sync(e, out);
	buf_puts(out, "+ idling\r\n");
	e->idling = true;
	e->idle_tag = xstrdup(e->cmd.tag);
}
