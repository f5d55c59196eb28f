/* idna.c -- internationalised host name labels (IDNA2008, punycode) */
/* SPDX-License-Identifier: MIT */

#include <stddef.h>
#include <stdint.h>

#include <utf8proc.h>

#include "lib/text/idna.h"

long
idna_punycode_decode(const char *p, size_t n, int32_t *out)
{
	/* RFC 3492 parameters. */
	const long base = 36, tmin = 1, tmax = 26, skew = 38, damp = 700;
	long len = 0, i = 0, bias = 72, w, k, t, digit, oldi, delta;
	int32_t ch = 0x80;
	size_t b = 0, j, in;

	for (j = 0; j < n; j++)
		if (p[j] == '-')
			b = j;
	if (b > 0) {
		for (j = 0; j < b; j++) {
			if ((unsigned char)p[j] >= 0x80 ||
			    len >= IDNA_MAX_LABEL)
				return -1;
			out[len++] = (unsigned char)p[j];
		}
		in = b + 1;
	} else
		in = 0;
	while (in < n) {
		oldi = i;
		for (w = 1, k = base;; k += base) {
			if (in >= n)
				return -1;
			digit = p[in] >= '0' && p[in] <= '9' ? p[in] - '0' + 26 :
			    (p[in] | 0x20) >= 'a' && (p[in] | 0x20) <= 'z' ?
			    (p[in] | 0x20) - 'a' : -1;
			in++;
			if (digit < 0 || digit > (0x7fffffffL - i) / w)
				return -1;
			i += digit * w;
			t = k <= bias ? tmin : k >= bias + tmax ? tmax :
			    k - bias;
			if (digit < t)
				break;
			w *= base - t;
		}
		/* Adapt the bias. */
		delta = oldi == 0 ? (i - oldi) / damp : (i - oldi) / 2;
		delta += delta / (len + 1);
		for (k = 0; delta > ((base - tmin) * tmax) / 2; k += base)
			delta /= base - tmin;
		bias = k + (base - tmin + 1) * delta / (delta + skew);
		ch += i / (len + 1);
		i %= len + 1;
		if (ch > 0x10ffff || (ch >= 0xd800 && ch <= 0xdfff) ||
		    len >= IDNA_MAX_LABEL)
			return -1;
		for (k = len; k > i; k--)
			out[k] = out[k - 1];
		out[i++] = ch;
		len++;
	}
	return len;
}

long
idna_punycode_length(const int32_t *cp, size_t n)
{
	const long base = 36, tmin = 1, tmax = 26, skew = 38, damp = 700;
	long out = 0, h, b = 0, delta = 0, bias = 72, q, k, t;
	int32_t m, ch = 0x80;
	size_t j;
	int first = 1;

	for (j = 0; j < n; j++)
		if (cp[j] < 0x80)
			b++;
	out = b + (b > 0);
	for (h = b; (size_t)h < n; ) {
		m = 0x7fffffff;
		for (j = 0; j < n; j++)
			if (cp[j] >= ch && cp[j] < m)
				m = cp[j];
		if ((m - ch) > (0x7fffffffL - delta) / (h + 1))
			return -1;
		delta += (long)(m - ch) * (h + 1);
		ch = m;
		for (j = 0; j < n; j++) {
			if (cp[j] < ch)
				delta++;
			if (cp[j] != ch)
				continue;
			for (q = delta, k = base;; k += base) {
				t = k <= bias ? tmin : k >= bias + tmax ? tmax :
				    k - bias;
				if (q < t)
					break;
				out++;
				q = (q - t) / (base - t);
			}
			out++;
			/* Adapt the bias. */
			{
				long d = first ? delta / damp : delta / 2;

				d += d / (h + 1);
				for (k = 0; d > ((base - tmin) * tmax) / 2;
				    k += base)
					d /= base - tmin;
				bias = k + (base - tmin + 1) * d / (d + skew);
			}
			first = 0;
			delta = 0;
			h++;
		}
		delta++;
		ch++;
	}
	return out;
}

static int
in(int32_t c, int32_t lo, int32_t hi)
{
	return c >= lo && c <= hi;
}

static int
is_greek(int32_t c)
{
	return in(c, 0x370, 0x3ff) || in(c, 0x1f00, 0x1fff);
}

static int
is_hebrew(int32_t c)
{
	return in(c, 0x591, 0x5f4) || in(c, 0xfb1d, 0xfb4f);
}

static int
is_kana_han(int32_t c)
{
	return (in(c, 0x3040, 0x30ff) && c != 0x30fb) ||
	    in(c, 0x31f0, 0x31ff) || in(c, 0x3400, 0x4dbf) ||
	    in(c, 0x4e00, 0x9fff) || in(c, 0xf900, 0xfaff) ||
	    in(c, 0x20000, 0x3134f) || c == 0x3005 || c == 0x3007;
}

int
idna_label_ok(const int32_t *cp, size_t n)
{
	const utf8proc_property_t *pr;
	size_t i, j;
	int arabic = 0, extended = 0, ok;

	if (n == 0)
		return 0;
	if (n >= 4 && cp[2] == '-' && cp[3] == '-')
		return 0;
	if (cp[0] == '-' || cp[n - 1] == '-')
		return 0;
	pr = utf8proc_get_property(cp[0]);
	if (pr->category == UTF8PROC_CATEGORY_MN ||
	    pr->category == UTF8PROC_CATEGORY_MC ||
	    pr->category == UTF8PROC_CATEGORY_ME)
		return 0;
	for (i = 0; i < n; i++) {
		int32_t c = cp[i];

		pr = utf8proc_get_property(c);
		switch (c) {
		/* RFC 5892 2.6: exceptions, PVALID. */
		case 0xdf: case 0x3c2: case 0x6fd: case 0x6fe: case 0xf0b:
		case 0x3007:
			continue;
		/* Exceptions, DISALLOWED. */
		case 0x640: case 0x7fa: case 0x302e: case 0x302f:
		case 0x3031: case 0x3032: case 0x3033: case 0x3034:
		case 0x3035: case 0x303b:
			return 0;
		case 0xb7:		/* MIDDLE DOT: between two l */
			if (i == 0 || i + 1 == n || cp[i - 1] != 'l' ||
			    cp[i + 1] != 'l')
				return 0;
			continue;
		case 0x375:		/* GREEK KERAIA: before Greek */
			if (i + 1 == n || !is_greek(cp[i + 1]))
				return 0;
			continue;
		case 0x5f3:		/* HEBREW GERESH, GERSHAYIM */
		case 0x5f4:
			if (i == 0 || !is_hebrew(cp[i - 1]))
				return 0;
			continue;
		case 0x30fb:		/* KATAKANA MIDDLE DOT */
			for (j = ok = 0; j < n; j++)
				ok |= is_kana_han(cp[j]);
			if (!ok)
				return 0;
			continue;
		case 0x200c:		/* ZERO WIDTH NON-JOINER */
		case 0x200d:		/* ZERO WIDTH JOINER */
			if (i == 0 ||
			    utf8proc_get_property(cp[i - 1])->combining_class !=
			    9) {
				if (c == 0x200d)
					return 0;
				/* ZWNJ between joining letters is valid too. */
				if (i == 0 || i + 1 == n)
					return 0;
			}
			continue;
		}
		if (in(c, 0x660, 0x669))
			arabic = 1;
		if (in(c, 0x6f0, 0x6f9))
			extended = 1;
		if (c == '-' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			continue;
		if (c < 0x80)
			return 0;
		switch (pr->category) {
		case UTF8PROC_CATEGORY_LL:
		case UTF8PROC_CATEGORY_LO:
		case UTF8PROC_CATEGORY_LM:
		case UTF8PROC_CATEGORY_MN:
		case UTF8PROC_CATEGORY_MC:
		case UTF8PROC_CATEGORY_ND:
			break;
		default:
			return 0;
		}
	}
	return !(arabic && extended);
}

int
idna_is_rtl(const int32_t *cp, size_t n)
{
	size_t i;
	int b;

	for (i = 0; i < n; i++) {
		b = utf8proc_get_property(cp[i])->bidi_class;
		if (b == UTF8PROC_BIDI_CLASS_R || b == UTF8PROC_BIDI_CLASS_AL ||
		    b == UTF8PROC_BIDI_CLASS_AN)
			return 1;
	}
	return 0;
}

int
idna_bidi_ok(const int32_t *cp, size_t n)
{
	size_t i, last;
	int b, rtl, en = 0, an = 0;

	if (n == 0)
		return 0;
	b = utf8proc_get_property(cp[0])->bidi_class;
	if (b == UTF8PROC_BIDI_CLASS_R || b == UTF8PROC_BIDI_CLASS_AL)
		rtl = 1;
	else if (b == UTF8PROC_BIDI_CLASS_L)
		rtl = 0;
	else
		return 0;
	for (i = 0; i < n; i++) {
		b = utf8proc_get_property(cp[i])->bidi_class;
		switch (b) {
		case UTF8PROC_BIDI_CLASS_EN:
			en = 1;
			break;
		case UTF8PROC_BIDI_CLASS_AN:
			if (!rtl)
				return 0;
			an = 1;
			break;
		case UTF8PROC_BIDI_CLASS_R:
		case UTF8PROC_BIDI_CLASS_AL:
			if (!rtl)
				return 0;
			break;
		case UTF8PROC_BIDI_CLASS_L:
			if (rtl)
				return 0;
			break;
		case UTF8PROC_BIDI_CLASS_ES:
		case UTF8PROC_BIDI_CLASS_CS:
		case UTF8PROC_BIDI_CLASS_ET:
		case UTF8PROC_BIDI_CLASS_ON:
		case UTF8PROC_BIDI_CLASS_BN:
		case UTF8PROC_BIDI_CLASS_NSM:
			break;
		default:
			return 0;
		}
	}
	if (rtl && en && an)
		return 0;
	/* The last character that is not a mark decides. */
	for (last = n; last > 0 && utf8proc_get_property(cp[last - 1])->
	    bidi_class == UTF8PROC_BIDI_CLASS_NSM; last--)
		;
	if (last == 0)
		return 0;
	b = utf8proc_get_property(cp[last - 1])->bidi_class;
	if (rtl)
		return b == UTF8PROC_BIDI_CLASS_R ||
		    b == UTF8PROC_BIDI_CLASS_AL || b == UTF8PROC_BIDI_CLASS_EN ||
		    b == UTF8PROC_BIDI_CLASS_AN;
	return b == UTF8PROC_BIDI_CLASS_L || b == UTF8PROC_BIDI_CLASS_EN;
}
