/* conn.h - a connection: a socket, with TLS once it is started, and a read
 * buffer.  Servers and clients read and write through it, so that protocol
 * code is the same in clear and under TLS. */
#ifndef POCZTA_CONN_H
#define POCZTA_CONN_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "buf.h"
#include "tls.h"

struct conn;
struct _mailstream;

/* conn_new - take over the connected socket fd (closed by conn_free); the
 * fd is made non-blocking.  Writes never raise SIGPIPE (MSG_NOSIGNAL, in
 * clear and under TLS): a vanished peer is -1 with errno EPIPE. */
struct conn *conn_new(int fd);
/* conn_free - shut TLS down if it is on, close the socket */
void conn_free(struct conn *c);
int conn_fd(const struct conn *c);
/* conn_set_timeout - how long a handshake, or a write that makes no
 * progress, may wait (ms; <0: for ever; 5 minutes unless set) */
void conn_set_timeout(struct conn *c, int timeout_ms);
/* conn_error - why the last conn_read or conn_write failed (belongs to c;
 * "" if nothing failed) */
const char *conn_error(const struct conn *c);

/* conn_read - up to n bytes; >0 bytes read, 0 at EOF, -1 on error, -2 when
 * nothing came within timeout_ms (<0: wait for ever) */
ssize_t conn_read(struct conn *c, void *p, size_t n, int timeout_ms);
/* conn_write - all n bytes; 0 or -1 */
int conn_write(struct conn *c, const void *p, size_t n);
/* conn_buffered - whether bytes the peer sent are already read but not yet
 * returned by conn_read (a client checks this right after a STARTTLS reply:
 * anything there was injected in clear, CVE-2020-15953 class) */
bool conn_buffered(const struct conn *c);

/* conn_starttls_server - the TLS handshake as server on this connection
 * (STARTTLS, or at once for implicit TLS); 0 or -1 with err */
int conn_starttls_server(struct conn *c, struct tls_server *t, struct buf *err);
/* conn_starttls_client - the TLS handshake as client; hostname is checked
 * against the certificate and sent as SNI; 0 or -1 with err naming why the
 * certificate was refused */
int conn_starttls_client(struct conn *c, struct tls_client *t, const char *hostname,
			 struct buf *err);
/* What is in use once TLS is on ("TLSv1.3", "TLS_AES_256_GCM_SHA384");
 * NULL in clear.  Strings belong to c. */
const char *conn_tls_version(const struct conn *c);
const char *conn_tls_cipher(const struct conn *c);
/* conn_peer_fingerprint - "AB:CD:..." SHA-256 of the peer certificate, newly
 * allocated, NULL if none */
char *conn_peer_fingerprint(const struct conn *c);

/* conn_mailstream - a libetpan mailstream whose low-level driver reads and
 * writes through c (so libetpan's SMTP, IMAP and POP3 clients use this TLS
 * layer, never libetpan's own); closing the stream does not free c */
struct _mailstream *conn_mailstream(struct conn *c, int timeout_ms);
/* conn_mailstream_buffered - conn_buffered for a stream from
 * conn_mailstream: bytes in libetpan's read buffer or in the conn's (check
 * right after the STARTTLS reply, before conn_starttls_client) */
bool conn_mailstream_buffered(struct _mailstream *s);

#endif
