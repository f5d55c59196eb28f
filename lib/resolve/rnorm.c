/* rnorm.c -- field normalisers for entity resolution */
/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <utf8proc.h>

#include "lib/base/buf.h"
#include "lib/base/hash.h"
#include "lib/base/iox.h"
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

/*
 * The synonym table: open addressing with linear probing, at most half
 * full.  Words live in one arena, each NUL-terminated; a slot points
 * into it by offsets, so that growing the arena moves nothing.
 */
struct rnorm_slot {
	uint64_t	 h;		/* hash64 of the word */
	uint32_t	 key;		/* offset of the word in the arena */
	uint32_t	 klen;		/* its length; 0: the slot is empty */
	uint32_t	 val;		/* offset of its canonical form */
	uint32_t	 vlen;		/* that one's length */
};

struct rnorm_syn {
	struct buf	 arena;		/* the words, NUL after each */
	struct rnorm_slot *slot;	/* cap slots; owned */
	size_t		 cap;		/* a power of two */
	size_t		 count;		/* slots in use */
};

struct rnorm_syn *
rnorm_syn_new(void)
{
	struct rnorm_syn *t = xcalloc(1, sizeof(*t));

	buf_init(&t->arena);
	t->cap = 64;
	t->slot = xcalloc(t->cap, sizeof(*t->slot));
	return t;
}

void
rnorm_syn_free(struct rnorm_syn *t)
{
	if (t == NULL)
		return;
	buf_release(&t->arena);
	free(t->slot);
	free(t);
}

size_t
rnorm_syn_count(const struct rnorm_syn *t)
{
	return t->count;
}

/* The slot of w[0..n) with hash h: its own, or the empty one to fill. */
static struct rnorm_slot *
rnorm_syn_find(const struct rnorm_syn *t, const char *w, size_t n,
    uint64_t h)
{
	struct rnorm_slot *s;
	size_t i;

	for (i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		s = &t->slot[i];
		if (s->klen == 0)
			return s;
		if (s->h == h && s->klen == n &&
		    memcmp(t->arena.data + s->key, w, n) == 0)
			return s;
	}
}

/* Double the slots. */
static void
rnorm_syn_grow(struct rnorm_syn *t)
{
	struct rnorm_slot *old = t->slot, *s;
	size_t oldcap = t->cap, i;

	t->cap *= 2;
	t->slot = xcalloc(t->cap, sizeof(*t->slot));
	for (i = 0; i < oldcap; i++)
		if (old[i].klen != 0) {
			s = rnorm_syn_find(t, t->arena.data + old[i].key,
			    old[i].klen, old[i].h);
			*s = old[i];
		}
	free(old);
}

/* Store w[0..n) in the arena; returns its offset. */
static uint32_t
rnorm_syn_store(struct rnorm_syn *t, const char *w, size_t n)
{
	size_t off = t->arena.len;

	buf_add(&t->arena, w, n);
	buf_addc(&t->arena, '\0');
	return (uint32_t)off;
}

/* Map w[0..n) to the canonical form at val, unless it has one. */
static void
rnorm_syn_put(struct rnorm_syn *t, const char *w, size_t n, uint32_t val,
    uint32_t vlen)
{
	struct rnorm_slot *s;
	uint64_t h = hash64(w, n);

	s = rnorm_syn_find(t, w, n, h);
	if (s->klen != 0)
		return;			/* the first group wins */
	if ((t->count + 1) * 2 > t->cap) {
		rnorm_syn_grow(t);
		s = rnorm_syn_find(t, w, n, h);
	}
	s->h = h;
	s->key = rnorm_syn_store(t, w, n);
	s->klen = (uint32_t)n;
	s->val = val;
	s->vlen = vlen;
	t->count++;
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
	uint32_t val, vlen;
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
		if (words.len - w0 > UINT32_MAX / 2) {
			buf_fail(err, "'%.20s...' is too long", line + i);
			goto out;
		}
		ends = xreallocarray(ends, nw + 1, sizeof(*ends));
		ends[nw++] = words.len;
	}
	if (t->arena.len + words.len + nw > UINT32_MAX / 2) {
		buf_fail(err, "the table is too large");
		goto out;
	}
	vlen = (uint32_t)ends[0];
	val = rnorm_syn_store(t, words.data, vlen);
	for (k = 0, w0 = 0; k < nw; w0 = ends[k++])
		rnorm_syn_put(t, words.data + w0, ends[k] - w0, val, vlen);
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
	const struct rnorm_slot *s;

	if (n == 0)
		return NULL;
	s = rnorm_syn_find(t, w, n, hash64(w, n));
	if (s->klen == 0)
		return NULL;
	if (lenp != NULL)
		*lenp = s->vlen;
	return t->arena.data + s->val;
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
