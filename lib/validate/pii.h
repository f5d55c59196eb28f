/* pii.h -- detection and redaction of personal data in text */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_PII_H
#define ETV_PII_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/buf.h"

/*
 * The kinds of personal data found, as bits for pii_scan's mask.  Each
 * is checked beyond its shape: payment cards pass the Luhn check, IBANs
 * have their country's length and pass ISO 7064 mod 97, IP addresses are
 * valid RFC 791 / RFC 4291 text, US social security numbers avoid the
 * never-issued areas (000, 666, 9xx), groups (00) and serials (0000).
 */
enum {
	PII_EMAIL = 1 << 0,	/* local@domain.tld */
	PII_PHONE = 1 << 1,	/* E.164 (+CC ...) or national forms */
	PII_CARD = 1 << 2,	/* 13-19 digits passing Luhn */
	PII_IBAN = 1 << 3,	/* ISO 13616, country length + mod 97 */
	PII_IP = 1 << 4,	/* IPv4 dotted quad or IPv6 */
	PII_SSN = 1 << 5,	/* US SSN, AAA-GG-SSSS */
	PII_ALL = (1 << 6) - 1
};

/* One finding: a kind and the byte range [start, end) it covers. */
struct pii_find {
	int	 type;		/* one PII_* bit */
	size_t	 start;		/* first byte */
	size_t	 end;		/* one past the last byte */
};

/*
 * Scan s[0..n) (UTF-8) for the kinds in mask.  Findings do not overlap
 * and are in order.  Returns how many were found and stores them in *out
 * (caller frees with free(3); NULL when none).
 */
size_t	 pii_scan(const char *s, size_t n, unsigned mask,
	    struct pii_find **out);

/* The name of a kind ("email", "phone", "card", "iban", "ip", "ssn"). */
const char *pii_name(int type);

/* The kind named name (as pii_name gives), or 0. */
int	 pii_lookup(const char *name);

/*
 * The kinds named in list, comma-separated ("email,ip"), or-ed into
 * *mask (0 for a list of no names).  Returns 0, or -1 with a message in
 * err for a name that is not a kind.
 */
int	 pii_parse_types(const char *list, unsigned *mask, struct buf *err);

/*
 * Redact the findings of s[0..n): each is replaced by a typed mask
 * ("[EMAIL]") or, when key is not NULL, by a keyed pseudonym
 * ("[EMAIL:1f9c0e2d3b4a5968]") that is the same for the same value and
 * key, so that redacted records still join.  Returns a new NUL-terminated
 * string (caller frees) and its length in *lenp.
 */
char	*pii_redact(const char *s, size_t n, const struct pii_find *f,
	    size_t nf, const char *key, size_t *lenp);

#endif
