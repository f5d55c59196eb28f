/* format.c -- JSON Schema "format" assertions (RFC 3339, 5321, 3986, ...) */
/* SPDX-License-Identifier: MIT */

#include <stdlib.h>
#include <string.h>

#include "lib/validate/format.h"
#include "lib/text/idna.h"
#include "lib/validate/jsregex.h"
#include "lib/text/text.h"

enum {
	F_DATE_TIME, F_DATE, F_TIME, F_DURATION, F_EMAIL, F_IDN_EMAIL,
	F_HOSTNAME, F_IDN_HOSTNAME, F_IPV4, F_IPV6, F_URI, F_URI_REFERENCE,
	F_IRI, F_IRI_REFERENCE, F_URI_TEMPLATE, F_UUID, F_JSON_POINTER,
	F_REL_JSON_POINTER, F_REGEX, F_COUNT
};

static const char *const names[F_COUNT] = {
	"date-time", "date", "time", "duration", "email", "idn-email",
	"hostname", "idn-hostname", "ipv4", "ipv6", "uri", "uri-reference",
	"iri", "iri-reference", "uri-template", "uuid", "json-pointer",
	"relative-json-pointer", "regex"
};

int
format_lookup(const char *name)
{
	int i;

	for (i = 0; i < F_COUNT; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

const char *
format_name(int id)
{
	return id >= 0 && id < F_COUNT ? names[id] : "unknown";
}

/* Read exactly n digits at *p; -1 if they are not there. */
static int
digits(const char **p, const char *e, int n)
{
	int v = 0;

	while (n-- > 0) {
		if (*p >= e || !text_is_digit((unsigned char)**p))
			return -1;
		v = v * 10 + (*(*p)++ - '0');
	}
	return v;
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
date_at(const char **p, const char *e)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y, m, d;

	if ((y = digits(p, e, 4)) < 0 || *p >= e || *(*p)++ != '-' ||
	    (m = digits(p, e, 2)) < 0 || *p >= e || *(*p)++ != '-' ||
	    (d = digits(p, e, 2)) < 0)
		return 0;
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	return !(m == 2 && d == 29 && !leap(y));
}

static int
time_at(const char **p, const char *e)
{
	int h, m, s, oh = 0, om = 0, sign = 0, utcm;

	if ((h = digits(p, e, 2)) < 0 || *p >= e || *(*p)++ != ':' ||
	    (m = digits(p, e, 2)) < 0 || *p >= e || *(*p)++ != ':' ||
	    (s = digits(p, e, 2)) < 0)
		return 0;
	if (*p < e && **p == '.') {
		(*p)++;
		if (*p >= e || !text_is_digit((unsigned char)**p))
			return 0;
		while (*p < e && text_is_digit((unsigned char)**p))
			(*p)++;
	}
	if (*p >= e)
		return 0;
	if (**p == 'Z' || **p == 'z')
		(*p)++;
	else if (**p == '+' || **p == '-') {
		sign = **p == '+' ? 1 : -1;
		(*p)++;
		if ((oh = digits(p, e, 2)) < 0 || *p >= e ||
		    *(*p)++ != ':' || (om = digits(p, e, 2)) < 0)
			return 0;
		if (oh > 23 || om > 59)
			return 0;
	} else
		return 0;
	if (h > 23 || m > 59 || s > 60)
		return 0;
	if (s == 60) {
		/* A leap second is 23:59:60 in UTC. */
		utcm = h * 60 + m - sign * (oh * 60 + om);
		utcm = ((utcm % 1440) + 1440) % 1440;
		if (utcm != 23 * 60 + 59)
			return 0;
	}
	return 1;
}

/*
 * RFC 3339 appendix A: P, then years, months, days, each followed by
 * the next unit only (no gaps), T and hours, minutes, seconds likewise;
 * or weeks alone.
 */
static int
check_duration(const char *p, const char *e)
{
	static const char units[] = "YMDHMS";
	int used[6] = { 0 }, i, k = 0, first = -1, last = -1, t = 0;
	const char *q;

	if (p >= e || *p++ != 'P' || p >= e)
		return 0;
	for (q = p; q < e && text_is_digit((unsigned char)*q); q++)
		;
	if (q > p && q + 1 == e && *q == 'W')
		return 1;
	while (p < e) {
		if (*p == 'T') {
			if (t || p + 1 >= e)
				return 0;
			t = 1;
			k = 3;
			p++;
			continue;
		}
		for (q = p; q < e && text_is_digit((unsigned char)*q); q++)
			;
		if (q == p || q >= e)
			return 0;
		for (i = k; i < (t ? 6 : 3) && units[i] != *q; i++)
			;
		if (i == (t ? 6 : 3))
			return 0;
		used[i] = 1;
		k = i + 1;
		p = q + 1;
	}
	/* The units used in each part must follow one another. */
	for (i = 0; i < 6; i++) {
		if (i == 3) {
			if (first >= 0 && last - first + 1 != used[0] +
			    used[1] + used[2])
				return 0;
			first = last = -1;
		}
		if (used[i]) {
			if (first < 0)
				first = i;
			last = i;
		}
	}
	if (first >= 0 && last - first + 1 != used[3] + used[4] + used[5])
		return 0;
	return used[0] + used[1] + used[2] + used[3] + used[4] + used[5] > 0;
}

static int
check_ipv4(const char *p, const char *e)
{
	int part, val, nd;

	for (part = 0; part < 4; part++) {
		if (part > 0) {
			if (p >= e || *p++ != '.')
				return 0;
		}
		val = nd = 0;
		while (p < e && text_is_digit((unsigned char)*p) && nd < 4) {
			val = val * 10 + (*p++ - '0');
			nd++;
		}
		if (nd == 0 || nd > 3 || val > 255)
			return 0;
		if (nd > 1 && p[-nd] == '0')
			return 0;
	}
	return p == e;
}

static int
check_ipv6(const char *p, const char *e)
{
	int groups = 0, dbl = 0, nh;
	const char *q, *start = p;

	if (e - p >= 2 && p[0] == ':' && p[1] == ':') {
		dbl = 1;
		p += 2;
		if (p == e)
			return 1;
	} else if (p < e && *p == ':')
		return 0;
	while (p < e) {
		/* An IPv4 tail counts for two groups. */
		for (q = p; q < e && *q != ':'; q++)
			;
		if (q == e && memchr(p, '.', e - p) != NULL) {
			if (!check_ipv4(p, e))
				return 0;
			groups += 2;
			p = e;
			break;
		}
		for (nh = 0; p < e && text_is_hex((unsigned char)*p); p++)
			nh++;
		if (nh == 0 || nh > 4)
			return 0;
		groups++;
		if (p == e)
			break;
		if (*p != ':')
			return 0;
		p++;
		if (p < e && *p == ':') {
			if (dbl)
				return 0;
			dbl = 1;
			p++;
			if (p == e)
				break;
		} else if (p == e)
			return 0;
	}
	(void)start;
	return dbl ? groups <= 7 : groups == 8;
}

/* The length of an IDNA label separator at p (".", U+3002 ...), or 0. */
static size_t
label_sep(const char *p, const char *e, int idn)
{
	if (*p == '.')
		return 1;
	if (idn && e - p >= 3 && ((memcmp(p, "\xe3\x80\x82", 3) == 0) ||
	    memcmp(p, "\xef\xbc\x8e", 3) == 0 ||
	    memcmp(p, "\xef\xbd\xa1", 3) == 0))
		return 3;
	return 0;
}

/*
 * RFC 1123 host names; A-labels ("xn--") must decode to valid IDNA2008
 * U-labels.  With idn, U-labels may also be written in UTF-8 and the
 * ideographic full stops separate labels.  The Bidi rule applies when a
 * label is right-to-left.  idn 1 also requires U-labels in NFC; idn 2
 * (e-mail domains) does not.
 */
static int
check_hostname(const char *p, const char *e, int idn)
{
	int32_t cps[IDNA_MAX_LABEL];
	const char *lab, *q;
	size_t n = e - p, sep, adv;
	long ncp, alen, total = 0;
	int ascii, rtl = 0, pass;

	if (n == 0 || (!idn && n > 253))
		return 0;
	/* Two passes: the second checks the Bidi rule when needed. */
	for (pass = 0; pass < 2; pass++) {
		for (q = p; q < e; ) {
			lab = q;
			ascii = 1;
			while (q < e && (sep = label_sep(q, e, idn)) == 0) {
				if ((unsigned char)*q >= 0x80)
					ascii = 0;
				q++;
			}
			if (q == lab)
				return 0;
			ncp = 0;
			if (ascii) {
				const char *c;

				if (q - lab > 63)
					return 0;
				for (c = lab; c < q; c++)
					if (!(text_is_alpha((unsigned char)*c) ||
					    text_is_digit((unsigned char)*c) ||
					    *c == '-'))
						return 0;
				if (*lab == '-' || q[-1] == '-')
					return 0;
				if (q - lab >= 4 && (lab[0] | 0x20) == 'x' &&
				    (lab[1] | 0x20) == 'n' && lab[2] == '-' &&
				    lab[3] == '-') {
					ncp = idna_punycode_decode(lab + 4,
					    q - lab - 4, cps);
					if (ncp <= 0 || !idna_label_ok(cps,
					    (size_t)ncp))
						return 0;
				} else if (q - lab >= 4 && lab[2] == '-' &&
				    lab[3] == '-')
					return 0;
				else
					for (c = lab; c < q; c++)
						cps[ncp++] = *c | 0x20;
			} else {
				if (!idn)
					return 0;
				for (const char *c = lab; c < q; c += adv) {
					if (ncp >= IDNA_MAX_LABEL)
						return 0;
					if ((cps[ncp++] = utf8_decode(c, q - c,
					    &adv)) < 0)
						return 0;
				}
				alen = idna_punycode_length(cps, (size_t)ncp);
				if (alen < 0 || alen + 4 > 63 ||
				    (idn == 1 && !text_is_nfc(lab, q - lab)) ||
				    !idna_label_ok(cps, (size_t)ncp))
					return 0;
				total += alen + 4 - (q - lab);
			}
			if (pass == 0 && idna_is_rtl(cps, (size_t)ncp))
				rtl = 1;
			if (pass == 1 && !idna_bidi_ok(cps, (size_t)ncp))
				return 0;
			if (q < e) {
				q += label_sep(q, e, idn);
				if (q == e)
					return 0;
			}
		}
		/* The name as A-labels fits in 253 octets. */
		if (pass == 0 && (long)n + total > 253)
			return 0;
		if (!rtl)
			break;
	}
	return 1;
}

static int
check_email(const char *p, const char *e, int idn)
{
	const char *at = NULL, *q;
	static const char atext[] = "!#$%&'*+-/=?^_`{|}~";

	if (p < e && *p == '"') {
		for (q = p + 1; q < e && *q != '"'; q++)
			if (*q == '\\')
				q++;
		if (q >= e || q + 1 >= e || q[1] != '@')
			return 0;
		at = q + 1;
	} else {
		for (q = p; q < e; q++)
			if (*q == '@')
				at = q;
		if (at == NULL || at == p || *p == '.' || at[-1] == '.')
			return 0;
		for (q = p; q < at; q++) {
			unsigned char c = *q;

			if (c == '.' && q[1] == '.')
				return 0;
			if (!(text_is_alpha(c) || text_is_digit(c) || c == '.' ||
			    strchr(atext, c) != NULL || (idn && c >= 0x80)) ||
			    c == '\0')
				return 0;
		}
	}
	q = at + 1;
	if (q < e && *q == '[') {
		if (e[-1] != ']')
			return 0;
		if (e - q > 7 && strncmp(q + 1, "IPv6:", 5) == 0)
			return check_ipv6(q + 6, e - 1);
		return check_ipv4(q + 1, e - 1);
	}
	/* The suite takes e-mail domains as they are, NFC or not. */
	return check_hostname(q, e, idn ? 2 : 0);
}

/* RFC 3986 unreserved or sub-delims, or (IRI) any non-ASCII byte. */
static int
uchar(int c, int iri)
{
	return text_is_alpha(c) || text_is_digit(c) || strchr("-._~!$&'()*+,;=", c) ||
	    (iri && c >= 0x80);
}

/*
 * Check p[0..e) against a set: unreserved, sub-delims, percent-encoded
 * octets, and the characters of extra.
 */
static int
uri_part(const char *p, const char *e, const char *extra, int iri)
{
	for (; p < e; p++) {
		unsigned char c = *p;

		if (c == '%') {
			if (e - p < 3 || !text_is_hex((unsigned char)p[1]) ||
			    !text_is_hex((unsigned char)p[2]))
				return 0;
			p += 2;
		} else if (c == '\0' || (!uchar(c, iri) &&
		    strchr(extra, c) == NULL))
			return 0;
	}
	return 1;
}

static int
check_authority(const char *p, const char *e, int iri)
{
	const char *at = NULL, *q, *h;

	for (q = p; q < e; q++)
		if (*q == '@') {
			if (at != NULL)
				return 0;
			at = q;
		}
	if (at != NULL) {
		if (!uri_part(p, at, ":", iri))
			return 0;
		p = at + 1;
	}
	if (p < e && *p == '[') {
		for (q = p; q < e && *q != ']'; q++)
			;
		if (q == e)
			return 0;
		h = p + 1;
		if (h < q && (*h == 'v' || *h == 'V')) {
			/* IPvFuture: "v" 1*HEXDIG "." 1*(unreserved / ...) */
			for (h++; h < q && text_is_hex((unsigned char)*h); h++)
				;
			if (h == p + 2 || h >= q || *h != '.' || h + 1 >= q ||
			    !uri_part(h + 1, q, ":", 0))
				return 0;
		} else if (!check_ipv6(h, q))
			return 0;
		p = q + 1;
	} else {
		for (q = p; q < e && *q != ':'; q++)
			;
		if (!uri_part(p, q, "", iri))
			return 0;
		p = q;
	}
	if (p < e) {
		if (*p != ':')
			return 0;
		for (p++; p < e; p++)
			if (!text_is_digit((unsigned char)*p))
				return 0;
	}
	return 1;
}

/*
 * RFC 3986 (or 3987 with iri) URI-reference; with absolute, a scheme is
 * required.
 */
static int
check_uri(const char *p, const char *e, int absolute, int iri)
{
	const char *q = p, *end, *seg;
	int scheme = 0;

	while (q < e && (text_is_alpha((unsigned char)*q) || (q > p &&
	    (text_is_digit((unsigned char)*q) || *q == '+' || *q == '-' ||
	    *q == '.'))))
		q++;
	if (q < e && q > p && *q == ':') {
		scheme = 1;
		p = q + 1;
	} else if (absolute)
		return 0;
	for (end = p; end < e && *end != '?' && *end != '#'; end++)
		;
	if (e - p >= 2 && p[0] == '/' && p[1] == '/') {
		for (q = p + 2; q < end && *q != '/'; q++)
			;
		if (!check_authority(p + 2, q, iri))
			return 0;
		p = q;
	} else if (!scheme && p < end && *p != '/') {
		/* A relative path's first segment has no colon. */
		for (seg = p; seg < end && *seg != '/'; seg++)
			if (*seg == ':')
				return 0;
	}
	if (!uri_part(p, end, ":@/", iri))
		return 0;
	if (end < e && *end == '?') {
		for (q = end + 1; q < e && *q != '#'; q++)
			;
		if (!uri_part(end + 1, q, ":@/?", iri))
			return 0;
		end = q;
	}
	if (end < e && *end == '#' && !uri_part(end + 1, e, ":@/?", iri))
		return 0;
	return 1;
}

/* RFC 6570 level 4 templates. */
static int
check_template(const char *p, const char *e)
{
	const char *q;
	int digits;

	while (p < e) {
		unsigned char c = *p;

		if (c == '{') {
			p++;
			if (p < e && strchr("+#./;?&", *p))
				p++;
			for (;;) {
				/* varname: varchar *(["."] varchar) */
				q = p;
				while (p < e && (text_is_alpha((unsigned char)*p) ||
				    text_is_digit((unsigned char)*p) || *p == '_' ||
				    *p == '%' || (*p == '.' && p > q &&
				    p[-1] != '.'))) {
					if (*p == '%' && (e - p < 3 ||
					    !text_is_hex((unsigned char)p[1]) ||
					    !text_is_hex((unsigned char)p[2])))
						return 0;
					p += *p == '%' ? 3 : 1;
				}
				if (p == q || p[-1] == '.')
					return 0;
				if (p < e && *p == ':') {
					p++;
					if (p >= e || *p < '1' || *p > '9')
						return 0;
					for (digits = 0; p < e &&
					    text_is_digit((unsigned char)*p); p++)
						digits++;
					if (digits > 4)
						return 0;
				} else if (p < e && *p == '*')
					p++;
				if (p < e && *p == ',') {
					p++;
					continue;
				}
				break;
			}
			if (p >= e || *p != '}')
				return 0;
			p++;
			continue;
		}
		if (c <= 0x20 || c == 0x7f || strchr("\"<>\\^`{|}", c))
			return 0;
		if (c == '%' && (e - p < 3 || !text_is_hex((unsigned char)p[1]) ||
		    !text_is_hex((unsigned char)p[2])))
			return 0;
		p++;
	}
	return 1;
}

static int
check_uuid(const char *p, const char *e)
{
	static const int dash[] = { 8, 13, 18, 23 };
	int i, j = 0;

	if (e - p != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (j < 4 && i == dash[j]) {
			if (p[i] != '-')
				return 0;
			j++;
		} else if (!text_is_hex((unsigned char)p[i]))
			return 0;
	}
	return 1;
}

static int
check_pointer(const char *p, const char *e)
{
	if (p == e)
		return 1;
	if (*p != '/')
		return 0;
	for (; p < e; p++)
		if (*p == '~' && (p + 1 >= e || (p[1] != '0' && p[1] != '1')))
			return 0;
	return 1;
}

static int
check_relpointer(const char *p, const char *e)
{
	const char *q = p;

	while (q < e && text_is_digit((unsigned char)*q))
		q++;
	if (q == p || (*p == '0' && q - p > 1))
		return 0;
	if (q < e && (*q == '+' || *q == '-')) {
		/* index manipulation: +N or -N, N not 0-prefixed */
		const char *r = ++q;

		while (q < e && text_is_digit((unsigned char)*q))
			q++;
		if (q == r || (*r == '0' && q - r > 1) ||
		    (*r == '0' && q - r == 1 && 0))
			return 0;
	}
	if (q == e)
		return 1;
	if (*q == '#')
		return q + 1 == e;
	return check_pointer(q, e);
}

int
format_check(int id, const char *s, size_t n)
{
	const char *e = s + n, *p = s;
	struct jsre *re;

	switch (id) {
	case F_DATE:
		return date_at(&p, e) && p == e;
	case F_TIME:
		return time_at(&p, e) && p == e;
	case F_DATE_TIME:
		if (!date_at(&p, e) || p >= e || (*p != 'T' && *p != 't'))
			return 0;
		p++;
		return time_at(&p, e) && p == e;
	case F_DURATION:
		return check_duration(s, e);
	case F_EMAIL:
		return check_email(s, e, 0);
	case F_IDN_EMAIL:
		return check_email(s, e, 1);
	case F_HOSTNAME:
		return check_hostname(s, e, 0);
	case F_IDN_HOSTNAME:
		return check_hostname(s, e, 1);
	case F_IPV4:
		return check_ipv4(s, e);
	case F_IPV6:
		return check_ipv6(s, e);
	case F_URI:
		return check_uri(s, e, 1, 0);
	case F_URI_REFERENCE:
		return check_uri(s, e, 0, 0);
	case F_IRI:
		return check_uri(s, e, 1, 1);
	case F_IRI_REFERENCE:
		return check_uri(s, e, 0, 1);
	case F_URI_TEMPLATE:
		return check_template(s, e);
	case F_UUID:
		return check_uuid(s, e);
	case F_JSON_POINTER:
		return check_pointer(s, e);
	case F_REL_JSON_POINTER:
		return check_relpointer(s, e);
	case F_REGEX:
		if ((re = jsre_compile(s, n, NULL)) == NULL)
			return 0;
		jsre_free(re);
		return 1;
	default:
		return 1;
	}
}
