/* compose.c - the compose as the user edits it: a new message, its
 * attachments, and the editor's file (header block, empty line, body) read
 * back as mutt's edit_headers does. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>
#include "compose_int.h"
#include "i18n.h"
#include "xalloc.h"

void compose_init(struct compose *c)
{
	memset(c, 0, sizeof(*c));
}

static void att_free(struct compose_att *a)
{
	x_free(&a->path);
	x_free(&a->data);
	x_free(&a->name);
	x_free(&a->type);
	x_free(&a->description);
}

void compose_free(struct compose *c)
{
	x_free(&c->from);
	x_free(&c->to);
	x_free(&c->cc);
	x_free(&c->bcc);
	x_free(&c->reply_to);
	x_free(&c->subject);
	x_free(&c->in_reply_to);
	x_free(&c->references);
	x_free(&c->message_id);
	x_free(&c->body);
	for (size_t i = 0; i < c->natt; i++)
		att_free(&c->att[i]);
	x_free(&c->att);
	c->natt = 0;
	c->flowed = false;
}

void compose_new(struct compose *c, const struct compose_opts *o)
{
	compose_free(c);
	c->from = o->from ? xstrdup(o->from) : NULL;
	struct buf b = BUF_INIT;
	buf_putc(&b, '\n');
	ce_sigblock(&b, o->signature);
	c->body = buf_detach(&b);
}

int compose_att_add_file(struct compose *c, const char *path, const char *description,
			 struct buf *err)
{
	struct compose_att *a;
	const char *base = strrchr(path, '/');

	struct stat st;

	if (access(path, R_OK) != 0 || stat(path, &st) != 0) {
		/* L10N: an attachment's file; then the system's reason */
		buf_printf(err, _("cannot attach %s: %s"), path, strerror(errno));
		return -1;
	}
	/* a device or a FIFO would never end */
	if (!S_ISREG(st.st_mode)) {
		buf_printf(err, _("cannot attach %s: not a regular file"), path);
		return -1;
	}
	c->att = xreallocarray(c->att, c->natt + 1, sizeof(*c->att));
	a = &c->att[c->natt++];
	memset(a, 0, sizeof(*a));
	a->path = xstrdup(path);
	a->name = xstrdup(base && base[1] ? base + 1 : path);
	a->description = description && *description ? xstrdup(description) : NULL;
	return 0;
}

void compose_att_remove(struct compose *c, size_t i)
{
	if (i >= c->natt)
		return;
	att_free(&c->att[i]);
	memmove(&c->att[i], &c->att[i + 1], (c->natt - i - 1) * sizeof(*c->att));
	c->natt--;
}

/* put_field - "name: v" with v's line breaks made spaces */
static void put_field(struct buf *out, const char *name, const char *v)
{
	buf_printf(out, "%s: ", name);
	for (; v && *v; v++)
		buf_putc(out, *v == '\n' || *v == '\r' ? ' ' : *v);
	buf_putc(out, '\n');
}

void compose_editor_text(const struct compose *c, struct buf *out)
{
	put_field(out, "From", c->from);
	put_field(out, "To", c->to);
	put_field(out, "Cc", c->cc);
	put_field(out, "Bcc", c->bcc);
	put_field(out, "Subject", c->subject);
	put_field(out, "Reply-To", c->reply_to);
	buf_putc(out, '\n');
	if (c->body)
		buf_puts(out, c->body);
}

/* the fields the editor may hold, and where each goes */
enum ed_field { ED_FROM, ED_TO, ED_CC, ED_BCC, ED_SUBJECT, ED_REPLY_TO, ED_IN_REPLY_TO,
	ED_REFERENCES, ED_ATTACH, ED_N };
static const char *const ed_names[ED_N] = { "From", "To", "Cc", "Bcc", "Subject", "Reply-To",
	"In-Reply-To", "References", "Attach" };

static char **ed_slot(struct compose *c, enum ed_field f)
{
	switch (f) {
	case ED_FROM: return &c->from;
	case ED_TO: return &c->to;
	case ED_CC: return &c->cc;
	case ED_BCC: return &c->bcc;
	case ED_SUBJECT: return &c->subject;
	case ED_REPLY_TO: return &c->reply_to;
	case ED_IN_REPLY_TO: return &c->in_reply_to;
	case ED_REFERENCES: return &c->references;
	default: return NULL;
	}
}

/* attach_line - "Attach: PATH [DESCRIPTION]"; PATH may be in double
 * quotes or have its spaces escaped with '\' */
static int attach_line(struct compose *c, const char *v, unsigned line, struct buf *err)
{
	struct buf path = BUF_INIT;
	bool quoted = *v == '"';
	int r;

	if (quoted)
		v++;
	for (; *v && (quoted ? *v != '"' : *v != ' ' && *v != '\t'); v++) {
		if (*v == '\\' && v[1])
			v++;
		buf_putc(&path, *v);
	}
	if (quoted && *v == '"')
		v++;
	while (*v == ' ' || *v == '\t')
		v++;
	if (path.len == 0) {
		buf_printf(err, _("line %u: Attach: without a file name"), line);
		r = -1;
	} else {
		struct buf why = BUF_INIT;
		r = compose_att_add_file(c, path.data, v, &why);
		if (r < 0)
			buf_printf(err, _("line %u: %s"), line, why.data);
		buf_free(&why);
	}
	buf_free(&path);
	return r;
}

/* ed_check - an address field that parses; names the line when not */
static int ed_check(enum ed_field f, const char *v, unsigned line, struct buf *err)
{
	struct buf why = BUF_INIT;
	int r = 0;

	if (f <= ED_BCC || f == ED_REPLY_TO) {
		/* any domain will do to check: bare local parts are allowed
		 * but in From */
		if (!ce_blank(v) && ce_addrlist(ed_names[f], v, f == ED_FROM ? NULL : "localhost",
						NULL, NULL, &why) < 0) {
			buf_printf(err, _("line %u: %s"), line, why.data);
			r = -1;
		}
	}
	buf_free(&why);
	return r;
}

/* ed_header - the header block: field values into vals (unfolded);
 * returns where the body starts, or NULL with err */
static const char *ed_header(struct compose *c, const char *p, const char *end, char **vals,
			     unsigned *line, struct buf *err)
{
	struct buf v = BUF_INIT;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *colon;
		int f;

		(*line)++;
		if (le > p && le[-1] == '\r')
			le--;
		if (le == p) {
			buf_free(&v);
			return nl ? nl + 1 : end;
		}
		colon = memchr(p, ':', (size_t)(le - p));
		for (f = 0; colon && f < ED_N; f++)
			if (strlen(ed_names[f]) == (size_t)(colon - p) &&
			    strncasecmp(p, ed_names[f], (size_t)(colon - p)) == 0)
				break;
		if (!colon || f == ED_N) {
			buf_printf(err, _("line %u: unknown header field: %.*s"), *line,
				   (int)(colon ? colon - p : le - p), p);
			goto fail;
		}
		buf_reset(&v);
		buf_append(&v, colon + 1, (size_t)(le - colon - 1));
		p = nl ? nl + 1 : end;
		/* RFC 5322 2.2.3: a line starting with white space continues it */
		while (p < end && (*p == ' ' || *p == '\t')) {
			nl = memchr(p, '\n', (size_t)(end - p));
			le = nl ? nl : end;
			if (le > p && le[-1] == '\r')
				le--;
			buf_append(&v, p, (size_t)(le - p));
			p = nl ? nl + 1 : end;
			(*line)++;
		}
		char *t = v.data;
		size_t n = v.len;
		while (n && (*t == ' ' || *t == '\t'))
			t++, n--;
		while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
			n--;
		t[n] = '\0';
		if (f == ED_ATTACH) {
			if (attach_line(c, t, *line, err) < 0)
				goto fail;
			continue;
		}
		if (ed_check(f, t, *line, err) < 0)
			goto fail;
		free(vals[f]);
		vals[f] = xstrdup(t);
	}
	buf_free(&v);
	return end;
fail:
	buf_free(&v);
	return NULL;
}

int compose_editor_read(struct compose *c, const char *text, size_t len, struct buf *err)
{
	char *vals[ED_N] = { 0 };
	unsigned line = 0;
	size_t natt = c->natt;
	const char *body;

	if (memchr(text, '\0', len)) {
		buf_puts(err, _("the message has a NUL byte"));
		return -1;
	}
	body = ed_header(c, text, text + len, vals, &line, err);
	if (!body) {
		while (c->natt > natt)
			compose_att_remove(c, c->natt - 1);
		for (int f = 0; f < ED_N; f++)
			free(vals[f]);
		return -1;
	}
	/* as mutt: the fields the editor shows are what the file says, so a
	 * deleted line clears its field; In-Reply-To and References only
	 * change when they are there */
	for (int f = 0; f < ED_ATTACH; f++) {
		char **slot = ed_slot(c, f);
		if (f >= ED_IN_REPLY_TO && !vals[f])
			continue;
		free(*slot);
		*slot = vals[f] && *vals[f] ? vals[f] : NULL;
		if (!*slot)
			free(vals[f]);
	}
	struct buf b = BUF_INIT;
	for (const char *p = body; p < text + len; p++)
		if (!(*p == '\r' && p + 1 < text + len && p[1] == '\n'))
			buf_putc(&b, *p);
	free(c->body);
	c->body = buf_detach(&b);
	if (!c->body)
		c->body = xstrdup("");
	return 0;
}
