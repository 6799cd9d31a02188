/* authcache.c - the shared cache of verified passwords (authcache.h). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include "authcache.h"
#include "xalloc.h"

#define AUTHCACHE_SLOTS 256	/* users remembered; the oldest goes first */

struct authcache_slot {
	char user[64];
	unsigned char mac[32];	/* HMAC-SHA256(key, user NUL hash NUL password) */
	time_t expires;
};

struct authcache {
	pthread_mutex_t lock;
	unsigned char key[32];	/* drawn at start; never leaves the process tree */
	struct authcache_slot slot[AUTHCACHE_SLOTS];
};

struct authcache *authcache_new(void)
{
	struct authcache *c = mmap(NULL, sizeof(*c), PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_mutexattr_t a;

	if (c == MAP_FAILED)
		return NULL;
	memset(c, 0, sizeof(*c));
	if (RAND_bytes(c->key, sizeof(c->key)) != 1) {
		munmap(c, sizeof(*c));
		errno = EIO;
		return NULL;
	}
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	/* a session killed while it holds the lock must not stop the others */
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&c->lock, &a);
	pthread_mutexattr_destroy(&a);
	return c;
}

void authcache_free(struct authcache *c)
{
	if (c) {
		OPENSSL_cleanse(c, sizeof(*c));
		munmap(c, sizeof(*c));
	}
}

static void authcache_lock(struct authcache *c)
{
	if (pthread_mutex_lock(&c->lock) == EOWNERDEAD)
		pthread_mutex_consistent(&c->lock);
}

/* authcache_mac - the HMAC of (user, stored hash, password); false when
 * OpenSSL failed (then nothing is looked up or stored) */
static bool authcache_mac(const struct authcache *c, const struct user *u, const char *pass,
			  unsigned char mac[32])
{
	size_t nl = strlen(u->name) + 1, hl = strlen(u->hash) + 1, pl = strlen(pass);
	unsigned char *in = xmalloc(nl + hl + pl + 1);
	unsigned int len = 32;
	bool ok;

	memcpy(in, u->name, nl);
	memcpy(in + nl, u->hash, hl);
	memcpy(in + nl + hl, pass, pl);
	ok = HMAC(EVP_sha256(), c->key, (int)sizeof(c->key), in, nl + hl + pl, mac, &len) != NULL;
	OPENSSL_cleanse(in, nl + hl + pl);
	free(in);
	return ok;
}

/* authcache_hit - whether mac is u's entry, not expired */
static bool authcache_hit(struct authcache *c, const struct user *u, const unsigned char mac[32])
{
	time_t now = time(NULL);
	bool hit = false;
	size_t i;

	authcache_lock(c);
	for (i = 0; i < AUTHCACHE_SLOTS && !hit; i++) {
		const struct authcache_slot *s = &c->slot[i];

		hit = s->expires > now && strcmp(s->user, u->name) == 0 &&
		      CRYPTO_memcmp(s->mac, mac, 32) == 0;
	}
	pthread_mutex_unlock(&c->lock);
	return hit;
}

/* authcache_store - u's entry is now mac: its slot, a free one or the oldest */
static void authcache_store(struct authcache *c, const struct user *u, const unsigned char mac[32])
{
	struct authcache_slot *pick;
	size_t i;

	authcache_lock(c);
	pick = &c->slot[0];
	for (i = 0; i < AUTHCACHE_SLOTS; i++) {
		struct authcache_slot *s = &c->slot[i];

		if (strcmp(s->user, u->name) == 0) {
			pick = s;
			break;
		}
		if (s->expires < pick->expires)
			pick = s;
	}
	snprintf(pick->user, sizeof(pick->user), "%s", u->name);
	memcpy(pick->mac, mac, 32);
	pick->expires = time(NULL) + AUTHCACHE_TTL;
	pthread_mutex_unlock(&c->lock);
}

bool authcache_verify(struct authcache *c, const struct user *u, const char *pass, bool *cached)
{
	unsigned char mac[32];
	bool usable = c && u && strlen(u->name) < sizeof(c->slot[0].user) &&
		      authcache_mac(c, u, pass, mac);
	bool ok;

	*cached = usable && authcache_hit(c, u, mac);
	if (*cached)
		ok = true;
	else if ((ok = users_verify(u, pass)) && usable)
		authcache_store(c, u, mac);
	OPENSSL_cleanse(mac, sizeof(mac));
	return ok;
}
