/* compose_type.c - an attachment's MIME type: by its first bytes, then by
 * its file name in /etc/mime.types (Debian's media-types), else
 * application/octet-stream.  No libmagic: the few types mail needs most
 * have unmistakable magic numbers. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "compose_int.h"

#ifndef COMPOSE_MIME_TYPES
#define COMPOSE_MIME_TYPES "/etc/mime.types"
#endif

static const struct {
	const char *magic;
	size_t len;
	const char *type;
} magics[] = {
	{ "%PDF-", 5, "application/pdf" },
	{ "\x89PNG\r\n\x1a\n", 8, "image/png" },
	{ "\xff\xd8\xff", 3, "image/jpeg" },
	{ "GIF87a", 6, "image/gif" },
	{ "GIF89a", 6, "image/gif" },
	{ "PK\x03\x04", 4, "application/zip" },
	{ "\x1f\x8b", 2, "application/gzip" },
};

/* is_text - UTF-8 (RFC 3629) without NUL and mostly printable; a
 * character cut at the end of the sample does not count against it */
static bool is_text(const unsigned char *s, size_t n)
{
	size_t ctl = 0;

	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		size_t l = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
			(c & 0xf8) == 0xf0 ? 4 : 0;
		if (c == 0 || l == 0 || (l == 2 && c < 0xc2))
			return false;
		if (i + l > n)
			return l > 1;	/* cut by the sample */
		for (size_t k = 1; k < l; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
		if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f')
			ctl++;
		i += l;
	}
	return ctl * 100 <= n;
}

/* by_name - the type /etc/mime.types gives name's extension, into out */
static bool by_name(const char *name, char *out, size_t size)
{
	const char *dot = name ? strrchr(name, '.') : NULL;
	char line[1024];
	bool found = false;
	FILE *f;

	if (!dot || !dot[1] || strchr(dot, '/') || !(f = fopen(COMPOSE_MIME_TYPES, "re")))
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *save = NULL, *type = strtok_r(line, " \t\r\n", &save), *ext;
		if (!type || *type == '#')
			continue;
		while (!found && (ext = strtok_r(NULL, " \t\r\n", &save)))
			if (strcasecmp(ext, dot + 1) == 0 && strlen(type) < size) {
				strcpy(out, type);
				found = true;
			}
	}
	fclose(f);
	return found;
}

const char *compose_guess_type(const char *name, const void *data, size_t len)
{
	static char ext[128];	/* the answer lives until the next call */
	bool named = by_name(name, ext, sizeof(ext));

	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
		if (len < magics[i].len || memcmp(data, magics[i].magic, magics[i].len) != 0)
			continue;
		/* an OpenDocument or OOXML file is a ZIP archive: its name
		 * says more */
		if (strcmp(magics[i].type, "application/zip") == 0 && named &&
		    strncmp(ext, "application/", 12) == 0)
			return ext;
		return magics[i].type;
	}
	if (len && is_text(data, len))
		return named && strncmp(ext, "text/", 5) == 0 ? ext : "text/plain";
	return named ? ext : "application/octet-stream";
}
