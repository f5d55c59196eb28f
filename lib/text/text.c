/* text.c -- UTF-8 validation, normalisation, case folding, graphemes */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "lib/base/buf.h"
#include "lib/base/diag.h"
#include "lib/text/text.h"
#include "lib/base/xmem.h"

char *
text_normalize(const char *p, size_t n, int forms, size_t *lenp)
{
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t r;
	int o = UTF8PROC_STABLE;

	if (forms & (TEXT_NFC | TEXT_NFKC))
		o |= UTF8PROC_COMPOSE;
	if (forms & (TEXT_NFD | TEXT_NFKD))
		o |= UTF8PROC_DECOMPOSE;
	if (forms & (TEXT_NFKC | TEXT_NFKD))
		o |= UTF8PROC_COMPAT;
	if (forms & TEXT_CASEFOLD)
		o |= UTF8PROC_CASEFOLD;
	if (forms & TEXT_STRIPMARK)
		o |= UTF8PROC_STRIPMARK;
	if (n == 0) {
		if (lenp)
			*lenp = 0;
		return xstrdup("");
	}
	r = utf8proc_map((const utf8proc_uint8_t *)p, (utf8proc_ssize_t)n,
	    &out, (utf8proc_option_t)o);
	if (r == UTF8PROC_ERROR_NOMEM)
		diag_fail(ETV_SYS, "out of memory");
	if (r < 0)
		return NULL;
	/*
	 * With STRIPMARK utf8proc's count can include the removed marks'
	 * slots; the string itself is right and NUL-terminated.
	 */
	if (lenp)
		*lenp = forms & TEXT_STRIPMARK ? strnlen((char *)out,
		    (size_t)r) : (size_t)r;
	return (char *)out;
}

int
text_stream_is_utf8(FILE *fp, FILE *copy)
{
	char b[65536];
	size_t have = 0, got, keep;
	ssize_t bad;
	int valid = 1;

	for (;;) {
		got = fread(b + have, 1, sizeof(b) - have, fp);
		if (got == 0 && ferror(fp))
			return -1;
		if (copy && got && fwrite(b + have, 1, got, copy) != got)
			return -1;
		have += got;
		if (have == 0)
			break;
		keep = 0;
		if (valid && (bad = utf8_invalid(b, have)) >= 0) {
			/*
			 * A sequence cut by the end of the buffer is not bad
			 * yet: keep its bytes for the next round.
			 */
			if (got > 0 && have - (size_t)bad < 4)
				keep = have - (size_t)bad;
			else
				valid = 0;
		}
		if (got == 0)
			break;
		memmove(b, b + have - keep, keep);
		have = keep;
	}
	return valid;
}

int
text_is_nfc(const char *p, size_t n)
{
	size_t len, i;
	char *s;
	int same;

	/* Text below U+0300 is always NFC. */
	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] >= 0xcc)
			break;
	if (i == n)
		return 1;
	if ((s = text_normalize(p, n, TEXT_NFC, &len)) == NULL)
		return 0;
	same = len == n && memcmp(s, p, n) == 0;
	free(s);
	return same;
}

size_t
text_grapheme(const char *p, size_t n)
{
	utf8proc_int32_t state = 0;
	int32_t prev, cp;
	size_t adv, i;

	if (n == 0)
		return 0;
	prev = utf8_decode(p, n, &adv);
	if (prev < 0)
		return 1;
	/* ASCII other than CR is a cluster of its own unless a mark follows. */
	i = adv;
	while (i < n) {
		if ((unsigned char)p[i] < 0x80 && prev < 0x80 && prev != '\r')
			break;
		cp = utf8_decode(p + i, n - i, &adv);
		if (cp < 0)
			break;
		if (utf8proc_grapheme_break_stateful(prev, cp, &state))
			break;
		prev = cp;
		i += adv;
	}
	return i;
}

size_t
text_cp_count(const char *p, size_t n)
{
	size_t i, c = 0;

	/* Count every byte that does not continue a sequence. */
	for (i = 0; i < n; i++)
		if (((unsigned char)p[i] & 0xc0) != 0x80)
			c++;
	return c;
}

size_t
text_grapheme_count(const char *p, size_t n)
{
	size_t i = 0, c = 0;

	while (i < n) {
		i += text_grapheme(p + i, n - i);
		c++;
	}
	return c;
}

/* Is cp a control character: C0 but TAB, LF and CR, DEL, C1? */
static int
is_control(int32_t cp)
{
	return (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
	    (cp >= 0x7f && cp < 0xa0);
}

long
text_control_at(const char *p, size_t n)
{
	size_t i, adv;

	for (i = 0; i < n; i += adv)
		if (is_control(utf8_decode(p + i, n - i, &adv)))
			return (long)i;
	return -1;
}

char *
text_clean(const char *p, size_t n, size_t *lenp)
{
	struct buf b = BUF_INIT;
	size_t i, adv;
	char *nfc;

	for (i = 0; i < n; i += adv)
		if (!is_control(utf8_decode(p + i, n - i, &adv)))
			buf_add(&b, p + i, adv);
	buf_addc(&b, '\0');
	nfc = text_normalize(b.data, b.len - 1, TEXT_NFC, lenp);
	buf_release(&b);
	return nfc;
}

int
text_blank(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && (p[i] < '\t' || p[i] > '\r'))
			return 0;
	return 1;
}

int
text_blank_line(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return 0;
	return 1;
}

int
text_is_space(int32_t c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 ||
	    c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 ||
	    c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

int
text_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

long
text_hex4(const char *p, size_t n)
{
	long v = 0;
	int i, h;

	if (n < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		if ((h = text_hexval((unsigned char)p[i])) < 0)
			return -1;
		v = v << 4 | h;
	}
	return v;
}
