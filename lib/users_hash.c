/* users_hash.c - password hashes of the users file (users.h):
 * "$pbkdf2-sha256$ITERATIONS$SALT_BASE64$HASH_BASE64", PBKDF2-HMAC-SHA-256
 * from OpenSSL, checked in constant time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include "msg.h"
#include "users.h"
#include "xalloc.h"

#define USERS_PREFIX "$pbkdf2-sha256$"
#define USERS_SALT_LEN 16
#define USERS_KEY_LEN 32
#define USERS_MAX_BYTES 64		/* longest salt or hash read back */
#define USERS_MIN_ITER 1
#define USERS_MAX_ITER 10000000		/* a hostile file must not stall a login */

/* A hash taken apart. */
struct users_hash {
	unsigned iterations;
	unsigned char salt[USERS_MAX_BYTES];
	size_t salt_len;
	unsigned char key[USERS_MAX_BYTES];
	size_t key_len;
};

/* users_b64_decode - standard base64 (with or without padding) of n chars
 * into out (room for max bytes); the byte count, or -1 when it is not base64 */
static int users_b64_decode(const char *s, size_t n, unsigned char *out, size_t max)
{
	unsigned char in[4 * ((USERS_MAX_BYTES + 2) / 3) + 4];
	unsigned char tmp[sizeof(in)];
	size_t padded, pad;
	int len;

	while (n > 0 && s[n - 1] == '=')
		n--;
	pad = (4 - n % 4) % 4;
	padded = n + pad;
	if (n == 0 || pad == 3 || padded > sizeof(in))
		return -1;
	memcpy(in, s, n);
	memset(in + n, '=', pad);
	len = EVP_DecodeBlock(tmp, in, (int)padded);
	if (len < 0 || (size_t)len < pad || (size_t)len - pad > max)
		return -1;
	memcpy(out, tmp, (size_t)len - pad);
	return len - (int)pad;
}

/* users_parse_hash - take "$pbkdf2-sha256$I$S$H" apart; false if malformed */
static bool users_parse_hash(const char *s, struct users_hash *h)
{
	const char *salt, *key;
	char *end;
	unsigned long it;
	int n;

	if (strncmp(s, USERS_PREFIX, strlen(USERS_PREFIX)) != 0)
		return false;
	s += strlen(USERS_PREFIX);
	it = strtoul(s, &end, 10);
	if (end == s || *end != '$' || *s < '1' || *s > '9' || it < USERS_MIN_ITER || it > USERS_MAX_ITER)
		return false;
	h->iterations = (unsigned)it;
	salt = end + 1;
	if ((key = strchr(salt, '$')) == NULL)
		return false;
	if ((n = users_b64_decode(salt, (size_t)(key - salt), h->salt, USERS_MAX_BYTES)) < 8)
		return false;
	h->salt_len = (size_t)n;
	key++;
	if ((n = users_b64_decode(key, strlen(key), h->key, USERS_MAX_BYTES)) < 16)
		return false;
	h->key_len = (size_t)n;
	return true;
}

/* users_pbkdf2 - PBKDF2-HMAC-SHA-256 of password into out (n bytes) */
static void users_pbkdf2(const char *password, const unsigned char *salt, size_t salt_len,
			 unsigned iterations, unsigned char *out, size_t n)
{
	if (!PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, (int)salt_len,
			       (int)iterations, EVP_sha256(), (int)n, out))
		msg_panic("users: PKCS5_PBKDF2_HMAC failed");
}

char *users_hash_password_iter(const char *password, unsigned iterations)
{
	unsigned char salt[USERS_SALT_LEN], key[USERS_KEY_LEN];
	unsigned char salt64[4 * ((USERS_SALT_LEN + 2) / 3) + 1];
	unsigned char key64[4 * ((USERS_KEY_LEN + 2) / 3) + 1];

	if (RAND_bytes(salt, sizeof(salt)) != 1)
		msg_fatal("users: no random bytes for a salt");
	users_pbkdf2(password, salt, sizeof(salt), iterations, key, sizeof(key));
	EVP_EncodeBlock(salt64, salt, sizeof(salt));
	EVP_EncodeBlock(key64, key, sizeof(key));
	OPENSSL_cleanse(key, sizeof(key));
	return xasprintf(USERS_PREFIX "%u$%s$%s", iterations, salt64, key64);
}

char *users_hash_password(const char *password)
{
	return users_hash_password_iter(password, USERS_ITERATIONS);
}

bool users_verify(const struct user *user, const char *password)
{
	struct users_hash h;
	unsigned char key[USERS_MAX_BYTES];
	bool ok;

	if (user == NULL || !users_parse_hash(user->hash, &h)) {
		/* the work of a real check, so no one learns which names exist */
		memset(&h, 0, sizeof(h));
		users_pbkdf2(password, h.salt, USERS_SALT_LEN, USERS_ITERATIONS, key, USERS_KEY_LEN);
		return false;
	}
	users_pbkdf2(password, h.salt, h.salt_len, h.iterations, key, h.key_len);
	ok = CRYPTO_memcmp(key, h.key, h.key_len) == 0;
	OPENSSL_cleanse(key, sizeof(key));
	return ok;
}
