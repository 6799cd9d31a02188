/* rcpt.c - a recipient address to a local user, Maildir and Sieve script. */
#include <ctype.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "buf.h"
#include "conf.h"
#include "mda.h"
#include "strlist.h"
#include "users.h"
#include "xalloc.h"

/* mda_expand - a path template for user: %u is the user name, a leading ~/
 * that user's home (or ours, for a user with no system account), a relative
 * path is relative to the configuration's directory.  Newly allocated. */
static char *mda_expand(const struct mda *m, const char *tmpl, const char *user)
{
	struct buf b = BUF_INIT;
	const char *s = tmpl;

	if (strncmp(s, "~/", 2) == 0) {
		struct passwd *pw = getpwnam(user);
		const char *home = pw ? pw->pw_dir : getenv("HOME");
		buf_printf(&b, "%s/", home ? home : "/");
		s += 2;
	} else if (*s != '/')
		buf_printf(&b, "%s/", conf_dir(m->conf));
	for (; *s; s++) {
		if (s[0] == '%' && s[1] == 'u') {
			buf_puts(&b, user);
			s++;
		} else
			buf_putc(&b, *s);
	}
	return buf_detach(&b);
}

/* mda_split - "<local+detail@domain>" into parts; false if malformed */
static bool mda_split(const char *address, char **local, char **domain)
{
	size_t len = strlen(address);
	const char *at;
	char *a;

	if (len >= 2 && address[0] == '<' && address[len - 1] == '>')
		a = xstrndup(address + 1, len - 2);
	else
		a = xstrdup(address);
	at = strrchr(a, '@');
	*local = at ? xstrndup(a, (size_t)(at - a)) : xstrdup(a);
	*domain = at ? xstrdup(at + 1) : NULL;
	free(a);
	return **local != '\0' && strpbrk(*local, "/\\ \t\r\n") == NULL;
}

/* mda_system_user - whether the system knows user (getpwnam, which reads
 * /etc/passwd each time: the last one found is remembered for the life of
 * this process, one LMTP session, as most mail in a session is for one) */
static bool mda_system_user(const char *user)
{
	static char *last;

	if (last && strcmp(last, user) == 0)
		return true;
	if (getpwnam(user) == NULL)
		return false;
	free(last);
	last = xstrdup(user);
	return true;
}

/* mda_find_user - the local user an address (with its detail removed) belongs
 * to; newly allocated, or NULL */
static char *mda_find_user(const struct mda *m, const char *user, const char *address)
{
	const struct user *u = users_find(m->users, user);

	if (u == NULL)
		u = users_find_address(m->users, address);
	if (u)
		return xstrdup(u->name);
	if (users_count(m->users) == 0 && strcmp(user, "..") != 0 && mda_system_user(user))
		return xstrdup(user);	/* no users file: the system's users */
	return NULL;
}

void mda_rcpt_resolve(struct mda *m, const char *address, struct mda_rcpt *r, struct dsn *d)
{
	char *local = NULL, *domain = NULL, *plus, *bare;

	memset(r, 0, sizeof(*r));
	if (!mda_split(address, &local, &domain)) {
		dsn_set(d, DSN_PERMFAIL, "5.1.3", "bad recipient address syntax: %s", address);
		goto out;
	}
	if (domain && !strlist_has_nocase(m->domains, domain)) {
		dsn_set(d, DSN_PERMFAIL, "5.1.2", "%s is not a local domain here", domain);
		goto out;
	}
	for (plus = local; *plus; plus++)
		*plus = (char)tolower((unsigned char)*plus);
	plus = strchr(local, '+');	/* RFC 5233: user+detail */
	if (plus)
		*plus = '\0';
	bare = domain ? xasprintf("%s@%s", local, domain) : xstrdup(local);
	r->user = mda_find_user(m, local, bare);
	free(bare);
	if (r->user == NULL) {
		dsn_set(d, DSN_PERMFAIL, "5.1.1", "no such user here: %s", address);
		goto out;
	}
	/* Delivered-To names a whole address, as Postfix's local(8) writes it */
	r->address = domain ? xstrdup(address) : xasprintf("%s@%s", address, m->domains[0]);
	r->detail = plus ? xstrdup(plus + 1) : NULL;
	r->maildir = mda_expand(m, m->maildir, r->user);
	if (m->sieve) {
		r->sieve = mda_expand(m, m->sieve, r->user);
		if (access(r->sieve, F_OK) < 0)
			x_free(&r->sieve);	/* no script: plain delivery */
	}
	dsn_ok(d, "recipient ok");
out:
	free(local);
	free(domain);
}

void mda_rcpt_free(struct mda_rcpt *r)
{
	x_free(&r->address);
	x_free(&r->user);
	x_free(&r->detail);
	x_free(&r->maildir);
	x_free(&r->sieve);
}
