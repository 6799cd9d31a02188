/* hops.c - a message's journey from its Received fields.
 *
 * RFC 5321 4.4 gives the Time-stamp-line as
 *     "Received:" FWS Stamp, Stamp = From-domain By-domain Opt-info [CFWS] ";" date-time
 *     Opt-info = [Via] [With] [ID] [For] [Additional-Registered-Clauses]
 * with comments (CFWS) anywhere, where servers put what the grammar has no
 * room for: the agent's name ("by mx (Postfix)"), the client's address,
 * the TLS version.  The clauses are read as keyword, value, comments; the
 * header fields themselves come from libetpan's RFC 5322 parser. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libetpan/libetpan.h>
#include "buf.h"
#include "hops.h"
#include "mimeguard.h"
#include "rfc5322.h"
#include "xalloc.h"

/* A Received clause being read: keyword, value, and the comments after it. */
enum clause { C_NONE, C_FROM, C_BY, C_VIA, C_WITH, C_ID, C_FOR, C_OTHER };

static enum clause clause_of(const char *w, size_t n)
{
	static const struct { const char *kw; enum clause c; } kws[] = {
		{ "from", C_FROM }, { "by", C_BY }, { "via", C_VIA },
		{ "with", C_WITH }, { "id", C_ID }, { "for", C_FOR },
	};
	size_t i;

	for (i = 0; i < sizeof(kws) / sizeof(kws[0]); i++)
		if (strlen(kws[i].kw) == n && strncasecmp(w, kws[i].kw, n) == 0)
			return kws[i].c;
	return C_NONE;
}

/* skip_comment - p at '('; past the matching ')' (comments nest, RFC 5322
 * 3.2.2), or at the end of the string */
static const char *skip_comment(const char *p)
{
	int depth = 0;

	for (; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p + 1;
	}
	return p;
}

/* set_once - keep the first value a clause gives */
static void set_once(char **field, const char *p, size_t n)
{
	if (*field == NULL && n > 0)
		*field = xstrndup(p, n);
}

/* tls_version - "TLSv1.3" from the text (our MTA's and Postfix's comments),
 * or "TLS1_3" (Gmail's "version=TLS1_3"), as TLSv1.x */
static char *tls_version(const char *s)
{
	const char *p;

	for (p = s; (p = strstr(p, "TLS")) != NULL; p += 3) {
		const char *v = p + 3;
		size_t n;

		if (*v == 'v')
			v++;
		n = strspn(v, "0123456789._");
		if (n >= 3 && isdigit((unsigned char)v[0])) {
			char *out = xasprintf("TLSv%.*s", (int)n, v);
			char *u;

			for (u = out; *u; u++)
				if (*u == '_')
					*u = '.';
			return out;
		}
	}
	return NULL;
}

/* date_time - an RFC 5322 date-time as a time_t, or -1 */
static time_t date_time(const struct mailimf_date_time *d)
{
	struct tm tm = { 0 };
	time_t t;
	int zone;

	if (d == NULL || d->dt_month < 1 || d->dt_month > 12)
		return (time_t)-1;
	tm.tm_year = d->dt_year - 1900;
	tm.tm_mon = d->dt_month - 1;
	tm.tm_mday = d->dt_day;
	tm.tm_hour = d->dt_hour;
	tm.tm_min = d->dt_min;
	tm.tm_sec = d->dt_sec;
	if ((t = timegm(&tm)) == (time_t)-1)
		return t;
	zone = d->dt_zone;	/* +0130 is 130 */
	return t - ((zone / 100) * 3600 + (zone % 100) * 60);
}

static time_t parse_date(const char *s)
{
	struct mailimf_date_time *d = NULL;
	size_t idx = 0;
	time_t t;

	if (mailimf_date_time_parse(s, strlen(s), &idx, &d) != MAILIMF_NO_ERROR)
		return (time_t)-1;
	t = date_time(d);
	mailimf_date_time_free(d);
	return t;
}

/* role_of - the agent's role (RFC 5598) from its name, else its protocol
 * (RFC 3848 and RFC 6531 "with" keywords; an A means authenticated
 * submission) */
static const char *role_of(const struct hop *h)
{
	static const struct { const char *prefix; const char *role; } programs[] = {
		{ "poczta-msa", "MSA" }, { "poczta-sendmail", "MSA" }, { "poczta-mta", "MTA" },
		{ "poczta-mda", "MDA" }, { "poczta-mra", "MRA" }, { "poczta-maa", "MAA" },
		{ "fetchmail", "MRA" }, { "getmail", "MRA" },
	};
	const char *w = h->protocol;
	size_t i, n;

	for (i = 0; h->program && i < sizeof(programs) / sizeof(programs[0]); i++)
		if (strncasecmp(h->program, programs[i].prefix, strlen(programs[i].prefix)) == 0)
			return programs[i].role;
	if (w == NULL)
		return h->from == NULL ? "MSA" : "?";	/* "by host (..., from userid N)" */
	n = strlen(w);
	if (strcasecmp(w, "LMTP") == 0 || strcasecmp(w, "LMTPS") == 0 ||
	    strcasecmp(w, "LMTPSA") == 0 || strcasecmp(w, "local") == 0)
		return "MDA";
	if (strncasecmp(w, "IMAP", 4) == 0 || strncasecmp(w, "POP", 3) == 0)
		return "MRA";
	if (n > 0 && toupper((unsigned char)w[n - 1]) == 'A' && strcasestr(w, "SMTP"))
		return "MSA";
	if (strcasestr(w, "SMTP") || strcasecmp(w, "HTTP") == 0 || strcasecmp(w, "HTTPS") == 0)
		return "MTA";
	return "?";
}

void hops_parse_received(const char *value, struct hop *out)
{
	struct buf v = BUF_INIT;
	const char *p, *semi, *end;
	enum clause cur = C_NONE;
	bool comment_seen = false;

	memset(out, 0, sizeof(*out));
	out->when = (time_t)-1;
	/* unfold: a line break and the white space after it are one space */
	for (p = value; *p; p++)
		buf_putc(&v, *p == '\r' || *p == '\n' || *p == '\t' ? ' ' : *p);
	value = buf_cstr(&v);
	semi = strrchr(value, ';');
	end = semi ? semi : value + strlen(value);
	if (semi)
		out->when = parse_date(semi + 1);

	for (p = value; p < end;) {
		const char *w;
		size_t n;
		enum clause c;

		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		if (*p == '(') {
			const char *q = skip_comment(p);

			if (q > end)
				q = end;
			/* the first comment after "by" names the agent:
			 * "(poczta-mta)", "(Postfix)", "(Postfix, from userid 0)" */
			if (cur == C_BY && !comment_seen) {
				size_t k = strcspn(p + 1, ",; )");

				if (k > 0 && (size_t)(q - p) > k + 1)
					set_once(&out->program, p + 1, k);
			}
			/* Exim names itself in a comment after "with" */
			if (cur != C_BY && strncasecmp(p + 1, "Exim ", 5) == 0)
				set_once(&out->program, p + 1, 4);
			comment_seen = true;
			p = q;
			continue;
		}
		w = p;
		if (*p == '<') {
			const char *q = memchr(p, '>', (size_t)(end - p));

			p = q ? q + 1 : end;
		} else {
			while (p < end && !isspace((unsigned char)*p) && *p != '(')
				p++;
		}
		n = (size_t)(p - w);
		if ((c = clause_of(w, n)) != C_NONE) {
			cur = c;
			comment_seen = false;
			continue;
		}
		switch (cur) {
		case C_FROM: set_once(&out->from, w, n); break;
		case C_BY: set_once(&out->by, w, n); break;
		case C_WITH: set_once(&out->protocol, w, n); break;
		case C_ID: set_once(&out->id, w, n); break;
		case C_FOR:
			if (n >= 2 && w[0] == '<' && w[n - 1] == '>')
				set_once(&out->rcpt, w + 1, n - 2);
			else
				set_once(&out->rcpt, w, n);
			break;
		default: cur = C_OTHER; break;
		}
	}
	out->tls = tls_version(value);
	if (out->tls == NULL && out->protocol) {
		size_t n = strlen(out->protocol);
		const char *w = out->protocol;

		/* ESMTPS, ESMTPSA, UTF8SMTPS, LMTPS: "with TLS" without a version */
		if ((n > 1 && toupper((unsigned char)w[n - 1]) == 'S' && strcasestr(w, "TP")) ||
		    (n > 2 && strncasecmp(w + n - 2, "SA", 2) == 0 && strcasestr(w, "TP")))
			out->tls = xstrdup("TLS");
	}
	out->role = role_of(out);
	buf_free(&v);
}

void hop_free(struct hop *h)
{
	free(h->from);
	free(h->by);
	free(h->program);
	free(h->protocol);
	free(h->tls);
	free(h->id);
	free(h->rcpt);
	memset(h, 0, sizeof(*h));
}

/* optional_value - a field libetpan leaves unparsed, by name */
static bool is_field(const struct mailimf_optional_field *f, const char *name)
{
	return f->fld_name && strcasecmp(f->fld_name, name) == 0;
}

/* trim - a newly allocated copy of s without the white space around it */
static char *trim(const char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

int hops_parse(const char *msg, size_t len, struct hops *out)
{
	struct mailimf_fields *fields = NULL;
	size_t idx = 0, hlen = rfc5322_header_end(msg, len), i, n = 0;
	char *scan;
	clistiter *it;
	int rc;

	memset(out, 0, sizeof(*out));
	out->date = (time_t)-1;
	if (hlen == 0)
		return -1;
	scan = mimeguard_flatten(msg, hlen);	/* the parser recurses per comment */
	rc = mailimf_fields_parse(scan, hlen, &idx, &fields);
	if (scan != msg)
		free(scan);
	if (rc != MAILIMF_NO_ERROR)
		return -1;
	for (it = clist_begin(fields->fld_list); it; it = clist_next(it)) {
		struct mailimf_field *f = clist_content(it);

		switch (f->fld_type) {
		case MAILIMF_FIELD_ORIG_DATE:
			if (out->date == (time_t)-1)
				out->date = date_time(f->fld_data.fld_orig_date->dt_date_time);
			break;
		case MAILIMF_FIELD_MESSAGE_ID:
			if (!out->message_id && f->fld_data.fld_message_id->mid_value)
				out->message_id = xstrdup(f->fld_data.fld_message_id->mid_value);
			break;
		case MAILIMF_FIELD_SUBJECT:
			if (!out->subject && f->fld_data.fld_subject->sbj_value)
				out->subject = trim(f->fld_data.fld_subject->sbj_value);
			break;
		case MAILIMF_FIELD_RETURN_PATH: {
			struct mailimf_path *pt = f->fld_data.fld_return_path->ret_path;

			if (!out->return_path && pt)
				out->return_path = xstrdup(pt->pt_addr_spec ? pt->pt_addr_spec : "");
			break;
		}
		case MAILIMF_FIELD_OPTIONAL_FIELD: {
			struct mailimf_optional_field *o = f->fld_data.fld_optional_field;

			if (is_field(o, "Received"))
				n++;
			else if (is_field(o, "Delivered-To") && !out->delivered_to)
				out->delivered_to = trim(o->fld_value);
			break;
		}
		default:
			break;
		}
	}
	/* Each hop puts its Received on top (RFC 5321 4.4): the last is the oldest. */
	out->hop = xcalloc(n ? n : 1, sizeof(*out->hop));
	out->n = n;
	i = n;
	for (it = clist_begin(fields->fld_list); it; it = clist_next(it)) {
		struct mailimf_field *f = clist_content(it);

		if (f->fld_type == MAILIMF_FIELD_OPTIONAL_FIELD &&
		    is_field(f->fld_data.fld_optional_field, "Received"))
			hops_parse_received(f->fld_data.fld_optional_field->fld_value,
					    &out->hop[--i]);
	}
	mailimf_fields_free(fields);
	return 0;
}

void hops_free(struct hops *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		hop_free(&h->hop[i]);
	free(h->hop);
	free(h->message_id);
	free(h->subject);
	free(h->return_path);
	free(h->delivered_to);
	memset(h, 0, sizeof(*h));
}

void hops_delay(time_t prev, time_t t, char *out, size_t size)
{
	long long d;

	if (prev == (time_t)-1 || t == (time_t)-1) {
		snprintf(out, size, "-");
		return;
	}
	d = (long long)t - (long long)prev;
	if (d < 0)
		snprintf(out, size, "-%llds", -d);	/* clocks disagree */
	else if (d < 60)
		snprintf(out, size, "+%llds", d);
	else if (d < 3600)
		snprintf(out, size, "+%lldm%02llds", d / 60, d % 60);
	else if (d < 86400)
		snprintf(out, size, "+%lldh%02lldm", d / 3600, d % 3600 / 60);
	else
		snprintf(out, size, "+%lldd%02lldh", d / 86400, d % 86400 / 3600);
}
