/* queue_env.c - the envelope as text a person can read (OpenSMTPD's envelope.c).
 *
 *   version: 1
 *   id: 69e1c2f40a1b2cqxkzma
 *   sender: "alice@example.org"
 *   created: 1776400000
 *   client: "mail.example.org [192.0.2.1]"
 *   helo: "mail.example.org"
 *   protocol: "ESMTPS"
 *   auth: "alice"                       (absent when NULL; so are envid, orcpt, last)
 *   envid: "QQ314159"
 *   ret: full | hdrs
 *   body: 8bit | 7bit
 *   held: yes | no
 *   size: 12345
 *   rcpt: "bob@example.net" state=deferred attempts=3 next=1776403600
 *         notify=failure,delay orcpt="rfc822;bob@example.net" dsn="4.4.1" last="..."
 *   end: 1
 *
 * (a rcpt is one line; it is wrapped here only for the page.)  Every string
 * is quoted; inside quotes \\ \" \n \r \t and \xHH stand for the byte, and
 * every control byte is written escaped, so no value a peer sent can end a
 * line or start a key.  "end: N" is the last line and counts the rcpt lines:
 * a file cut short, even at a line end, does not parse. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "i18n.h"
#include "queue_int.h"
#include "xalloc.h"

static const char *const queue_state_names[] = {
	[QUEUE_PENDING] = "pending", [QUEUE_DEFERRED] = "deferred",
	[QUEUE_DELIVERED] = "delivered", [QUEUE_FAILED] = "failed",
	[QUEUE_BOUNCED] = "bounced",
};

static const struct {
	const char *name;
	unsigned bit;
} queue_notify_names[] = {
	{ "never", QUEUE_NOTIFY_NEVER }, { "success", QUEUE_NOTIFY_SUCCESS },
	{ "failure", QUEUE_NOTIFY_FAILURE }, { "delay", QUEUE_NOTIFY_DELAY },
};
#define QUEUE_NNOTIFY (sizeof(queue_notify_names) / sizeof(queue_notify_names[0]))

/* queue_env_quote - append s quoted and escaped so that it stays on one line */
static void queue_env_quote(struct buf *out, const char *s)
{
	const unsigned char *p;

	buf_putc(out, '"');
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '\\' || *p == '"') {
			buf_putc(out, '\\');
			buf_putc(out, *p);
		} else if (*p == '\n')
			buf_puts(out, "\\n");
		else if (*p == '\r')
			buf_puts(out, "\\r");
		else if (*p == '\t')
			buf_puts(out, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			buf_printf(out, "\\x%02x", *p);
		else
			buf_putc(out, *p);
	}
	buf_putc(out, '"');
}

/* queue_env_put_str - "key: "quoted"" when s is not NULL */
static void queue_env_put_str(struct buf *out, const char *key, const char *s)
{
	if (s == NULL)
		return;
	buf_printf(out, "%s: ", key);
	queue_env_quote(out, s);
	buf_putc(out, '\n');
}

/* queue_env_put_notify - the NOTIFY bits as "failure,delay", or "default" */
static void queue_env_put_notify(struct buf *out, unsigned notify)
{
	size_t i;
	bool first = true;

	if (notify == 0) {
		buf_puts(out, "default");
		return;
	}
	for (i = 0; i < QUEUE_NNOTIFY; i++) {
		if (!(notify & queue_notify_names[i].bit))
			continue;
		buf_printf(out, "%s%s", first ? "" : ",", queue_notify_names[i].name);
		first = false;
	}
}

/* queue_env_put_rcpt - one "rcpt:" line */
static void queue_env_put_rcpt(struct buf *out, const struct queue_rcpt *r)
{
	unsigned st = (unsigned)r->state;

	buf_puts(out, "rcpt: ");
	queue_env_quote(out, r->addr ? r->addr : "");
	buf_printf(out, " state=%s attempts=%d next=%lld notify=",
		   st <= QUEUE_BOUNCED ? queue_state_names[st] : "pending",
		   r->attempts, (long long)r->next_try);
	queue_env_put_notify(out, r->notify);
	if (r->orcpt) {
		buf_puts(out, " orcpt=");
		queue_env_quote(out, r->orcpt);
	}
	if (r->dsn[0]) {
		buf_puts(out, " dsn=");
		queue_env_quote(out, r->dsn);
	}
	if (r->last) {
		buf_puts(out, " last=");
		queue_env_quote(out, r->last);
	}
	buf_putc(out, '\n');
}

void queue_env_format(const struct queue_env *env, struct buf *out)
{
	size_t i;

	buf_printf(out, "version: %d\n", QUEUE_ENV_VERSION);
	buf_printf(out, "id: %s\n", env->id);
	queue_env_put_str(out, "sender", env->sender ? env->sender : "");
	buf_printf(out, "created: %lld\n", (long long)env->created);
	queue_env_put_str(out, "client", env->client);
	queue_env_put_str(out, "helo", env->helo);
	queue_env_put_str(out, "protocol", env->protocol);
	queue_env_put_str(out, "auth", env->auth);
	queue_env_put_str(out, "envid", env->envid);
	buf_printf(out, "ret: %s\n", env->ret_full ? "full" : "hdrs");
	buf_printf(out, "body: %s\n", env->body_8bit ? "8bit" : "7bit");
	buf_printf(out, "held: %s\n", env->held ? "yes" : "no");
	buf_printf(out, "size: %lld\n", (long long)env->size);
	for (i = 0; i < env->nrcpts; i++)
		queue_env_put_rcpt(out, &env->rcpts[i]);
	buf_printf(out, "end: %zu\n", env->nrcpts);
}

void queue_env_free(struct queue_env *env)
{
	size_t i;

	if (env == NULL)
		return;
	for (i = 0; i < env->nrcpts; i++) {
		free(env->rcpts[i].addr);
		free(env->rcpts[i].orcpt);
		free(env->rcpts[i].last);
	}
	free(env->rcpts);
	free(env->sender);
	free(env->client);
	free(env->helo);
	free(env->protocol);
	free(env->auth);
	free(env->envid);
	memset(env, 0, sizeof(*env));
}

/* The parser: one line at a time, a cursor over it, errors naming the line. */
struct queue_envp {
	const char *p, *end;	/* the rest of the current line */
	size_t lineno;
	unsigned seen;		/* bit per top-level key already read */
	bool ended;
	struct buf *err;
};

/* queue_envp_fail - set err to "line N: what"; returns -1 */
static int queue_envp_fail(struct queue_envp *ps, const char *what, const char *detail)
{
	if (ps->err) {
		buf_reset(ps->err);
		/* L10N: an error in a queue envelope file: line number, what, detail */
		buf_printf(ps->err, _("envelope line %zu: %s%s%s"), ps->lineno, what,
			   detail ? ": " : "", detail ? detail : "");
	}
	return -1;
}

/* queue_envp_hex - the value of hex digit c, or -1 */
static int queue_envp_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* queue_envp_escape - decode the escape after a backslash at ps->p into out */
static int queue_envp_escape(struct queue_envp *ps, struct buf *out)
{
	int c = ps->p < ps->end ? (unsigned char)*ps->p++ : -1, hi, lo;

	switch (c) {
	case '\\': case '"':
		buf_putc(out, c);
		return 0;
	case 'n':
		buf_putc(out, '\n');
		return 0;
	case 'r':
		buf_putc(out, '\r');
		return 0;
	case 't':
		buf_putc(out, '\t');
		return 0;
	case 'x':
		if (ps->end - ps->p < 2)
			break;
		hi = queue_envp_hex((unsigned char)ps->p[0]);
		lo = queue_envp_hex((unsigned char)ps->p[1]);
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
			break;
		ps->p += 2;
		buf_putc(out, hi * 16 + lo);
		return 0;
	}
	return queue_envp_fail(ps, _("bad escape in a quoted string"), NULL);
}

/* queue_envp_string - a quoted string at ps->p; newly allocated in *s */
static int queue_envp_string(struct queue_envp *ps, char **s)
{
	struct buf b = BUF_INIT;

	if (ps->p >= ps->end || *ps->p != '"')
		return queue_envp_fail(ps, _("expected a quoted string"), NULL);
	ps->p++;
	for (;;) {
		unsigned char c;
		if (ps->p >= ps->end) {
			buf_free(&b);
			return queue_envp_fail(ps, _("unterminated quoted string"), NULL);
		}
		c = (unsigned char)*ps->p++;
		if (c == '"')
			break;
		if (c < 0x20 || c == 0x7f) {
			buf_free(&b);
			return queue_envp_fail(ps, _("control byte in a quoted string"), NULL);
		}
		if (c != '\\')
			buf_putc(&b, c);
		else if (queue_envp_escape(ps, &b) < 0) {
			buf_free(&b);
			return -1;
		}
	}
	buf_putc(&b, '\0');	/* so that an empty string is "" rather than NULL */
	*s = buf_detach(&b);
	return 0;
}

/* queue_envp_word - the bare word at ps->p (up to a space or the line end) */
static void queue_envp_word(struct queue_envp *ps, const char **w, size_t *len)
{
	*w = ps->p;
	while (ps->p < ps->end && *ps->p != ' ')
		ps->p++;
	*len = (size_t)(ps->p - *w);
}

/* queue_envp_number - a decimal number in [min, max] from a bare word */
static int queue_envp_number(struct queue_envp *ps, const char *w, size_t len,
			     long long min, long long max, long long *v)
{
	char tmp[24];
	char *e;
	size_t i;

	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)w[i]) && !(i == 0 && w[i] == '-' && len > 1))
			return queue_envp_fail(ps, _("bad number"), NULL);
	if (len == 0 || len >= sizeof(tmp))
		return queue_envp_fail(ps, _("bad number"), NULL);
	memcpy(tmp, w, len);
	tmp[len] = '\0';
	errno = 0;
	*v = strtoll(tmp, &e, 10);
	if (errno || *e || *v < min || *v > max)
		return queue_envp_fail(ps, _("number out of range"), tmp);
	return 0;
}

/* queue_envp_eq - whether the word w of len bytes is s */
static bool queue_envp_eq(const char *w, size_t len, const char *s)
{
	return strlen(s) == len && memcmp(w, s, len) == 0;
}

/* queue_envp_notify - "default" or a comma list of NOTIFY words */
static int queue_envp_notify(struct queue_envp *ps, const char *w, size_t len, unsigned *notify)
{
	size_t i, n;

	*notify = 0;
	if (queue_envp_eq(w, len, "default"))
		return 0;
	while (len > 0) {
		const char *comma = memchr(w, ',', len);
		n = comma ? (size_t)(comma - w) : len;
		for (i = 0; i < QUEUE_NNOTIFY; i++)
			if (queue_envp_eq(w, n, queue_notify_names[i].name))
				break;
		if (i == QUEUE_NNOTIFY || (*notify & queue_notify_names[i].bit))
			return queue_envp_fail(ps, _("bad notify value"), NULL);
		*notify |= queue_notify_names[i].bit;
		w += n + (comma ? 1 : 0);
		len -= n + (comma ? 1 : 0);
		if (comma && len == 0)
			return queue_envp_fail(ps, _("bad notify value"), NULL);
	}
	return *notify ? 0 : queue_envp_fail(ps, _("bad notify value"), NULL);
}

/* queue_envp_state - a recipient state name */
static int queue_envp_state(struct queue_envp *ps, const char *w, size_t len,
			    enum queue_rcpt_state *st)
{
	unsigned i;

	for (i = 0; i <= QUEUE_BOUNCED; i++)
		if (queue_envp_eq(w, len, queue_state_names[i])) {
			*st = (enum queue_rcpt_state)i;
			return 0;
		}
	return queue_envp_fail(ps, _("unknown recipient state"), NULL);
}

/* queue_envp_dsn - a quoted enhanced status code that fits r->dsn */
static int queue_envp_dsn(struct queue_envp *ps, struct queue_rcpt *r)
{
	char *s;

	if (queue_envp_string(ps, &s) < 0)
		return -1;
	if (s[0] == '\0' || strlen(s) >= sizeof(r->dsn)) {
		free(s);
		return queue_envp_fail(ps, _("bad dsn value"), NULL);
	}
	memcpy(r->dsn, s, strlen(s) + 1);
	free(s);
	return 0;
}

/* queue_envp_attr - one name=value of a rcpt line into r; mask tracks repeats */
static int queue_envp_attr(struct queue_envp *ps, struct queue_rcpt *r, unsigned *mask)
{
	static const char *const names[] = { "state", "attempts", "next", "notify",
					     "orcpt", "dsn", "last" };
	const char *eq = memchr(ps->p, '=', (size_t)(ps->end - ps->p)), *w;
	size_t i, len;
	long long v;

	for (i = 0; eq && i < 7; i++)
		if (queue_envp_eq(ps->p, (size_t)(eq - ps->p), names[i]))
			break;
	if (eq == NULL || i == 7)
		return queue_envp_fail(ps, _("unknown recipient attribute"), NULL);
	if (*mask & (1u << i))
		return queue_envp_fail(ps, _("repeated recipient attribute"), names[i]);
	*mask |= 1u << i;
	ps->p = eq + 1;
	if (i >= 4)
		return i == 4 ? queue_envp_string(ps, &r->orcpt)
		    : i == 5 ? queue_envp_dsn(ps, r) : queue_envp_string(ps, &r->last);
	queue_envp_word(ps, &w, &len);
	if (i == 0)
		return queue_envp_state(ps, w, len, &r->state);
	if (i == 3)
		return queue_envp_notify(ps, w, len, &r->notify);
	if (queue_envp_number(ps, w, len, i == 1 ? 0 : INT64_MIN, i == 1 ? INT_MAX : INT64_MAX,
			      &v) < 0)
		return -1;
	if (i == 1)
		r->attempts = (int)v;
	else
		r->next_try = (time_t)v;
	return 0;
}

/* queue_envp_rcpt - the value of a rcpt line, appended to env->rcpts */
static int queue_envp_rcpt(struct queue_envp *ps, struct queue_env *env)
{
	struct queue_rcpt *r;
	unsigned mask = 0;

	env->rcpts = xreallocarray(env->rcpts, env->nrcpts + 1, sizeof(*env->rcpts));
	r = &env->rcpts[env->nrcpts++];
	memset(r, 0, sizeof(*r));
	if (queue_envp_string(ps, &r->addr) < 0)
		return -1;
	while (ps->p < ps->end) {
		if (*ps->p != ' ' || ps->p + 1 >= ps->end || ps->p[1] == ' ')
			return queue_envp_fail(ps, _("expected one space between attributes"), NULL);
		ps->p++;
		if (queue_envp_attr(ps, r, &mask) < 0)
			return -1;
	}
	if (!(mask & 1))
		return queue_envp_fail(ps, _("recipient without a state"), NULL);
	return 0;
}

enum queue_envp_kind { KIND_STR, KIND_TIME, KIND_OFF, KIND_FLAG, KIND_ID };

/* The top-level keys; a flag key's value is words[0] (false) or words[1] (true). */
static const struct queue_envp_key {
	const char *name;
	enum queue_envp_kind kind;
	size_t off;
	const char *words[2];
	bool required;
} queue_envp_keys[] = {
	{ "id", KIND_ID, 0, { NULL, NULL }, true },
	{ "sender", KIND_STR, offsetof(struct queue_env, sender), { NULL, NULL }, true },
	{ "created", KIND_TIME, offsetof(struct queue_env, created), { NULL, NULL }, true },
	{ "client", KIND_STR, offsetof(struct queue_env, client), { NULL, NULL }, false },
	{ "helo", KIND_STR, offsetof(struct queue_env, helo), { NULL, NULL }, false },
	{ "protocol", KIND_STR, offsetof(struct queue_env, protocol), { NULL, NULL }, false },
	{ "auth", KIND_STR, offsetof(struct queue_env, auth), { NULL, NULL }, false },
	{ "envid", KIND_STR, offsetof(struct queue_env, envid), { NULL, NULL }, false },
	{ "ret", KIND_FLAG, offsetof(struct queue_env, ret_full), { "hdrs", "full" }, false },
	{ "body", KIND_FLAG, offsetof(struct queue_env, body_8bit), { "7bit", "8bit" }, false },
	{ "held", KIND_FLAG, offsetof(struct queue_env, held), { "no", "yes" }, false },
	{ "size", KIND_OFF, offsetof(struct queue_env, size), { NULL, NULL }, true },
};
#define QUEUE_NKEYS (sizeof(queue_envp_keys) / sizeof(queue_envp_keys[0]))

/* queue_envp_value - the value of top-level key k, stored into env */
static int queue_envp_value(struct queue_envp *ps, const struct queue_envp_key *k,
			    struct queue_env *env)
{
	char *field = (char *)env + k->off;
	const char *w;
	size_t len;
	long long v;

	if (k->kind == KIND_STR)
		return queue_envp_string(ps, (char **)(void *)field);
	queue_envp_word(ps, &w, &len);
	switch (k->kind) {
	case KIND_ID:
		if (len == 0 || len >= QUEUE_ID_MAX)
			return queue_envp_fail(ps, _("bad queue id"), NULL);
		memcpy(env->id, w, len);
		env->id[len] = '\0';
		return queue_id_valid(env->id) ? 0 : queue_envp_fail(ps, _("bad queue id"), NULL);
	case KIND_TIME:
		if (queue_envp_number(ps, w, len, 0, INT64_MAX, &v) < 0)
			return -1;
		*(time_t *)(void *)field = (time_t)v;
		return 0;
	case KIND_OFF:
		if (queue_envp_number(ps, w, len, 0, INT64_MAX, &v) < 0)
			return -1;
		*(off_t *)(void *)field = (off_t)v;
		return 0;
	default:
		if (!queue_envp_eq(w, len, k->words[0]) && !queue_envp_eq(w, len, k->words[1]))
			return queue_envp_fail(ps, _("bad value"), k->name);
		*(bool *)(void *)field = queue_envp_eq(w, len, k->words[1]);
		return 0;
	}
}

/* queue_envp_end - the "end: N" line: N must count the rcpt lines */
static int queue_envp_end(struct queue_envp *ps, struct queue_env *env)
{
	const char *w;
	size_t len;
	long long v;
	size_t i;

	queue_envp_word(ps, &w, &len);
	if (queue_envp_number(ps, w, len, 0, INT64_MAX, &v) < 0)
		return -1;
	if ((unsigned long long)v != env->nrcpts)
		return queue_envp_fail(ps, _("end does not count the recipients"), NULL);
	for (i = 0; i < QUEUE_NKEYS; i++)
		if (queue_envp_keys[i].required && !(ps->seen & (1u << i)))
			return queue_envp_fail(ps, _("missing key"), queue_envp_keys[i].name);
	ps->ended = true;
	return 0;
}

/* queue_envp_line - one "key: value" line (the version line is done) */
static int queue_envp_line(struct queue_envp *ps, struct queue_env *env)
{
	const char *colon = memchr(ps->p, ':', (size_t)(ps->end - ps->p));
	size_t klen, i;
	int rc;

	if (ps->ended)
		return queue_envp_fail(ps, _("text after the end line"), NULL);
	if (colon == NULL || colon + 1 >= ps->end || colon[1] != ' ')
		return queue_envp_fail(ps, _("expected \"key: value\""), NULL);
	klen = (size_t)(colon - ps->p);
	ps->p = colon + 2;
	if (queue_envp_eq(colon - klen, klen, "rcpt"))
		return queue_envp_rcpt(ps, env);
	if (queue_envp_eq(colon - klen, klen, "end"))
		rc = queue_envp_end(ps, env);
	else {
		for (i = 0; i < QUEUE_NKEYS; i++)
			if (queue_envp_eq(colon - klen, klen, queue_envp_keys[i].name))
				break;
		if (i == QUEUE_NKEYS)
			return queue_envp_fail(ps, _("unknown key"), NULL);
		if (ps->seen & (1u << i))
			return queue_envp_fail(ps, _("repeated key"), queue_envp_keys[i].name);
		ps->seen |= 1u << i;
		rc = queue_envp_value(ps, &queue_envp_keys[i], env);
	}
	if (rc == 0 && ps->p != ps->end)
		return queue_envp_fail(ps, _("trailing text after the value"), NULL);
	return rc;
}

/* queue_envp_version - the first line must be "version: 1" */
static int queue_envp_version(struct queue_envp *ps, struct queue_env *env)
{
	static const char want[] = "version: ";
	size_t n = sizeof(want) - 1;
	const char *w;
	size_t len;
	long long v;

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, want, n) != 0)
		return queue_envp_fail(ps, _("the first line must be the version"), NULL);
	ps->p += n;
	queue_envp_word(ps, &w, &len);
	if (queue_envp_number(ps, w, len, 0, INT_MAX, &v) < 0)
		return -1;
	if (v != QUEUE_ENV_VERSION || ps->p != ps->end)
		return queue_envp_fail(ps, _("unsupported envelope version"), NULL);
	env->version = (int)v;
	return 0;
}

int queue_env_parse(const char *text, size_t len, struct queue_env *env, struct buf *err)
{
	struct queue_envp ps = { NULL, NULL, 0, 0, false, err };
	const char *line = text, *end = text + len;

	memset(env, 0, sizeof(*env));
	if (len > QUEUE_ENV_MAX || memchr(text, '\0', len) != NULL) {
		queue_envp_fail(&ps, len > QUEUE_ENV_MAX ? _("envelope too large")
				: _("NUL byte in the envelope"), NULL);
		return -1;
	}
	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		ps.lineno++;
		if (nl == NULL) {
			queue_envp_fail(&ps, _("truncated line"), NULL);
			goto fail;
		}
		ps.p = line;
		ps.end = nl;
		if ((ps.lineno == 1 ? queue_envp_version(&ps, env) : queue_envp_line(&ps, env)) < 0)
			goto fail;
		line = nl + 1;
	}
	if (!ps.ended) {
		ps.lineno++;
		queue_envp_fail(&ps, ps.lineno == 1 ? _("missing version") : _("truncated: no end line"),
				NULL);
		goto fail;
	}
	return 0;
fail:
	queue_env_free(env);
	return -1;
}
