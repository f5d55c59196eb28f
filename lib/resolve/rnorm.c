/* rnorm.c -- field normalisers for entity resolution */
/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <utf8proc.h>

#include "lib/base/buf.h"
#include "lib/base/iox.h"
#include "lib/base/strmap.h"
#include "lib/base/utf8.h"
#include "lib/base/xmem.h"
#include "lib/resolve/rnorm.h"
#include "lib/text/text.h"

/* Fail unless p[0..n) is UTF-8. */
static int
rnorm_check(const char *p, size_t n, struct buf *err)
{
	ssize_t bad = utf8_invalid(p, n);

	if (bad >= 0)
		return buf_fail(err, "not UTF-8 at byte %zd", bad);
	return 0;
}

/* Is c an apostrophe: ' ‘ ’ ʼ? */
static int
rnorm_apostrophe(int32_t c)
{
	return c == '\'' || c == 0x2018 || c == 0x2019 || c == 0x2bc;
}

/*
 * Append the words of the normalised text s[0..n) to out: letters,
 * digits and marks kept, apostrophes dropped, any other run one space
 * between words.
 */
static void
rnorm_words(const char *s, size_t n, struct buf *out)
{
	size_t i, adv, start = out->len;
	utf8proc_category_t k;
	int gap = 0, keep;
	int32_t c;

	for (i = 0; i < n; i += adv) {
		c = (unsigned char)s[i];
		adv = 1;
		if (c < 0x80)
			keep = text_is_alnum(c);
		else {
			c = utf8_decode(s + i, n - i, &adv);
			if (c < 0)
				keep = 0;
			else {
				/* Letters, marks, numbers: Lu to No. */
				k = utf8proc_category(c);
				keep = k >= UTF8PROC_CATEGORY_LU &&
				    k <= UTF8PROC_CATEGORY_NO;
			}
		}
		if (rnorm_apostrophe(c))
			continue;
		if (!keep) {
			gap = 1;
			continue;
		}
		if (gap && out->len > start)
			buf_addc(out, ' ');
		gap = 0;
		if (c < 0x80)
			buf_addc(out, c >= 'A' && c <= 'Z' ? c | 0x20 : c);
		else
			buf_add(out, s + i, adv);
	}
}

int
rnorm_text(const char *p, size_t n, struct buf *out, struct buf *err)
{
	size_t i, len;
	char *s;

	for (i = 0; i < n && (unsigned char)p[i] < 0x80; i++)
		;
	if (i == n) {			/* ASCII: folding is lower-casing */
		rnorm_words(p, n, out);
		return 0;
	}
	if (rnorm_check(p, n, err) == -1)
		return -1;
	/*
	 * One utf8proc pass: compatibility decomposition, case folding,
	 * marks stripped, then canonical composition (NFC).
	 */
	s = text_normalize(p, n, TEXT_NFKC | TEXT_CASEFOLD | TEXT_STRIPMARK,
	    &len);
	if (s == NULL)
		return buf_fail(err, "not UTF-8");
	rnorm_words(s, len, out);
	free(s);
	return 0;
}

/*
 * Legal forms of organisations, as words after rnorm_text; see the
 * table in rnorm.h.
 */
static const char *const rnorm_legal[] = {
	"inc", "incorporated", "corp", "corporation", "co", "company",
	"ltd", "limited", "llc", "l l c", "llp", "l l p", "lp", "l p",
	"plc", "pty", "pte",
	"gmbh", "ag", "kg", "kgaa", "ohg", "ug",
	"sa", "s a", "sas", "s a s", "sarl", "s a r l", "ltda", "sl", "s l",
	"srl", "s r l", "spa", "s p a",
	"nv", "n v", "bv", "b v", "bvba",
	"ab", "oy", "oyj", "as", "a s", "asa", "aps", "a p s",
	"kk", "k k", "bhd", "sdn"
};

int
rnorm_org(const char *p, size_t n, struct buf *out, struct buf *err)
{
	size_t base = out->len, i, k, best, len;
	const char *w;

	if (rnorm_text(p, n, out, err) == -1)
		return -1;
	for (;;) {
		best = 0;
		len = out->len - base;
		w = out->data + base;
		for (i = 0; i < sizeof(rnorm_legal) / sizeof(rnorm_legal[0]);
		    i++) {
			k = strlen(rnorm_legal[i]);
			/* A whole word (or words) after at least one other. */
			if (k > best && k + 1 < len && w[len - k - 1] == ' ' &&
			    memcmp(w + len - k, rnorm_legal[i], k) == 0)
				best = k;
		}
		if (best == 0)
			break;
		out->len -= best + 1;
		out->data[out->len] = '\0';
	}
	return 0;
}

void
rnorm_digits(const char *p, size_t n, size_t last, struct buf *out)
{
	size_t base = out->len, i, got;

	for (i = 0; i < n; i++) {
		if (text_is_digit(p[i]))
			buf_addc(out, p[i]);
		else if (i + 2 < n && (unsigned char)p[i] == 0xef &&
		    (unsigned char)p[i + 1] == 0xbc &&
		    (unsigned char)p[i + 2] >= 0x90 &&
		    (unsigned char)p[i + 2] <= 0x99) {	/* U+FF10..FF19 */
			buf_addc(out, '0' + (unsigned char)p[i + 2] - 0x90);
			i += 2;
		}
	}
	got = out->len - base;
	if (last > 0 && got > last) {
		memmove(out->data + base, out->data + out->len - last, last);
		out->len = base + last;
		out->data[out->len] = '\0';
	}
}

/* The length of the white space (Unicode's) that starts p[0..n). */
static size_t
rnorm_lead_space(const char *p, size_t n)
{
	size_t i = 0, adv;

	while (i < n && text_is_space(utf8_decode(p + i, n - i, &adv)))
		i += adv;
	return i;
}

/* Trim Unicode white space from both ends of *p, *n (valid UTF-8). */
static void
rnorm_trim(const char **p, size_t *n)
{
	size_t k, adv;

	k = rnorm_lead_space(*p, *n);
	*p += k;
	*n -= k;
	while (*n > 0) {
		k = *n - 1;
		while (k > 0 && ((unsigned char)(*p)[k] & 0xc0) == 0x80)
			k--;
		if (!text_is_space(utf8_decode(*p + k, *n - k, &adv)))
			break;
		*n = k;
	}
}

/* Append p[0..n) (valid UTF-8) in lower case (simple mappings). */
static void
rnorm_lower(const char *p, size_t n, struct buf *out)
{
	char enc[4];
	size_t i, adv;
	int32_t c;

	for (i = 0; i < n; i += adv) {
		c = (unsigned char)p[i];
		adv = 1;
		if (c < 0x80) {
			buf_addc(out, c >= 'A' && c <= 'Z' ? c | 0x20 : c);
			continue;
		}
		c = utf8_decode(p + i, n - i, &adv);
		buf_add(out, enc, utf8_encode(utf8proc_tolower(c), enc));
	}
}

/* Does p[0..n) start with the lower-case ASCII s, in any case? */
static int
rnorm_prefix(const char *p, size_t n, const char *s)
{
	size_t k = strlen(s), i;

	if (n < k)
		return 0;
	for (i = 0; i < k; i++)
		if ((p[i] >= 'A' && p[i] <= 'Z' ? p[i] | 0x20 : p[i]) != s[i])
			return 0;
	return 1;
}

int
rnorm_email(const char *p, size_t n, int flags, struct buf *out,
    struct buf *err)
{
	struct buf t = BUF_INIT;
	const char *at, *dom, *q;
	size_t i, local, dlen;
	int gmail;

	if (rnorm_check(p, n, err) == -1)
		return -1;
	rnorm_trim(&p, &n);
	if (rnorm_prefix(p, n, "mailto:")) {
		p += 7;
		n -= 7;
		rnorm_trim(&p, &n);
	}
	if (n >= 2 && p[0] == '<' && p[n - 1] == '>') {
		p++;
		n -= 2;
		rnorm_trim(&p, &n);
	}
	rnorm_lower(p, n, &t);
	for (at = NULL, q = t.data; (q = memchr(q, '@', t.len -
	    (size_t)(q - t.data))) != NULL; q++)
		at = q;
	if (at == NULL) {
		buf_add(out, t.data, t.len);
		buf_release(&t);
		return 0;
	}
	local = (size_t)(at - t.data);
	dom = at + 1;
	dlen = t.len - local - 1;
	if (dlen > 0 && dom[dlen - 1] == '.')
		dlen--;
	gmail = (flags & RNORM_EMAIL_GMAIL) &&
	    ((dlen == 9 && memcmp(dom, "gmail.com", 9) == 0) ||
	    (dlen == 14 && memcmp(dom, "googlemail.com", 14) == 0));
	if ((flags & RNORM_EMAIL_TAG) || gmail)
		for (i = 1; i < local; i++)
			if (t.data[i] == '+') {
				local = i;
				break;
			}
	for (i = 0; i < local; i++)
		if (!gmail || t.data[i] != '.')
			buf_addc(out, t.data[i]);
	buf_addc(out, '@');
	if (gmail)
		buf_adds(out, "gmail.com");
	else
		buf_add(out, dom, dlen);
	buf_release(&t);
	return 0;
}

/* The default port of a scheme (lower case), or NULL. */
static const char *
rnorm_port(const char *s, size_t n)
{
	static const char *const port[][2] = {
		{ "http", "80" }, { "https", "443" }, { "ws", "80" },
		{ "wss", "443" }, { "ftp", "21" }
	};
	size_t i;

	for (i = 0; i < sizeof(port) / sizeof(port[0]); i++)
		if (strlen(port[i][0]) == n && memcmp(s, port[i][0], n) == 0)
			return port[i][1];
	return NULL;
}

/* The length of the URL scheme before "://" at the start of p, or 0. */
static size_t
rnorm_scheme(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || !text_is_alpha(p[0]))
		return 0;
	for (i = 1; i < n; i++)
		if (!text_is_alnum(p[i]) && p[i] != '+' && p[i] != '-' &&
		    p[i] != '.')
			break;
	if (i + 3 <= n && memcmp(p + i, "://", 3) == 0)
		return i;
	return 0;
}

int
rnorm_url(const char *p, size_t n, int flags, struct buf *out,
    struct buf *err)
{
	struct buf sch = BUF_INIT, host = BUF_INIT;
	const char *a, *e, *hp, *port = NULL, *def = NULL, *path, *end;
	size_t sl, alen, hlen, plen = 0, k, pathlen;
	int keep;

	if (rnorm_check(p, n, err) == -1)
		return -1;
	rnorm_trim(&p, &n);
	end = p + n;
	if ((e = memchr(p, '#', n)) != NULL)	/* the fragment goes */
		end = e;
	n = (size_t)(end - p);
	sl = rnorm_scheme(p, n);
	rnorm_lower(p, sl, &sch);
	a = sl > 0 ? p + sl + 3 : p;
	/* The authority ends at the path or the query. */
	for (e = a; e < end && *e != '/' && *e != '?'; e++)
		;
	alen = (size_t)(e - a);
	path = e;
	/* User information: up to the last "@" of the authority. */
	for (hp = a, k = 0; k < alen; k++)
		if (a[k] == '@')
			hp = a + k + 1;
	hlen = (size_t)(e - hp);
	/* The port: after the last ":" that is not inside [IPv6]. */
	for (k = hlen; k > 0; k--) {
		if (hp[k - 1] == ']')
			break;
		if (hp[k - 1] == ':') {
			port = hp + k;
			plen = hlen - k;
			hlen = k - 1;
			break;
		}
	}
	rnorm_lower(hp, hlen, &host);
	if (host.len > 0 && host.data[host.len - 1] == '.')
		host.data[--host.len] = '\0';
	/* "www." goes when a domain with a dot is left ("www.com" stays). */
	k = host.len > 4 && memcmp(host.data, "www.", 4) == 0 &&
	    memchr(host.data + 4, '.', host.len - 4) != NULL ? 4 : 0;
	if (sl > 0)
		def = rnorm_port(sch.data, sch.len);
	keep = !(flags & RNORM_URL_NOSCHEME) ||
	    (strcmp(sch.data, "http") != 0 && strcmp(sch.data, "https") != 0);
	if (sl > 0 && keep) {
		buf_add(out, sch.data, sch.len);
		buf_adds(out, "://");
	}
	if (hp > a)
		buf_add(out, a, (size_t)(hp - a));	/* user info and "@" */
	buf_add(out, host.data + k, host.len - k);
	if (port != NULL && plen > 0 && !(def != NULL &&
	    strlen(def) == plen && memcmp(port, def, plen) == 0)) {
		buf_addc(out, ':');
		buf_add(out, port, plen);
	}
	/* The path without its final "/", then the query. */
	for (e = path; e < end && *e != '?'; e++)
		;
	pathlen = (size_t)(e - path);
	if (pathlen > 0 && path[pathlen - 1] == '/')
		pathlen--;
	buf_add(out, path, pathlen);
	buf_add(out, e, (size_t)(end - e));
	buf_release(&sch);
	buf_release(&host);
	return 0;
}

/* Is c a blank (space or tab)? */
static int
rnorm_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* Does p[i..n) start with the lower-case ASCII word s, in any case? */
static int
rnorm_word_at(const char *p, size_t n, size_t i, const char *s)
{
	return rnorm_prefix(p + i, n - i, s);
}

/*
 * Read the run of ASCII digits at p[*i]: returns its length and leaves
 * its value in *v (held at 100000 or below, enough to reject it).
 */
static size_t
rnorm_num(const char *p, size_t n, size_t *i, int *v)
{
	size_t k = 0;

	*v = 0;
	for (; *i < n && text_is_digit(p[*i]); (*i)++, k++)
		if (*v < 100000)
			*v = *v * 10 + (p[*i] - '0');
	return k;
}

/* Is y-m-d a date of the proleptic Gregorian calendar, years 0 to 9999? */
static int
rnorm_valid_date(int y, int m, int d)
{
	static const int mdays[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);

	if (y < 0 || y > 9999 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

/*
 * Is p[i..n) nothing, or a time (see rnorm_date in rnorm.h) after white
 * space or, when t is set, after a "T"?
 */
static int
rnorm_time(const char *p, size_t n, size_t i, int t)
{
	size_t k;
	int h, m, s, oh, om, ampm = 0;

	if (i == n)
		return 1;
	if (t && (p[i] == 'T' || p[i] == 't'))
		i++;
	else if (rnorm_blank(p[i]))
		while (i < n && rnorm_blank(p[i]))
			i++;
	else
		return 0;
	k = rnorm_num(p, n, &i, &h);
	if (k < 1 || k > 2 || i == n || p[i] != ':')
		return 0;
	i++;
	if (rnorm_num(p, n, &i, &m) != 2 || m > 59)
		return 0;
	if (i < n && p[i] == ':') {
		i++;
		if (rnorm_num(p, n, &i, &s) != 2 || s > 60)
			return 0;
		if (i < n && (p[i] == '.' || p[i] == ',')) {
			i++;
			if (rnorm_num(p, n, &i, &s) == 0)
				return 0;
		}
	}
	for (k = i; k < n && rnorm_blank(p[k]); k++)
		;
	if (rnorm_word_at(p, n, k, "am") || rnorm_word_at(p, n, k, "pm")) {
		ampm = 1;
		i = k + 2;
	}
	if (ampm ? h < 1 || h > 12 : h > 23)
		return 0;
	for (k = i; k < n && rnorm_blank(p[k]); k++)
		;
	if (k == n)
		return 1;
	i = k;
	if (p[i] == 'Z' || p[i] == 'z')
		return i + 1 == n;
	if (rnorm_word_at(p, n, i, "utc") || rnorm_word_at(p, n, i, "gmt"))
		return i + 3 == n;
	if (p[i] != '+' && p[i] != '-')
		return 0;
	i++;
	k = rnorm_num(p, n, &i, &oh);
	if (k == 4) {
		om = oh % 100;
		oh /= 100;
	} else if (k == 2) {
		om = 0;
		if (i < n && p[i] == ':') {
			i++;
			if (rnorm_num(p, n, &i, &om) != 2)
				return 0;
		}
	} else
		return 0;
	return i == n && oh <= 23 && om <= 59;
}

/*
 * A numeric date (see rnorm.h) with its time, if any: the date into *y,
 * *m, *d and 1, or 0 when p[0..n) is not one.
 */
static int
rnorm_date_num(const char *p, size_t n, int order, int *y, int *m, int *d)
{
	size_t i = 0, ka, kb, kc;
	int a, b, c, sep, dm, md;

	ka = rnorm_num(p, n, &i, &a);
	if (ka == 8) {				/* YYYYMMDD */
		*y = ((p[0] - '0') * 10 + p[1] - '0') * 100 +
		    (p[2] - '0') * 10 + p[3] - '0';
		*m = (p[4] - '0') * 10 + p[5] - '0';
		*d = (p[6] - '0') * 10 + p[7] - '0';
		return rnorm_time(p, n, i, 0) && rnorm_valid_date(*y, *m, *d);
	}
	if (i == n || (p[i] != '-' && p[i] != '/' && p[i] != '.'))
		return 0;
	sep = p[i++];
	kb = rnorm_num(p, n, &i, &b);
	if (kb < 1 || kb > 2 || i == n || p[i] != sep)
		return 0;
	i++;
	kc = rnorm_num(p, n, &i, &c);
	if (ka == 4 && kc >= 1 && kc <= 2) {
		*y = a;
		*m = b;
		*d = c;
		return rnorm_time(p, n, i, 1) && rnorm_valid_date(a, b, c);
	}
	if (ka < 1 || ka > 2 || kc != 4 || !rnorm_time(p, n, i, 0))
		return 0;
	*y = c;
	dm = rnorm_valid_date(c, b, a);		/* a the day, b the month */
	md = rnorm_valid_date(c, a, b);		/* a the month, b the day */
	if (order == RNORM_DATE_ISO) {
		if (dm && md && a != b)
			return 0;		/* either: no guess */
		order = dm ? RNORM_DATE_DMY : RNORM_DATE_MDY;
	}
	/* The order asked for first; the other when only it is a date. */
	if ((order == RNORM_DATE_DMY && dm) || !md) {
		*d = a;
		*m = b;
		return dm;
	}
	*m = a;
	*d = b;
	return md;
}

/* Is w[0..n) the first n letters of the lower-case ASCII s, in any case? */
static int
rnorm_starts(const char *w, size_t n, const char *s)
{
	size_t i;

	if (n > strlen(s))
		return 0;
	for (i = 0; i < n; i++)
		if ((w[i] >= 'A' && w[i] <= 'Z' ? w[i] | 0x20 : w[i]) != s[i])
			return 0;
	return 1;
}

/*
 * The number (1 to 12) of the English month or weekday w[0..n): its
 * name or its first three letters or more, in any case; 0 if none.
 */
static int
rnorm_name(const char *w, size_t n, int weekday)
{
	static const char *const month[] = {
		"january", "february", "march", "april", "may", "june", "july",
		"august", "september", "october", "november", "december"
	};
	static const char *const day[] = {
		"monday", "tuesday", "wednesday", "thursday", "friday",
		"saturday", "sunday"
	};
	const char *const *name = weekday ? day : month;
	int i, k = weekday ? 7 : 12;

	if (n < 3)
		return 0;
	for (i = 0; i < k; i++)
		if (rnorm_starts(w, n, name[i]))
			return i + 1;
	return 0;
}

/* Is c a separator of the parts of a date with a month name? */
static int
rnorm_date_sep(int c)
{
	return rnorm_blank(c) || c == ',' || c == '-' || c == '/' || c == '.';
}

/*
 * A date with a month name (see rnorm.h) with its time, if any: the date
 * into *y, *m, *d and 1, or 0 when p[0..n) is not one.  Its parts are a
 * day (one or two digits), a month name and a year (four digits), as
 * D M Y, M D Y or Y M D.
 */
static int
rnorm_date_named(const char *p, size_t n, int *y, int *m, int *d)
{
	char kind[4] = "";
	int val[3], v;
	size_t i = 0, j, k, nt = 0;

	while (nt < 3) {
		while (i > 0 && i < n && rnorm_date_sep(p[i]))
			i++;
		if (i == n)
			return 0;
		j = i;
		if (text_is_digit(p[i])) {
			k = rnorm_num(p, n, &i, &v);
			if (k == 4)
				kind[nt] = 'Y';
			else if (k <= 2) {
				kind[nt] = 'D';
				/* An ordinal suffix: 1st, 2nd, 3rd, 4th. */
				if (i + 2 <= n && (i + 2 == n ||
				    !text_is_alpha(p[i + 2])) &&
				    (rnorm_starts(p + i, 2, "st") ||
				    rnorm_starts(p + i, 2, "nd") ||
				    rnorm_starts(p + i, 2, "rd") ||
				    rnorm_starts(p + i, 2, "th")))
					i += 2;
			} else
				return 0;
		} else if (text_is_alpha(p[i])) {
			while (i < n && text_is_alpha(p[i]))
				i++;
			if ((v = rnorm_name(p + j, i - j, 0)) != 0)
				kind[nt] = 'M';
			else if (nt == 0 && j == 0 &&
			    rnorm_name(p + j, i - j, 1) != 0)
				continue;	/* a weekday first: dropped */
			else
				return 0;
		} else
			return 0;
		val[nt++] = v;
	}
	if (strcmp(kind, "DMY") == 0) {
		*d = val[0];
		*m = val[1];
		*y = val[2];
	} else if (strcmp(kind, "MDY") == 0) {
		*m = val[0];
		*d = val[1];
		*y = val[2];
	} else if (strcmp(kind, "YMD") == 0) {
		*y = val[0];
		*m = val[1];
		*d = val[2];
	} else
		return 0;
	return rnorm_time(p, n, i, 0) && rnorm_valid_date(*y, *m, *d);
}

int
rnorm_date(const char *p, size_t n, int order, struct buf *out,
    struct buf *err)
{
	int y, m, d;

	if (rnorm_check(p, n, err) == -1)
		return -1;
	rnorm_trim(&p, &n);
	if (n == 0 || (!rnorm_date_num(p, n, order, &y, &m, &d) &&
	    !rnorm_date_named(p, n, &y, &m, &d)))
		return 1;
	buf_printf(out, "%04d-%02d-%02d", y, m, d);
	return 0;
}

/*
 * The synonym table: the words, numbered by a string map, and for each
 * the number of its canonical form.
 */
struct rnorm_syn {
	struct strmap	*words;		/* every word; owned */
	uint32_t	*canon;		/* the canonical form of each */
	size_t		 cap;		/* allocated entries of canon */
};

struct rnorm_syn *
rnorm_syn_new(void)
{
	struct rnorm_syn *t = xcalloc(1, sizeof(*t));

	t->words = strmap_new();
	return t;
}

void
rnorm_syn_free(struct rnorm_syn *t)
{
	if (t == NULL)
		return;
	strmap_free(t->words);
	free(t->canon);
	free(t);
}

size_t
rnorm_syn_count(const struct rnorm_syn *t)
{
	return strmap_count(t->words);
}

/* Map w[0..n) to the canonical form c, unless it has one. */
static void
rnorm_syn_put(struct rnorm_syn *t, const char *w, size_t n, uint32_t c)
{
	int isnew;
	uint32_t id = strmap_intern(t->words, w, n, &isnew);

	if (!isnew)
		return;			/* the first group wins */
	if (id >= t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->canon = xreallocarray(t->canon, t->cap, sizeof(*t->canon));
	}
	t->canon[id] = c;
}

/* Is c a separator of the words of a table line? */
static int
rnorm_syn_sep(int c)
{
	return c == ',' || c == ' ' || (c >= '\t' && c <= '\r');
}

int
rnorm_syn_add(struct rnorm_syn *t, const char *line, size_t n,
    struct buf *err)
{
	struct buf words = BUF_INIT;
	size_t i, j, k, w0, *ends = NULL, nw = 0;
	long c;
	int rc = -1;

	for (i = 0; i < n && rnorm_syn_sep((unsigned char)line[i]); i++)
		;
	if (i == n || line[i] == '#')
		return 0;
	/* Normalise every word first, so that an error adds nothing. */
	for (; i < n; i = j) {
		for (j = i; j < n && !rnorm_syn_sep((unsigned char)line[j]);
		    j++)
			;
		if (j == i) {
			j++;
			continue;
		}
		w0 = words.len;
		if (rnorm_text(line + i, j - i, &words, err) == -1)
			goto out;
		if (words.len == w0) {
			buf_fail(err, "'%.*s' has no letter or digit",
			    (int)(j - i), line + i);
			goto out;
		}
		if (memchr(words.data + w0, ' ', words.len - w0) != NULL) {
			buf_fail(err, "'%.*s' is more than one word",
			    (int)(j - i), line + i);
			goto out;
		}
		ends = xreallocarray(ends, nw + 1, sizeof(*ends));
		ends[nw++] = words.len;
	}
	/* The canonical form maps to itself unless an earlier line took
	 * it; either way the group's words map to it. */
	c = strmap_find(t->words, words.data, ends[0]);
	if (c < 0)
		c = (long)strmap_count(t->words);
	for (k = 0, w0 = 0; k < nw; w0 = ends[k++])
		rnorm_syn_put(t, words.data + w0, ends[k] - w0, (uint32_t)c);
	rc = 0;
out:
	free(ends);
	buf_release(&words);
	return rc;
}

struct rnorm_syn *
rnorm_syn_load(const char *path, struct buf *err)
{
	struct rnorm_syn *t;
	struct buf why = BUF_INIT;
	size_t len, i, j, k;
	unsigned long line = 0;
	char *s;

	if ((s = iox_slurp(path, &len)) == NULL) {
		buf_fail(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	t = rnorm_syn_new();
	for (i = 0; i < len; i = j + 1) {
		line++;
		for (j = i; j < len && s[j] != '\n'; j++)
			;
		k = j > i && s[j - 1] == '\r' ? j - 1 : j;
		if (rnorm_syn_add(t, s + i, k - i, &why) == -1) {
			buf_fail(err, "%s:%lu: %s", path, line, why.data);
			buf_release(&why);
			rnorm_syn_free(t);
			free(s);
			return NULL;
		}
	}
	buf_release(&why);
	free(s);
	return t;
}

const char *
rnorm_syn_lookup(const struct rnorm_syn *t, const char *w, size_t n,
    size_t *lenp)
{
	long id;

	if (n == 0 || (id = strmap_find(t->words, w, n)) < 0)
		return NULL;
	return strmap_key(t->words, t->canon[id], lenp);
}

int
rnorm_syn_apply(const struct rnorm_syn *t, const char *p, size_t n,
    struct buf *out, struct buf *err)
{
	struct buf w = BUF_INIT;
	const char *c, *e;
	size_t i, j, clen;

	if (rnorm_text(p, n, &w, err) == -1) {
		buf_release(&w);
		return -1;
	}
	for (i = 0; i < w.len; i = j + 1) {
		e = memchr(w.data + i, ' ', w.len - i);
		j = e != NULL ? (size_t)(e - w.data) : w.len;
		if (i > 0)
			buf_addc(out, ' ');
		c = rnorm_syn_lookup(t, w.data + i, j - i, &clen);
		if (c != NULL)
			buf_add(out, c, clen);
		else
			buf_add(out, w.data + i, j - i);
	}
	buf_release(&w);
	return 0;
}
