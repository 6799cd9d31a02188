/* mstore_kw.c - keywords (RFC 3501 2.3.2 flag-keyword) kept as Dovecot
 * keeps them in a Maildir, so that other Maildir programs keep them too: a
 * message's keywords are lowercase letters in the info part of its file
 * name ("a" is keyword 0, "z" keyword 25), and FOLDER/dovecot-keywords
 * names them, a line "<index> <name>" each.  A folder has at most 26.
 * The file is only added to, under the UID list's lock, and replaced with
 * atomic_write_file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "fsutil.h"
#include "mstore.h"
#include "mstore_int.h"
#include "xalloc.h"

uint32_t mstore_kw_from_letters(const char *s)
{
	uint32_t kw = 0;

	for (; s && *s; s++)
		if (*s >= 'a' && *s <= 'z')
			kw |= 1u << (*s - 'a');
	return kw;
}

void mstore_info_letters(unsigned flags, uint32_t kw, char *out)
{
	size_t n;
	int i;

	mstore_flag_letters(flags, out);	/* uppercase sorts before lowercase */
	n = strlen(out);
	for (i = 0; i < MSTORE_KEYWORDS; i++)
		if (kw & (1u << i))
			out[n++] = (char)('a' + i);
	out[n] = '\0';
}

bool mstore_keyword_ok(const char *name)
{
	size_t i, len = strlen(name);

	/* RFC 3501 9: atom, and not a system flag; space would break the file */
	if (len == 0 || len > 100 || name[0] == '\\')
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c <= 0x20 || c >= 0x7f || strchr("(){%*\"\\]", c))
			return false;
	}
	return true;
}

void mstore_kw_clear(char **names)
{
	int i;

	for (i = 0; i < MSTORE_KEYWORDS; i++)
		x_free(&names[i]);
}

void mstore_kw_load(const char *dir, char **names)
{
	char *path = xasprintf("%s/dovecot-keywords", dir), *text = read_file(path, NULL);
	char *line, *save = NULL;

	mstore_kw_clear(names);
	free(path);
	for (line = text ? strtok_r(text, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' '), *end;
		long i = strtol(line, &end, 10);
		if (sp == NULL || end != sp || i < 0 || i >= MSTORE_KEYWORDS || names[i] ||
		    !mstore_keyword_ok(sp + 1))
			continue;	/* a damaged line is left out */
		names[i] = xstrdup(sp + 1);
	}
	free(text);
}

int mstore_kw_find(char *const *names, const char *name)
{
	int i;

	for (i = 0; i < MSTORE_KEYWORDS; i++)
		if (names[i] && strcasecmp(names[i], name) == 0)
			return i;
	return -1;
}

/* kw_save - write names back; 0 or -1 */
static int kw_save(const char *dir, char *const *names)
{
	char *path = xasprintf("%s/dovecot-keywords", dir);
	struct buf b = BUF_INIT;
	int i, rc;

	for (i = 0; i < MSTORE_KEYWORDS; i++)
		if (names[i])
			buf_printf(&b, "%d %s\n", i, names[i]);
	rc = atomic_write_file(path, b.data ? b.data : "", b.len, 0600);
	free(path);
	buf_free(&b);
	return rc;
}

int mstore_kw_mask(const char *dir, char **names, char *const *want, size_t n, bool create,
		   uint32_t *mask, struct buf *err)
{
	size_t k;
	int lock = -1, i, rc = 0;
	bool added = false;

	*mask = 0;
	for (k = 0; k < n; k++)	/* all known: no lock, no write */
		if ((i = mstore_kw_find(names, want[k])) >= 0)
			*mask |= 1u << i;
		else if (create)
			break;
	if (k == n)
		return 0;
	if ((lock = mstore_lock(dir)) < 0) {
		buf_printf(err, "cannot lock the UID list: %s", strerror(errno));
		return -1;
	}
	mstore_kw_load(dir, names);	/* another session may have added some */
	*mask = 0;
	for (k = 0; k < n && rc == 0; k++) {
		if ((i = mstore_kw_find(names, want[k])) < 0) {
			for (i = 0; i < MSTORE_KEYWORDS && names[i]; i++)
				;
			if (i == MSTORE_KEYWORDS) {
				buf_printf(err, "no room for another keyword (%d in this mailbox)",
					   MSTORE_KEYWORDS);
				rc = -1;
				break;
			}
			names[i] = xstrdup(want[k]);
			added = true;
		}
		*mask |= 1u << i;
	}
	if (rc == 0 && added && kw_save(dir, names) < 0) {
		buf_printf(err, "cannot write the keywords: %s", strerror(errno));
		rc = -1;
	}
	if (rc < 0)
		mstore_kw_load(dir, names);
	mstore_unlock(lock);
	return rc;
}

int mstore_keywords(struct mstore_box *b, char *const *want, size_t n, bool create,
		    uint32_t *mask, struct buf *err)
{
	return mstore_kw_mask(b->path, b->kw, want, n, create, mask, err);
}

void mstore_msg_flags_imap(const struct mstore_box *b, const struct mstore_msg *m,
			   struct buf *out)
{
	size_t start = out->len;
	int i;

	mstore_flags_imap(m->flags, false, out);
	for (i = 0; i < MSTORE_KEYWORDS; i++)
		if ((m->kw & (1u << i)) && b->kw[i])
			buf_printf(out, "%s%s", out->len > start ? " " : "", b->kw[i]);
	if (m->recent)
		buf_printf(out, "%s\\Recent", out->len > start ? " " : "");
}

size_t mstore_keywords_imap(const struct mstore_box *b, struct buf *out)
{
	size_t n = 0;
	int i;

	for (i = 0; i < MSTORE_KEYWORDS; i++)
		if (b->kw[i]) {
			buf_printf(out, " %s", b->kw[i]);
			n++;
		}
	return n;
}
