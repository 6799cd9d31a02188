/* tls.h - the one TLS stack: OpenSSL 3, for servers and clients.
 *
 * TLS 1.2 and 1.3 only.  A client verifies the certificate chain and the host
 * name by default and refuses what it cannot verify, unless the certificate's
 * SHA-256 fingerprint was pinned.  Servers load a certificate and key, and
 * reload them on request (SIGHUP). */
#ifndef POCZTA_TLS_H
#define POCZTA_TLS_H
#include <stdbool.h>
#include "buf.h"

struct tls_server;
struct tls_client;

/* tls_server_new - a server context with cert and key (PEM files); NULL
 * with err set when they cannot be loaded or do not match */
struct tls_server *tls_server_new(const char *cert, const char *key, struct buf *err);
/* tls_server_reload - load the files again (SIGHUP); on failure the old
 * certificate stays in use */
int tls_server_reload(struct tls_server *t, struct buf *err);
void tls_server_free(struct tls_server *t);

struct tls_client_opts {
	const char *ca_file;	/* trust these CAs (PEM); NULL: the system store */
	const char *pin_sha256;	/* "AB:CD:..." or hex: accept exactly this
				 * certificate even if it does not verify */
	bool no_verify;		/* opportunistic TLS (MX delivery without a
				 * policy): encrypt, accept any certificate */
};
/* tls_client_new - a client context; NULL with err set on failure */
struct tls_client *tls_client_new(const struct tls_client_opts *o, struct buf *err);
void tls_client_free(struct tls_client *t);

#endif
