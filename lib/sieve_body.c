/* sieve_body.c - the body test's view of a message (RFC 5173 5): the raw
 * body, or the MIME parts whose type is asked for, with their transfer
 * encoding undone and text converted to UTF-8.  The MIME tree comes from
 * libetpan's mailmime_parse, which points into the message instead of
 * copying it. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libetpan/libetpan.h>
#include "mimeguard.h"
#include "sieve_msg.h"
#include "xalloc.h"

#define SIEVE_MAX_MIME_DEPTH 50	/* deeper parts are not looked at */

struct sieve_mime {
	struct mailmime *root;	/* NULL if the message did not parse */
	char *scan;		/* what root points into: the message made safe
				 * for libetpan (lib/mimeguard.h), or NULL when
				 * that is the message itself */
};

/* More Content-Type fields than this and the body is not parsed into parts
 * (a hostile nesting would overflow the stack of the delivery agent) */
#define SIEVE_BODY_MAX_PARTS 1000

/* A walk over the parts: what to look for and what to call. */
struct body_walk {
	const struct sieve_strlist *types;	/* NULL: every text part (:text) */
	bool (*fn)(void *arg, const char *text, size_t n);
	void *arg;
};

void sieve_body_free(struct sieve_mime **cache)
{
	if (!*cache)
		return;
	if ((*cache)->root)
		mailmime_free((*cache)->root);
	free((*cache)->scan);
	x_free(cache);
}

/* body_type - the main type of a Content-Type, "text" when there is none
 * (RFC 2045 5.2) */
static const char *body_type(const struct mailmime_content *ct)
{
	static const char *const discrete[] = {
		"", "text", "image", "audio", "video", "application",
	};

	if (!ct || !ct->ct_type)
		return "text";
	if (ct->ct_type->tp_type == MAILMIME_TYPE_COMPOSITE_TYPE) {
		struct mailmime_composite_type *c = ct->ct_type->tp_data.tp_composite_type;

		if (c->ct_type == MAILMIME_COMPOSITE_TYPE_MESSAGE)
			return "message";
		if (c->ct_type == MAILMIME_COMPOSITE_TYPE_MULTIPART)
			return "multipart";
		return c->ct_token ? c->ct_token : "";
	}
	if (ct->ct_type->tp_data.tp_discrete_type->dt_type == MAILMIME_DISCRETE_TYPE_EXTENSION)
		return ct->ct_type->tp_data.tp_discrete_type->dt_extension;
	if ((size_t)ct->ct_type->tp_data.tp_discrete_type->dt_type < sizeof discrete / sizeof discrete[0])
		return discrete[ct->ct_type->tp_data.tp_discrete_type->dt_type];
	return "";
}

/* body_type_wanted - RFC 5173 5.2: "" takes every part, "type" every
 * subtype of it, "type/subtype" just that */
static bool body_type_wanted(const struct body_walk *w, const struct mailmime_content *ct)
{
	const char *type = body_type(ct);
	const char *sub = ct && ct->ct_subtype ? ct->ct_subtype : "plain";
	size_t i;

	if (!w->types)
		return strcasecmp(type, "text") == 0;
	for (i = 0; i < w->types->n; i++) {
		const char *want = w->types->v[i];
		const char *slash = strchr(want, '/');
		size_t tl = slash ? (size_t)(slash - want) : strlen(want);

		if (!*want)
			return true;
		if (strlen(type) != tl || strncasecmp(type, want, tl) != 0)
			continue;
		if (!slash || strcasecmp(slash + 1, sub) == 0)
			return true;
	}
	return false;
}

/* body_utf8 - text in the part's charset converted to UTF-8; calls fn */
static bool body_utf8(const struct body_walk *w, const struct mailmime_content *ct,
		      const char *text, size_t n)
{
	char *charset = ct && strcasecmp(body_type(ct), "text") == 0 ?
		mailmime_content_charset_get((struct mailmime_content *)ct) : NULL;
	char *conv = NULL;
	size_t convlen = 0;
	bool hit;

	if (charset && strcasecmp(charset, "utf-8") && strcasecmp(charset, "us-ascii") &&
	    charconv_buffer("utf-8", charset, text, n, &conv, &convlen) == MAIL_CHARCONV_NO_ERROR) {
		hit = w->fn(w->arg, conv, convlen);
		charconv_buffer_free(conv);
		return hit;
	}
	return w->fn(w->arg, text, n);
}

/* body_single - decode one leaf part and hand it on */
static bool body_single(const struct body_walk *w, struct mailmime *mime)
{
	struct mailmime_data *d = mime->mm_data.mm_single;
	char *dec = NULL;
	size_t idx = 0, declen = 0;
	bool hit;

	if (!d || d->dt_type != MAILMIME_DATA_TEXT || !body_type_wanted(w, mime->mm_content_type))
		return false;
	if (!d->dt_encoded || d->dt_encoding == MAILMIME_MECHANISM_7BIT ||
	    d->dt_encoding == MAILMIME_MECHANISM_8BIT || d->dt_encoding == MAILMIME_MECHANISM_BINARY)
		return body_utf8(w, mime->mm_content_type, d->dt_data.dt_text.dt_data,
				 d->dt_data.dt_text.dt_length);
	if (mailmime_part_parse(d->dt_data.dt_text.dt_data, d->dt_data.dt_text.dt_length,
				&idx, d->dt_encoding, &dec, &declen) != MAILIMF_NO_ERROR)
		return false;
	hit = body_utf8(w, mime->mm_content_type, dec, declen);
	mailmime_decoded_part_free(dec);
	return hit;
}

/* body_walk_part - visit mime and the parts inside it, depth first */
static bool body_walk_part(const struct body_walk *w, struct mailmime *mime, int depth)
{
	clistiter *it;

	if (!mime || depth > SIEVE_MAX_MIME_DEPTH)
		return false;
	switch (mime->mm_type) {
	case MAILMIME_SINGLE:
		return body_single(w, mime);
	case MAILMIME_MULTIPLE:
		for (it = clist_begin(mime->mm_data.mm_multipart.mm_mp_list); it; it = clist_next(it))
			if (body_walk_part(w, clist_content(it), depth + 1))
				return true;
		return false;
	case MAILMIME_MESSAGE:
		return body_walk_part(w, mime->mm_data.mm_message.mm_msg_mime, depth + 1);
	}
	return false;
}

/* body_tree - the parsed MIME tree, parsed on first use */
static struct mailmime *body_tree(const char *data, size_t len, struct sieve_mime **cache)
{
	size_t idx = 0;

	if (!*cache) {
		char *scan = mimeguard_flatten(data, len);

		*cache = xcalloc(1, sizeof **cache);
		if (scan != data)
			(*cache)->scan = scan;
		if (mimeguard_too_deep(scan, len, SIEVE_BODY_MAX_PARTS) ||
		    mailmime_parse(scan, len, &idx, &(*cache)->root) != MAILIMF_NO_ERROR)
			(*cache)->root = NULL;
	}
	return (*cache)->root;
}

bool sieve_body_each(const char *data, size_t len, enum sieve_bodytf tf,
		     const struct sieve_strlist *types, struct sieve_mime **cache,
		     bool (*fn)(void *arg, const char *text, size_t n), void *arg)
{
	struct body_walk w = { tf == SIEVE_BODY_CONTENT ? types : NULL, fn, arg };
	size_t start;

	start = sieve_msg_body_start(data, len);
	if (tf == SIEVE_BODY_RAW)
		return fn(arg, data + start, len - start);
	if (start == len)	/* no body: one empty text part */
		return (tf == SIEVE_BODY_TEXT || body_type_wanted(&w, NULL)) && fn(arg, "", 0);
	return body_walk_part(&w, body_tree(data, len, cache), 0);
}
