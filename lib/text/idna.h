/* idna.h -- internationalised host name labels (IDNA2008, punycode) */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_IDNA_H
#define ETV_IDNA_H

#include <stddef.h>
#include <stdint.h>

/* The longest label, in code points, that these functions handle. */
#define IDNA_MAX_LABEL	256

/*
 * Decode the punycode (RFC 3492) of p[0..n) (after "xn--") into out
 * (room for IDNA_MAX_LABEL code points); returns the number of code
 * points, or -1 when the text is not valid punycode.
 */
long	 idna_punycode_decode(const char *p, size_t n, int32_t *out);

/*
 * The length of the punycode encoding of cp[0..n) (without "xn--"), or
 * -1 on overflow.
 */
long	 idna_punycode_length(const int32_t *cp, size_t n);

/*
 * Is the U-label cp[0..n) valid under IDNA2008 as far as Unicode
 * properties tell: no "--" in positions 3 and 4, no hyphen at either
 * end, no leading combining mark, only letters, marks and digits that
 * are stable under case folding, the CONTEXTJ and CONTEXTO rules of RFC
 * 5892 and the exceptions of its section 2.6?  Returns 1 or 0.  The Bidi
 * rule (RFC 5893) is idna_bidi_ok's.
 */
int	 idna_label_ok(const int32_t *cp, size_t n);

/*
 * The Bidi rule of RFC 5893 for one label of a domain name that holds
 * right-to-left characters.  Returns 1 or 0.
 */
int	 idna_bidi_ok(const int32_t *cp, size_t n);

/* Does the label hold a right-to-left character (R, AL or AN)? */
int	 idna_is_rtl(const int32_t *cp, size_t n);

#endif
