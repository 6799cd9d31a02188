/* maa.h - poczta-maa, the mail access agent: what its files share. */
#ifndef POCZTA_MAA_H
#define POCZTA_MAA_H
#include <stdbool.h>
#include <stdint.h>
#include "conf.h"
#include "tls.h"

struct authcache;

struct maa {
	const struct conf *conf;
	char *hostname;
	char *users_file;
	struct tls_server *tls;		/* NULL: no STARTTLS, no implicit TLS */
	bool clear_auth;		/* [maa] allow_clear_auth */
	int timeout_ms;
	uint64_t max_literal;
	int max_connections;
	struct authcache *authcache;	/* shared by the sessions (lib/authcache.h) */
	char *index_spool;		/* DATA_DIR/index: poczta-mda's notes */
	char *indexer;			/* poczta-index, or NULL: [mda] index is off */
	int index_ms;			/* [mda] index_interval_ms */
	char *index_root;		/* the logged-in user's Maildir, for the notes */
};

/* A listener: which protocol, and whether TLS starts at once (RFC 8314). */
struct maa_listener {
	struct maa *m;
	bool implicit_tls;
};

/* maa_imap_session, maa_pop3_session - serve one connection on fd (in
 * the child); ctx is its struct maa_listener */
void maa_imap_session(int fd, void *ctx);
void maa_pop3_session(int fd, void *ctx);
/* maa_auth - check user and password against the users file, slowly on
 * failure, and log; 0 and *root (newly allocated, the user's Maildir), -1
 * wrong, -2 cannot check now */
int maa_auth(struct maa *m, const char *peer, const char *user, const char *pass, char **root);

#endif
