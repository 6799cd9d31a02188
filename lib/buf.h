/* buf.h - a growable byte buffer, used wherever strings are built.
 * data is always NUL-terminated (the NUL is not counted in len), so a buffer
 * holding text can be passed as a C string; it may hold NUL bytes too. */
#ifndef POCZTA_BUF_H
#define POCZTA_BUF_H
#include <stddef.h>
#include <stdarg.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

void buf_init(struct buf *b);
void buf_free(struct buf *b);
/* buf_reset - empty the buffer, keeping its memory */
void buf_reset(struct buf *b);
void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, int c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* buf_cstr - the contents as a C string (never NULL) */
const char *buf_cstr(const struct buf *b);
/* buf_consume - drop the first n bytes */
void buf_consume(struct buf *b, size_t n);
/* buf_detach - hand the contents to the caller, who frees them; b is left empty */
char *buf_detach(struct buf *b);

#endif
