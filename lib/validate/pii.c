/* pii.c -- detection and redaction of personal data in text */
/* SPDX-License-Identifier: MIT */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/buf.h"
#include "lib/validate/format.h"
#include "lib/base/hash.h"
#include "lib/validate/pii.h"
#include "lib/text/text.h"
#include "lib/base/xmem.h"

static const char *const names[] = {
	"email", "phone", "card", "iban", "ip", "ssn"
};

const char *
pii_name(int type)
{
	int i;

	for (i = 0; i < 6; i++)
		if (type == 1 << i)
			return names[i];
	return "unknown";
}

int
pii_lookup(const char *name)
{
	int i;

	for (i = 0; i < 6; i++)
		if (strcmp(name, names[i]) == 0)
			return 1 << i;
	return 0;
}

int
pii_parse_types(const char *list, unsigned *mask, struct buf *err)
{
	char *copy = xstrdup(list), *tok, *save;
	int t;

	*mask = 0;
	for (tok = strtok_r(copy, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save)) {
		if ((t = pii_lookup(tok)) == 0) {
			buf_fail(err, "unknown PII type '%s' (email, phone, "
			    "card, iban, ip, ssn)", tok);
			free(copy);
			return -1;
		}
		*mask |= (unsigned)t;
	}
	free(copy);
	return 0;
}

static int
upper_letter(int c)
{
	return c >= 'A' && c <= 'Z';
}

/* A word character: ASCII letters and digits, and any non-ASCII byte. */
static int
word_byte(int c)
{
	return text_is_alnum(c) || c >= 0x80 || c == '_';
}

struct finds {
	struct pii_find	*v;		/* the findings; owned */
	size_t		 n, cap;	/* used and allocated */
};

static void
add(struct finds *f, int type, size_t start, size_t end)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 8;
		f->v = xreallocarray(f->v, f->cap, sizeof(*f->v));
	}
	f->v[f->n].type = type;
	f->v[f->n].start = start;
	f->v[f->n].end = end;
	f->n++;
}

static int
luhn(const char *d, size_t n)
{
	size_t i;
	int sum = 0, x, dbl = 0;

	for (i = n; i-- > 0;) {
		x = d[i] - '0';
		if (dbl) {
			x *= 2;
			if (x > 9)
				x -= 9;
		}
		sum += x;
		dbl = !dbl;
	}
	return sum % 10 == 0;
}

static void
scan_email(const char *s, size_t n, struct finds *f)
{
	static const char local[] = "._%+-";
	size_t a, l, r, dot;

	for (a = 1; a + 1 < n; a++) {
		if (s[a] != '@')
			continue;
		for (l = a; l > 0 && (text_is_alnum((unsigned char)s[l - 1]) ||
		    strchr(local, s[l - 1]) != NULL); l--)
			;
		while (l < a && s[l] == '.')
			l++;
		if (l == a || s[a - 1] == '.')
			continue;
		for (r = a + 1; r < n && (text_is_alnum((unsigned char)s[r]) ||
		    s[r] == '.' || s[r] == '-'); r++)
			;
		while (r > a + 1 && (s[r - 1] == '.' || s[r - 1] == '-'))
			r--;
		for (dot = r; dot > a + 1 && s[dot - 1] != '.'; dot--)
			;
		if (dot <= a + 2 || r - dot < 2)
			continue;
		for (size_t k = dot; k < r; k++)
			if (text_is_digit((unsigned char)s[k]))
				goto next;
		add(f, PII_EMAIL, l, r);
		a = r;
next:		;
	}
}

/* Runs of digits and separators: cards, SSNs, phones, IPv4. */
static void
scan_numbers(const char *s, size_t n, unsigned mask, struct finds *f)
{
	char dig[64];
	size_t i, j, nd, seps, run;
	int plus, dashonly, cardsep, fmt4 = format_lookup("ipv4");

	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (!(text_is_digit(c) || c == '+' || c == '('))
			continue;
		if (i > 0 && (word_byte((unsigned char)s[i - 1]) ||
		    s[i - 1] == '.' || s[i - 1] == '-' || s[i - 1] == '+'))
			continue;
		plus = c == '+';
		nd = seps = run = 0;
		dashonly = cardsep = 1;
		for (j = i + plus; j < n; j++) {
			c = s[j];
			if (text_is_digit(c)) {
				if (nd < sizeof(dig))
					dig[nd] = c;
				nd++;
				run = 0;
			} else if (c == ' ' || c == '-' || c == '.' ||
			    c == '(' || c == ')') {
				if (++run > 2)
					break;
				seps++;
				if (c != '-')
					dashonly = 0;
				if (c != ' ' && c != '-')
					cardsep = 0;
			} else
				break;
		}
		/* Trailing separators are not part of it. */
		while (j > i && !text_is_digit((unsigned char)s[j - 1])) {
			j--;
			if (s[j] == '.' || s[j] == '(' || s[j] == ')' ||
			    s[j] == ' ' || s[j] == '-')
				seps--;
		}
		if (nd == 0 || (j < n && word_byte((unsigned char)s[j])))
			continue;
		if ((mask & PII_IP) && !plus && format_check(fmt4, s + i,
		    j - i)) {
			add(f, PII_IP, i, j);
			i = j;
			continue;
		}
		if ((mask & PII_SSN) && j - i == 11 && s[i + 3] == '-' &&
		    s[i + 6] == '-' && nd == 9 && dashonly &&
		    memcmp(s + i, "000", 3) != 0 &&
		    memcmp(s + i, "666", 3) != 0 && s[i] != '9' &&
		    memcmp(s + i + 4, "00", 2) != 0 &&
		    memcmp(s + i + 7, "0000", 4) != 0) {
			add(f, PII_SSN, i, j);
			i = j;
			continue;
		}
		if ((mask & PII_CARD) && !plus && nd >= 13 && nd <= 19 &&
		    cardsep && luhn(dig, nd)) {
			add(f, PII_CARD, i, j);
			i = j;
			continue;
		}
		/* E.164 after "+" or "00", or a national number. */
		if ((mask & PII_PHONE) && ((plus && nd >= 8 && nd <= 15) ||
		    (!plus && nd >= 10 && nd <= 17 && dig[0] == '0' &&
		    dig[1] == '0' && dig[2] != '0') ||
		    (!plus && nd >= 10 && nd <= 11 && (seps > 0 ||
		    dig[0] == '0')))) {
			add(f, PII_PHONE, i, j);
			i = j;
			continue;
		}
		/* None of it: go on after the run. */
		i = j - 1;
	}
}

static void
scan_ipv6(const char *s, size_t n, struct finds *f)
{
	size_t i, j, colons, hex;
	int fmt6 = format_lookup("ipv6");

	for (i = 0; i < n; i++) {
		if (!(text_is_hex((unsigned char)s[i]) || s[i] == ':'))
			continue;
		if (i > 0 && (word_byte((unsigned char)s[i - 1]) ||
		    s[i - 1] == ':'))
			continue;
		colons = hex = 0;
		for (j = i; j < n && (text_is_hex((unsigned char)s[j]) ||
		    s[j] == ':' || s[j] == '.'); j++) {
			if (s[j] == ':')
				colons++;
			else if (s[j] != '.')
				hex++;
		}
		while (j > i && s[j - 1] == '.')
			j--;
		if (colons >= 2 && hex > 0 &&
		    !(j < n && word_byte((unsigned char)s[j])) &&
		    format_check(fmt6, s + i, j - i)) {
			add(f, PII_IP, i, j);
			i = j;
		}
	}
}

/* IBAN length by country (ISO 13616 registry). */
static int
iban_length(const char *cc)
{
	static const char table[] =
	    "AD24AE23AL28AT20AZ28BA20BE16BG22BH22BR29BY28CH21CR22CY28CZ24"
	    "DE22DK18DO28EE20EG29ES24FI18FO18FR27GB22GE22GI23GL18GR27GT28"
	    "HR21HU28IE22IL23IQ23IS26IT27JO30KW30KZ20LB28LC32LI21LT20LU20"
	    "LV21MC27MD24ME22MK19MR27MT31MU30NL18NO15PK24PL28PS29PT25QA29"
	    "RO24RS22SA24SC31SE24SI19SK24SM27ST25SV28TL23TN24TR26UA29VA22"
	    "VG24XK20";
	size_t i;

	for (i = 0; table[i]; i += 4)
		if (table[i] == cc[0] && table[i + 1] == cc[1])
			return (table[i + 2] - '0') * 10 + table[i + 3] - '0';
	return 0;
}

static int
iban_mod97(const char *a, size_t n)
{
	unsigned r = 0;
	size_t i, k;
	int c;

	/* The first four characters go to the end. */
	for (k = 0; k < n; k++) {
		i = (k + 4) % n;
		c = (unsigned char)a[i];
		if (text_is_digit(c))
			r = (r * 10 + (c - '0')) % 97;
		else if (upper_letter(c))
			r = (r * 100 + (c - 'A' + 10)) % 97;
		else
			return 0;
	}
	return r == 1;
}

static void
scan_iban(const char *s, size_t n, struct finds *f)
{
	char a[40];
	size_t i, j, k, end;
	int want;

	for (i = 0; i + 4 <= n; i++) {
		if (!upper_letter((unsigned char)s[i]) ||
		    !upper_letter((unsigned char)s[i + 1]) ||
		    !text_is_digit((unsigned char)s[i + 2]) ||
		    !text_is_digit((unsigned char)s[i + 3]))
			continue;
		if (i > 0 && word_byte((unsigned char)s[i - 1]))
			continue;
		if ((want = iban_length(s + i)) == 0)
			continue;
		k = 0;
		end = i;
		for (j = i; j < n && k < (size_t)want; j++) {
			if (text_is_alnum((unsigned char)s[j])) {
				a[k++] = s[j] >= 'a' && s[j] <= 'z' ?
				    s[j] - 32 : s[j];
				end = j + 1;
			} else if (s[j] == ' ' && j + 1 < n &&
			    text_is_alnum((unsigned char)s[j + 1]) &&
			    s[j - 1] != ' ')
				continue;
			else
				break;
		}
		if (k != (size_t)want || (end < n &&
		    word_byte((unsigned char)s[end])))
			continue;
		if (iban_mod97(a, k)) {
			add(f, PII_IBAN, i, end);
			i = end;
		}
	}
}

static int
find_cmp(const void *a, const void *b)
{
	const struct pii_find *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;	/* longer first */
	return x->type - y->type;
}

size_t
pii_scan(const char *s, size_t n, unsigned mask, struct pii_find **out)
{
	struct finds f = { NULL, 0, 0 };
	size_t i, w, last = 0;

	if (mask & PII_EMAIL)
		scan_email(s, n, &f);
	if (mask & (PII_PHONE | PII_CARD | PII_SSN | PII_IP))
		scan_numbers(s, n, mask, &f);
	if (mask & PII_IP)
		scan_ipv6(s, n, &f);
	if (mask & PII_IBAN)
		scan_iban(s, n, &f);
	if (f.n > 1)
		qsort(f.v, f.n, sizeof(*f.v), find_cmp);
	/* Drop findings that overlap an earlier one. */
	for (i = w = 0; i < f.n; i++) {
		if (w > 0 && f.v[i].start < last)
			continue;
		last = f.v[i].end;
		f.v[w++] = f.v[i];
	}
	f.n = w;
	if (f.n == 0) {
		free(f.v);
		f.v = NULL;
	}
	*out = f.v;
	return f.n;
}

char *
pii_redact(const char *s, size_t n, const struct pii_find *f, size_t nf,
    const char *key, size_t *lenp)
{
	struct buf b = BUF_INIT;
	size_t i, pos = 0;
	uint64_t seed, h;
	const char *name;

	seed = key ? hash64(key, strlen(key)) : 0;
	for (i = 0; i < nf; i++) {
		buf_add(&b, s + pos, f[i].start - pos);
		buf_addc(&b, '[');
		for (name = pii_name(f[i].type); *name; name++)
			buf_addc(&b, *name - 32);
		if (key != NULL) {
			h = hash64_seed(s + f[i].start, f[i].end - f[i].start,
			    seed);
			buf_printf(&b, ":%016llx", (unsigned long long)h);
		}
		buf_addc(&b, ']');
		pos = f[i].end;
	}
	buf_add(&b, s + pos, n - pos);
	return buf_detach(&b, lenp);
}
