/* mimeview.c - one message made readable for the pager: the MIME tree from
 * libetpan's mailmime_parse walked in IMAP part order (RFC 3501 6.4.5),
 * the text parts decoded and shown, the others listed as attachments. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "fsutil.h"
#include "rfc5322.h"
#include "i18n.h"
#include "mimeguard.h"
#include "mimeview_int.h"
#include "xalloc.h"

enum walk_mode {
	WALK_SHOW,		/* render what can be read, list the rest */
	WALK_LIST,		/* only record the parts (an alternative not chosen) */
	WALK_ATTACH,		/* record and list every part as an attachment */
};

static void walk_node(struct mv_out *out, struct mailmime *m, const char *id, int depth,
		      enum walk_mode mode);
static void walk_body(struct mv_out *out, struct mailmime *body, const char *id, int depth,
		      enum walk_mode mode);

/* child_id - "N" under the top, else "id.N"; newly allocated */
static char *child_id(const char *id, int n)
{
	return *id ? xasprintf("%s.%d", id, n) : xasprintf("%d", n);
}

/* mime_type - lowercase "type/subtype" of m; newly allocated */
static char *mime_type(const struct mailmime *m)
{
	static const char *const discrete[] = {
		"application", "text", "image", "audio", "video", "application",
	};
	const struct mailmime_content *ct = m->mm_content_type;
	const struct mailmime_type *t = ct ? ct->ct_type : NULL;
	const char *major = "application";
	char *s, *p;

	if (!ct || !t)
		return xstrdup(m->mm_type == MAILMIME_MULTIPLE ? "multipart/mixed" :
			       m->mm_type == MAILMIME_MESSAGE ? "message/rfc822" : "text/plain");
	if (t->tp_type == MAILMIME_TYPE_DISCRETE_TYPE && t->tp_data.tp_discrete_type) {
		const struct mailmime_discrete_type *d = t->tp_data.tp_discrete_type;
		if (d->dt_type == MAILMIME_DISCRETE_TYPE_EXTENSION && d->dt_extension)
			major = d->dt_extension;
		else if (d->dt_type > 0 && d->dt_type < 6)
			major = discrete[d->dt_type];
	} else if (t->tp_type == MAILMIME_TYPE_COMPOSITE_TYPE && t->tp_data.tp_composite_type) {
		const struct mailmime_composite_type *c = t->tp_data.tp_composite_type;
		major = c->ct_type == MAILMIME_COMPOSITE_TYPE_MESSAGE ? "message" :
			c->ct_type == MAILMIME_COMPOSITE_TYPE_MULTIPART ? "multipart" :
			c->ct_token ? c->ct_token : "application";
	}
	s = xasprintf("%s/%s", major, ct->ct_subtype ? ct->ct_subtype : "octet-stream");
	for (p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

/* disposition_filename - the file name of Content-Disposition, RFC 2231
 * forms included; NULL when there is none */
static char *disposition_filename(struct mailmime_disposition *d)
{
	struct mailmime_parameter *fake = NULL;
	clist *l;
	clistiter *c;
	char *res;

	if (!d || !d->dsp_parms)
		return NULL;
	l = clist_new();
	for (c = clist_begin(d->dsp_parms); c; c = clist_next(c)) {
		struct mailmime_disposition_parm *pa = clist_content(c);
		if (pa->pa_type == MAILMIME_DISPOSITION_PARM_PARAMETER) {
			clist_append(l, pa->pa_data.pa_parameter);
		} else if (pa->pa_type == MAILMIME_DISPOSITION_PARM_FILENAME && !fake) {
			fake = xcalloc(1, sizeof(*fake));
			fake->pa_name = (char *)"filename";
			fake->pa_value = pa->pa_data.pa_filename;
			clist_append(l, fake);
		}
	}
	res = mv_param(l, "filename");
	clist_free(l);
	free(fake);
	return res;
}

/* body_of - the encoded body of a single part, or false */
static bool body_of(const struct mailmime *m, const char **p, size_t *n)
{
	if (!m->mm_body || m->mm_body->dt_type != MAILMIME_DATA_TEXT)
		return false;
	*p = m->mm_body->dt_data.dt_text.dt_data;
	*n = m->mm_body->dt_data.dt_text.dt_length;
	return *p != NULL;
}

/* encoding_of - the Content-Transfer-Encoding of m */
static int encoding_of(const struct mailmime *m)
{
	struct mailmime_single_fields sf;

	mailmime_single_fields_init(&sf, m->mm_mime_fields, m->mm_content_type);
	return sf.fld_encoding ? sf.fld_encoding->enc_type : MAILMIME_MECHANISM_8BIT;
}

bool mv_decode(const struct mailmime *m, struct buf *b)
{
	const char *p, *tail = "";
	size_t n, idx = 0, rlen;
	int enc = encoding_of(m);
	char *r;

	if (!body_of(m, &p, &n))
		return false;
	/* libetpan's quoted-printable decoder reads past an "=" or "=X" at
	 * the very end: such an end is cut off here.  "=" (a soft break with
	 * nothing after it) goes; "=X" is not an escape and stays as text. */
	if (enc == MAILMIME_MECHANISM_QUOTED_PRINTABLE && n >= 1 && p[n - 1] == '=') {
		n--;
	} else if (enc == MAILMIME_MECHANISM_QUOTED_PRINTABLE && n >= 2 && p[n - 2] == '=') {
		if (p[n - 1] != '\r' && p[n - 1] != '\n')
			tail = p + n - 2;
		n -= 2;
	}
	if (mailmime_part_parse(p, n, &idx, enc, &r, &rlen) != MAILIMF_NO_ERROR)
		return false;
	buf_append(b, r, rlen);
	buf_append(b, tail, *tail ? 2 : 0);
	mmap_string_unref(r);
	return true;
}

/* decoded_size - the decoded octets of a part, without decoding a large
 * base64 body: each 4 characters of the alphabet are 3 octets */
static size_t decoded_size(const struct mailmime *m)
{
	const char *p;
	size_t n, i, k = 0;
	struct buf b = BUF_INIT;

	if (!body_of(m, &p, &n))
		return 0;
	if (encoding_of(m) == MAILMIME_MECHANISM_BASE64) {
		for (i = 0; i < n; i++)
			if (isalnum((unsigned char)p[i]) || p[i] == '+' || p[i] == '/')
				k++;
		return k * 3 / 4;
	}
	if (encoding_of(m) != MAILMIME_MECHANISM_QUOTED_PRINTABLE || n > MV_TEXT_MAX)
		return n;
	mv_decode(m, &b);
	n = b.len;
	buf_free(&b);
	return n;
}

/* part_add - record m as a part; its index in mv->parts */
static size_t part_add(struct mv_out *out, struct mailmime *m, const char *id, int depth)
{
	struct mimeview *mv = out->mv;
	struct mimeview_part *pt;
	struct mailmime_single_fields sf;

	if (mv->nparts == out->pcap) {
		out->pcap = out->pcap ? out->pcap * 2 : 8;
		mv->parts = xreallocarray(mv->parts, out->pcap, sizeof(*mv->parts));
	}
	pt = &mv->parts[mv->nparts];
	memset(pt, 0, sizeof(*pt));
	mailmime_single_fields_init(&sf, m->mm_mime_fields, m->mm_content_type);
	pt->id = xstrdup(id);
	pt->type = mime_type(m);
	pt->filename = disposition_filename(sf.fld_disposition);
	if (!pt->filename && m->mm_content_type)
		pt->filename = mv_param(m->mm_content_type->ct_parameters, "name");
	if (m->mm_content_type)
		pt->charset = mv_param(m->mm_content_type->ct_parameters, "charset");
	for (char *c = pt->charset; c && *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (sf.fld_description)
		pt->description = mimeview_decode_header(sf.fld_description);
	pt->size = m->mm_type == MAILMIME_SINGLE ? decoded_size(m) : m->mm_length;
	/* the nesting a reader sees: one level per dot of the IMAP number */
	for (const char *d = id; *d; d++)
		pt->depth += *d == '.';
	pt->attachment = sf.fld_disposition && sf.fld_disposition->dsp_type &&
		sf.fld_disposition->dsp_type->dsp_type == MAILMIME_DISPOSITION_TYPE_ATTACHMENT;
	return mv->nparts++;
}

/* human_size - "512B", "12K", "1.5M", "50M" */
static char *human_size(size_t n)
{
	if (n < 1024)
		return xasprintf("%zuB", n);
	if (n < 1024 * 1024)
		return xasprintf("%zuK", (n + 512) / 1024);
	if (n < 10 * 1024 * 1024)
		return xasprintf("%.1fM", (double)n / (1024 * 1024));
	return xasprintf("%zuM", (n + 512 * 1024) / (1024 * 1024));
}

/* attachment_line - "[-- Attachment #2: file.pdf (application/pdf, 12K) --]" */
static void attachment_line(struct mv_out *out, size_t i)
{
	struct mimeview_part *pt = &out->mv->parts[i];
	const char *name = pt->filename ? pt->filename : pt->description;
	char *size = human_size(pt->size), *line;
	struct buf b = BUF_INIT;

	pt->attachment = true;
	/* TRANSLATORS: part number, file name, MIME type, size ("12K") */
	if (name)
		line = xasprintf(_("[-- Attachment #%s: %s (%s, %s) --]"), pt->id, name, pt->type, size);
	else
		line = xasprintf(_("[-- Attachment #%s (%s, %s) --]"), pt->id, pt->type, size);
	mv_utf8_clean(&b, line, strlen(line));
	mv_line(out, MV_ATTACHMENT, 0, b.data, b.len);
	buf_free(&b);
	free(line);
	free(size);
}

/* separate - a blank line before a part that follows other text */
static void separate(struct mv_out *out)
{
	struct mimeview *mv = out->mv;

	if (mv->nlines && mv->lines[mv->nlines - 1].text[0] != '\0')
		mv_line(out, MV_BODY, 0, "", 0);
}

/* bad_base64 - whether a base64 body has characters outside the alphabet
 * (RFC 2045 6.8 says to ignore them, but the reader should know) */
static bool bad_base64(const struct mailmime *m)
{
	const char *p;
	size_t n, i;

	if (encoding_of(m) != MAILMIME_MECHANISM_BASE64 || !body_of(m, &p, &n))
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)p[i]) && !strchr("+/=\r\n \t", p[i]))
			return true;
	return false;
}

/* show_text - decode, convert and render a text part */
static void show_text(struct mv_out *out, struct mailmime *m, size_t i)
{
	struct mimeview_part *pt = &out->mv->parts[i];
	struct buf raw = BUF_INIT, u = BUF_INIT;
	char *format = NULL, *delsp = NULL;
	long bad;

	separate(out);
	if (!mv_decode(m, &raw)) {
		mv_note(out, _("part %s could not be decoded"), pt->id);
		return;
	}
	if (bad_base64(m))
		mv_note(out, _("invalid base64 in part %s: decoded what could be"), pt->id);
	bad = mv_to_utf8(&u, raw.data ? raw.data : "", raw.len, pt->charset);
	if (bad < 0)
		mv_note(out, _("unknown charset %s: shown as UTF-8, other bytes as U+FFFD"), pt->charset);
	else if (bad > 0)
		mv_note(out, ngettext("%ld byte not valid in %s shown as U+FFFD",
				      "%ld bytes not valid in %s shown as U+FFFD", (unsigned long)bad),
			bad, pt->charset ? pt->charset : "us-ascii");
	pt = &out->mv->parts[i];
	pt->shown = true;
	if (strcmp(pt->type, "text/html") == 0) {
		mv_html(out, u.data ? u.data : "", u.len);
	} else {
		if (m->mm_content_type) {
			format = mv_param(m->mm_content_type->ct_parameters, "format");
			delsp = mv_param(m->mm_content_type->ct_parameters, "delsp");
		}
		mv_text(out, u.data ? u.data : "", u.len, format && strcasecmp(format, "flowed") == 0,
			delsp && strcasecmp(delsp, "yes") == 0);
	}
	free(format);
	free(delsp);
	buf_free(&raw);
	buf_free(&u);
}

/* walk_single - a leaf: shown when it is readable text, else listed */
static void walk_single(struct mv_out *out, struct mailmime *m, const char *id, int depth,
			enum walk_mode mode)
{
	size_t i = part_add(out, m, id, depth);
	struct mimeview_part *pt = &out->mv->parts[i];
	const char *p;
	size_t n = 0;

	if (mode == WALK_LIST)
		return;
	body_of(m, &p, &n);
	if (mode == WALK_SHOW && !pt->attachment && strncmp(pt->type, "text/", 5) == 0) {
		if (n <= MV_TEXT_MAX) {
			show_text(out, m, i);
			return;
		}
		/* bounded work: a huge text part is only listed */
		mv_note(out, _("part %s is too large to show here"), id);
	}
	attachment_line(out, i);
}

/* alt_score - how well an alternative suits the reader (RFC 2046 5.1.4:
 * the last of equal ones is the best) */
static int alt_score(struct mailmime *m, bool html)
{
	char *t = mime_type(m);
	int s = 0;

	if (strcmp(t, "text/plain") == 0)
		s = html ? 1 : 3;
	else if (strcmp(t, "text/html") == 0)
		s = html ? 3 : 2;
	else if (strncmp(t, "multipart/", 10) == 0)
		s = html ? 2 : 1;
	else if (strncmp(t, "text/", 5) == 0)
		s = 1;
	free(t);
	return s;
}

/* walk_children - the parts of a multipart, numbered under id */
static void walk_children(struct mv_out *out, struct mailmime *m, const char *id, int depth,
			  enum walk_mode mode)
{
	char *type = mime_type(m);
	const char *bnd = m->mm_content_type ? mailmime_content_param_get(m->mm_content_type, "boundary") : NULL;
	bool alt = strcmp(type, "multipart/alternative") == 0;
	bool related = strcmp(type, "multipart/related") == 0;
	clistiter *c;
	clistiter *best = NULL;
	int n = 0, bs = -1;

	if (mode == WALK_SHOW && bnd) {
		char *close = xasprintf("--%s--", bnd);
		if (m->mm_mime_start && !memmem(m->mm_mime_start, m->mm_length, close, strlen(close)))
			mv_note(out, _("%s has no closing boundary: the message may be cut short"), type);
		free(close);
	}
	for (c = alt ? clist_begin(m->mm_data.mm_multipart.mm_mp_list) : NULL; c; c = clist_next(c)) {
		int s = alt_score(clist_content(c), out->o->prefer_html);
		if (s >= bs)
			bs = s, best = c;
	}
	for (c = clist_begin(m->mm_data.mm_multipart.mm_mp_list); c; c = clist_next(c)) {
		char *cid = child_id(id, ++n);
		enum walk_mode cm = mode;

		if (mode == WALK_SHOW && alt && c != best)
			cm = WALK_LIST;
		else if (mode == WALK_SHOW && related && n > 1)
			cm = WALK_ATTACH;
		walk_node(out, clist_content(c), cid, depth + 1, cm);
		free(cid);
	}
	free(type);
}

/* walk_message - a message/rfc822 part: its headers, then its body */
static void walk_message(struct mv_out *out, struct mailmime *m, const char *id, int depth,
			 enum walk_mode mode)
{
	size_t i = part_add(out, m, id, depth);
	const char *p;
	size_t n;

	if (mode != WALK_SHOW || out->mv->parts[i].attachment) {
		if (mode != WALK_LIST)
			attachment_line(out, i);
		walk_body(out, m->mm_data.mm_message.mm_msg_mime, id, depth + 1, WALK_LIST);
		return;
	}
	out->mv->parts[i].shown = true;
	separate(out);
	/* TRANSLATORS: a message/rfc822 part shown inline; %s: its number */
	mv_note(out, _("Forwarded message (part %s)"), id);
	if (body_of(m, &p, &n))
		mv_headers(out, p, n, NULL);
	mv_line(out, MV_BODY, 0, "", 0);
	walk_body(out, m->mm_data.mm_message.mm_msg_mime, id, depth + 1, mode);
}

static void walk_node(struct mv_out *out, struct mailmime *m, const char *id, int depth,
		      enum walk_mode mode)
{
	if (!m)
		return;
	if (depth > MV_DEPTH_MAX) {
		if (mode == WALK_SHOW)
			mv_note(out, _("part %s is nested too deeply to show"), id);
		return;
	}
	if (m->mm_type == MAILMIME_MULTIPLE) {
		size_t i = part_add(out, m, id, depth);
		out->mv->parts[i].shown = mode == WALK_SHOW;
		walk_children(out, m, id, depth, mode);
	} else if (m->mm_type == MAILMIME_MESSAGE) {
		walk_message(out, m, id, depth, mode);
	} else {
		walk_single(out, m, id, depth, mode);
	}
}

/* walk_body - the body of a message numbered under id (RFC 3501 6.4.5:
 * a multipart body has no number of its own, a single one is id.1) */
static void walk_body(struct mv_out *out, struct mailmime *body, const char *id, int depth,
		      enum walk_mode mode)
{
	char *cid;

	if (!body)
		return;
	if (body->mm_type == MAILMIME_MULTIPLE) {
		if (depth > MV_DEPTH_MAX) {
			walk_node(out, body, id, depth, mode);
			return;
		}
		walk_children(out, body, id, depth, mode);
		return;
	}
	cid = child_id(id, 1);
	walk_node(out, body, cid, depth, mode);
	free(cid);
}

int mv_mime_parse(const char *data, size_t len, struct mailmime **top)
{
	const char *p = data, *end = data + len;
	size_t idx = 0;
	int fields = 0;

	/* libetpan parses nested parts by recursion: every level needs a
	 * Content-Type field (a digest's parts need one every other level),
	 * so counting them bounds the depth and the stack it needs */
	while (p < end) {
		const char *nl;
		if ((size_t)(end - p) >= 12 && strncasecmp(p, "content-type", 12) == 0 &&
		    ++fields > MV_FIELDS_MAX)
			return -1;
		if (!(nl = memchr(p, '\n', (size_t)(end - p))))
			break;
		p = nl + 1;
	}
	*top = NULL;
	if (mailmime_parse(data, len, &idx, top) != MAILIMF_NO_ERROR || !*top)
		return 0;
	return 1;
}

struct mimeview *mimeview_parse(const char *data, size_t len, const struct mimeview_opts *o)
{
	static const struct mimeview_opts defaults = { 0 };
	struct mimeview *mv = xcalloc(1, sizeof(*mv));
	struct mv_out out = { 0 };
	struct mailmime *top = NULL;
	/* comments nested to overflow libetpan's stack made blanks: the whole
	 * rendering reads the copy, which libetpan's tree points into */
	const char *orig = data;
	char *scan = mimeguard_flatten(data, len);
	int rc;

	data = scan;

	out.mv = mv;
	out.o = o ? o : &defaults;
	out.width = out.o->width > 0 ? out.o->width : 78;
	mv_headers(&out, data, len, mv);
	mv_line(&out, MV_BODY, 0, "", 0);
	rc = mv_mime_parse(data, len, &top);
	if (rc <= 0) {
		size_t h = rfc5322_header_end(data, len);
		struct buf u = BUF_INIT;

		if (rc < 0)
			mv_note(&out, _("too many MIME parts: shown as it is"));
		else
			mv_note(&out, _("the message could not be parsed: shown as it is"));
		mv_utf8_clean(&u, data + h, len - h);
		mv_text(&out, u.data ? u.data : "", u.len, false, false);
		buf_free(&u);
	} else {
		walk_body(&out, top->mm_type == MAILMIME_MESSAGE ? top->mm_data.mm_message.mm_msg_mime : top,
			  "", 0, WALK_SHOW);
		mailmime_free(top);
	}
	mailcap_free(out.mc);
	if (scan != orig)
		free(scan);
	return mv;
}
