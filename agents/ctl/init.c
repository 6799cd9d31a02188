/* init.c - poczta-ctl init DIR: a complete sandbox that can be moved,
 * because every path in its poczta.conf is relative to that file. */
#include <ctype.h>
#include <limits.h>
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include <openssl/rand.h>
#include "certgen.h"
#include "conf.h"
#include "ctl.h"
#include "maildir.h"
#include "fsutil.h"
#include "i18n.h"
#include "msg.h"
#include "users.h"
#include "xalloc.h"

#define INIT_USAGE "init DIR [--domain D] [--user NAME] [--password P] [--port-base N]"
#define INIT_CERT_DAYS 3650
#define INIT_PASSWORD_LEN 16

/* What init was asked for. */
struct init_args {
	const char *dir;
	const char *domain;
	const char *user;
	const char *password;	/* NULL: make one up */
	long long port_base;	/* 0: standard ports */
};

/* init_domain_ok - a domain name: letters, digits, dots and hyphens */
static bool init_domain_ok(const char *d)
{
	size_t n = strlen(d);

	if (n == 0 || n > 253 || d[0] == '.' || d[0] == '-' || d[n - 1] == '.')
		return false;
	for (; *d; d++)
		if (!isalnum((unsigned char)*d) && *d != '.' && *d != '-')
			return false;
	return true;
}

/* init_default_user - $USER when it is a valid user name, else "user" */
static const char *init_default_user(void)
{
	const char *u = getenv("USER");

	return u && users_name_ok(u) ? u : "user";
}

/* init_parse - the command line into a; EX_OK or EX_USAGE */
static int init_parse(int argc, char **argv, struct init_args *a)
{
	static const struct option opts[] = {
		{ "domain", required_argument, NULL, 'd' },
		{ "user", required_argument, NULL, 'u' },
		{ "password", required_argument, NULL, 'p' },
		{ "port-base", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': a->domain = optarg; break;
		case 'u': a->user = optarg; break;
		case 'p': a->password = optarg; break;
		case 'b':
			if (!conf_parse_int(optarg, &a->port_base) || a->port_base > 65535 - 995)
				return ctl_usage_error(INIT_USAGE, _("--port-base: expected 0 to %d"),
						       65535 - 995);
			break;
		default: return ctl_usage_error(INIT_USAGE, _("unknown option"));
		}
	}
	if (optind != argc - 1)
		return ctl_usage_error(INIT_USAGE, _("expected one directory"));
	a->dir = argv[optind];
	if (!init_domain_ok(a->domain))
		return ctl_usage_error(INIT_USAGE, _("--domain: %s is not a domain name"), a->domain);
	if (!users_name_ok(a->user))
		return ctl_usage_error(INIT_USAGE, _("--user: %s is not a user name (a-z, 0-9, ._-)"),
				       a->user);
	if (a->password && *a->password == '\0')
		return ctl_usage_error(INIT_USAGE, _("--password: empty"));
	return EX_OK;
}

/* init_random_password - INIT_PASSWORD_LEN letters and digits; newly
 * allocated */
static char *init_random_password(void)
{
	static const char set[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	char *p = xmalloc(INIT_PASSWORD_LEN + 1);
	unsigned char r;
	size_t n = 0;

	while (n < INIT_PASSWORD_LEN) {
		if (RAND_bytes(&r, 1) != 1)
			msg_fatal("%s", _("no random bytes from OpenSSL"));
		if (r < 256 - 256 % (sizeof(set) - 1))	/* no modulo bias */
			p[n++] = set[r % (sizeof(set) - 1)];
	}
	p[n] = '\0';
	return p;
}

/* init_listen - "127.0.0.1:PORT" for a standard port moved by the base */
static void init_listen(struct buf *b, const char *key, const struct init_args *a, int port)
{
	buf_printf(b, "%s = 127.0.0.1:%lld\n", key, a->port_base + port);
}

/* init_conf_text - the sandbox's poczta.conf */
static void init_conf_text(struct buf *b, const struct init_args *a, const char *run_user)
{
	buf_printf(b, "# poczta.conf - a sandbox made by poczta-ctl init; see poczta.conf(5).\n"
		   "# Every path is relative to this file's directory, so the sandbox can be moved.\n"
		   "\n[global]\nhostname = %s\ndomains = %s\nuser = %s\n"
		   "data_dir = data\nlog_file = log/poczta.log\n"
		   "# agents started as root switch to this user; a sandbox runs as its maker\n"
		   "run_user = %s\ntls_cert = tls/cert.pem\ntls_key = tls/key.pem\n",
		   a->domain, a->domain, a->user, run_user);
	buf_puts(b, "\n[mda]\nmaildir = mail/%u\n");
	init_listen(b, "lmtp_listen", a, 24);
	buf_puts(b, "\n[mta]\n");
	init_listen(b, "listen", a, 25);
	buf_puts(b, "\n[msa]\n");
	init_listen(b, "listen", a, 587);
	init_listen(b, "listen_tls", a, 465);
	buf_puts(b, "\n[maa]\n");
	init_listen(b, "imap_listen", a, 143);
	init_listen(b, "imap_listen_tls", a, 993);
	init_listen(b, "pop3_listen", a, 110);
	init_listen(b, "pop3_listen_tls", a, 995);
	buf_puts(b, "# a sandbox on loopback: LOGIN before STARTTLS is allowed\n"
		 "allow_clear_auth = yes\n");
	/* the client sends through the sandbox's MSA, trusting its own cert */
	buf_puts(b, "\n[client]\n");
	init_listen(b, "submit", a, 587);
	buf_printf(b, "submit_tls = starttls\nsubmit_user = %s\n"
		   "submit_password_file = data/submit-password\nsubmit_ca = tls/cert.pem\n",
		   a->user);
}

/* init_submit_password - DIR/data/submit-password (0600): the client's
 * password for the MSA; 0 or -1 with err */
static int init_submit_password(const struct init_args *a, const char *password,
				struct buf *err)
{
	char *path = xasprintf("%s/data/submit-password", a->dir);
	char *text = xasprintf("%s\n", password);
	int rc = atomic_write_file(path, text, strlen(text), 0600);

	if (rc < 0)
		buf_printf(err, _("cannot write %s: %s"), path, strerror(errno));
	explicit_bzero(text, strlen(text));
	free(text);
	free(path);
	return rc;
}

/* init_dirs - the sandbox's folders; 0 or -1 with the failing one in err */
static int init_dirs(const char *dir, const char *user, struct buf *err)
{
	static const struct { const char *sub; mode_t mode; } dirs[] = {
		{ "", 0755 }, { "/data", 0700 }, { "/data/run", 0755 }, { "/log", 0755 },
		{ "/tls", 0700 }, { "/mail", 0755 },
	};
	struct dsn d;
	size_t i;
	char *p;
	int rc = 0;

	for (i = 0; rc == 0 && i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		p = xasprintf("%s%s", dir, dirs[i].sub);
		if ((rc = mkdir_p(p, dirs[i].mode)) < 0)
			buf_printf(err, _("cannot create %s: %s"), p, strerror(errno));
		free(p);
	}
	p = xasprintf("%s/mail/%s", dir, user);
	if (rc == 0 && (rc = maildir_create(p, &d)) < 0)
		buf_printf(err, "%s", d.text);
	free(p);
	return rc;
}

/* init_users - DIR/data/users with the one user; 0 or -1 with err */
static int init_users(const struct init_args *a, const char *password, struct buf *err)
{
	struct users *u = users_new();
	char *hash = users_hash_password(password);
	char *addr = xasprintf("%s@%s", a->user, a->domain);
	char *path = xasprintf("%s/data/users", a->dir);
	const char *addrs[] = { addr, NULL };
	int rc = users_set(u, a->user, hash, addrs, err) ? 0 : -1;

	if (rc == 0 && (rc = users_save(u, path)) < 0)
		buf_printf(err, _("cannot write %s: %s"), path, strerror(errno));
	users_free(u);
	free(hash);
	free(addr);
	free(path);
	return rc;
}

/* init_run_user - the name of the user running init */
static char *init_run_user(void)
{
	struct passwd *pw = getpwuid(getuid());

	return xstrdup(pw ? pw->pw_name : init_default_user());
}

/* init_files - TLS, users and finally poczta.conf (last: a sandbox with a
 * poczta.conf is complete); 0 or -1 with err */
static int init_files(const struct init_args *a, const char *password, const char *conf,
		      struct buf *err)
{
	char *cert = xasprintf("%s/tls/cert.pem", a->dir);
	char *key = xasprintf("%s/tls/key.pem", a->dir);
	char *run_user = init_run_user();
	struct buf text = BUF_INIT;
	int rc;

	rc = certgen_selfsigned(cert, key, a->domain, INIT_CERT_DAYS, err);
	if (rc == 0)
		rc = init_users(a, password, err);
	if (rc == 0)
		rc = init_submit_password(a, password, err);
	init_conf_text(&text, a, run_user);
	if (rc == 0 && (rc = atomic_write_file(conf, text.data, text.len, 0644)) < 0)
		buf_printf(err, _("cannot write %s: %s"), conf, strerror(errno));
	buf_free(&text);
	free(run_user);
	free(cert);
	free(key);
	return rc;
}

/* init_report - what was made and how to use it */
static void init_report(const struct init_args *a, const char *conf_rel, const char *made_up)
{
	char conf[PATH_MAX];

	if (realpath(conf_rel, conf) == NULL)
		snprintf(conf, sizeof(conf), "%s", conf_rel);
	printf(_("poczta-ctl: made a sandbox in %s\n"), a->dir);
	printf(_("  user %s <%s@%s>, Maildir %s/mail/%s\n"), a->user, a->user, a->domain,
	       a->dir, a->user);
	if (made_up)
		printf(_("  password for %s (shown only now): %s\n"), a->user, made_up);
	printf(_("  start it:  poczta-ctl -c %s up\n"), conf);
	printf(_("  or:        export POCZTA_CONFIG=%s\n"), conf);
}

int init_cmd(struct ctl *ctl, int argc, char **argv)
{
	struct init_args a = { NULL, "poczta.test", init_default_user(), NULL, 0 };
	struct buf err = BUF_INIT;
	char *conf, *made_up = NULL;
	struct stat st;
	int rc = init_parse(argc, argv, &a);

	if (rc != EX_OK)
		return rc;
	conf = xasprintf("%s/poczta.conf", a.dir);
	if (stat(conf, &st) == 0) {
		fprintf(stderr, _("poczta-ctl: %s exists: refusing to make a sandbox over it\n"), conf);
		free(conf);
		return EX_CANTCREAT;
	}
	if (a.password == NULL)
		a.password = made_up = init_random_password();
	if (init_dirs(a.dir, a.user, &err) < 0 || init_files(&a, a.password, conf, &err) < 0) {
		fprintf(stderr, "poczta-ctl: %s\n", buf_cstr(&err));
		rc = EX_CANTCREAT;
	} else
		init_report(&a, conf, made_up);
	free(made_up);
	free(conf);
	buf_free(&err);
	return rc;
}
