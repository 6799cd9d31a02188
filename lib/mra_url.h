/* mra_url.h - the account URLs of poczta-ctl account add (RFC 5092 and
 * RFC 2384 in spirit, simplified): imap[s]://USER@HOST[:PORT][/FOLDER,...]
 * [?tls=starttls|none] and pop3[s]://USER@HOST[:PORT][?tls=...]. */
#ifndef POCZTA_MRA_URL_H
#define POCZTA_MRA_URL_H
#include <stdbool.h>
#include "buf.h"

/* An account as the URL and the options give it. */
struct mra_url {
	const char *type;	/* imap, pop3 */
	const char *tls;	/* implicit, starttls, none */
	char *user, *host, *port, *folders;
};

/* mra_url_parse - fill u from url (its strings newly allocated, freed by
 * mra_url_free even on failure); false with err saying what is wrong */
bool mra_url_parse(const char *url, struct mra_url *u, struct buf *err);
void mra_url_free(struct mra_url *u);

#endif
