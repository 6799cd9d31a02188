/* certgen.h - a self-signed certificate for a sandbox or a first install,
 * made with OpenSSL 3 in-process (no openssl command). */
#ifndef POCZTA_CERTGEN_H
#define POCZTA_CERTGEN_H
#include "buf.h"

/* certgen_selfsigned - make an EC P-256 key and a self-signed X.509 v3
 * certificate for common_name, valid for days, with subjectAltName
 * DNS:common_name (IP: when it is an address), DNS:localhost and
 * IP:127.0.0.1; write the key to key_path (mode 0600) and the certificate to
 * cert_path (mode 0644), both PEM and durably.  0, or -1 with a reason
 * appended to err. */
int certgen_selfsigned(const char *cert_path, const char *key_path,
		       const char *common_name, int days, struct buf *err);

#endif
