/* mra_msg.h - what poczta-mra reads from and does to a fetched message. */
#ifndef POCZTA_MRA_MSG_H
#define POCZTA_MRA_MSG_H
#include <stddef.h>
#include "buf.h"

/* mra_msg_return_path - the address in the first Return-Path field of the
 * header section data[0..hlen) (RFC 5322 3.6.7), newly allocated, and where
 * that field starts and ends (folded lines included); NULL when there is
 * none or it has no <address> */
char *mra_msg_return_path(const char *data, size_t hlen, size_t *start, size_t *end);
/* mra_msg_message_id - the Message-ID field's value, trimmed; newly
 * allocated, NULL when there is none or it is not one line of printable
 * ASCII under 1000 bytes */
char *mra_msg_message_id(const char *data, size_t len);
/* mra_msg_dotstuff - append p[0..n) as SMTP/LMTP DATA sends it: CRLF line
 * ends (LF or CRLF in), leading dots doubled (RFC 5321 4.5.2), then ".\r\n" */
void mra_msg_dotstuff(struct buf *b, const char *p, size_t n);
/* mra_msg_crlf - append p[0..n) as a BDAT chunk carries it (RFC 3030 2):
 * the same CRLF line ends, no dot stuffing, no "." line */
void mra_msg_crlf(struct buf *b, const char *p, size_t n);

#endif
