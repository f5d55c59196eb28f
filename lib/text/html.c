/* html.c -- HTML to readable plain text, and its <title> */
/* SPDX-License-Identifier: MIT */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/buf.h"
#include "lib/text/cp1252.h"
#include "lib/text/html.h"
#include "lib/text/text.h"
#include "lib/base/xmem.h"

/* The HTML 4 named character references, and &apos;, sorted by name. */
static const struct entity {
	const char	*name;	/* without '&' and ';' */
	int32_t		 cp;	/* the code point */
} entities[] = {
	{ "AElig", 198 }, { "Aacute", 193 }, { "Acirc", 194 },
	{ "Agrave", 192 }, { "Alpha", 913 }, { "Aring", 197 },
	{ "Atilde", 195 }, { "Auml", 196 }, { "Beta", 914 },
	{ "Ccedil", 199 }, { "Chi", 935 }, { "Dagger", 8225 },
	{ "Delta", 916 }, { "ETH", 208 }, { "Eacute", 201 }, { "Ecirc", 202 },
	{ "Egrave", 200 }, { "Epsilon", 917 }, { "Eta", 919 },
	{ "Euml", 203 }, { "Gamma", 915 }, { "Iacute", 205 },
	{ "Icirc", 206 }, { "Igrave", 204 }, { "Iota", 921 }, { "Iuml", 207 },
	{ "Kappa", 922 }, { "Lambda", 923 }, { "Mu", 924 }, { "Ntilde", 209 },
	{ "Nu", 925 }, { "OElig", 338 }, { "Oacute", 211 }, { "Ocirc", 212 },
	{ "Ograve", 210 }, { "Omega", 937 }, { "Omicron", 927 },
	{ "Oslash", 216 }, { "Otilde", 213 }, { "Ouml", 214 }, { "Phi", 934 },
	{ "Pi", 928 }, { "Prime", 8243 }, { "Psi", 936 }, { "Rho", 929 },
	{ "Scaron", 352 }, { "Sigma", 931 }, { "THORN", 222 }, { "Tau", 932 },
	{ "Theta", 920 }, { "Uacute", 218 }, { "Ucirc", 219 },
	{ "Ugrave", 217 }, { "Upsilon", 933 }, { "Uuml", 220 }, { "Xi", 926 },
	{ "Yacute", 221 }, { "Yuml", 376 }, { "Zeta", 918 },
	{ "aacute", 225 }, { "acirc", 226 }, { "acute", 180 },
	{ "aelig", 230 }, { "agrave", 224 }, { "alefsym", 8501 },
	{ "alpha", 945 }, { "amp", 38 }, { "and", 8743 }, { "ang", 8736 },
	{ "apos", 39 }, { "aring", 229 }, { "asymp", 8776 },
	{ "atilde", 227 }, { "auml", 228 }, { "bdquo", 8222 },
	{ "beta", 946 }, { "brvbar", 166 }, { "bull", 8226 }, { "cap", 8745 },
	{ "ccedil", 231 }, { "cedil", 184 }, { "cent", 162 }, { "chi", 967 },
	{ "circ", 710 }, { "clubs", 9827 }, { "cong", 8773 }, { "copy", 169 },
	{ "crarr", 8629 }, { "cup", 8746 }, { "curren", 164 },
	{ "dArr", 8659 }, { "dagger", 8224 }, { "darr", 8595 },
	{ "deg", 176 }, { "delta", 948 }, { "diams", 9830 },
	{ "divide", 247 }, { "eacute", 233 }, { "ecirc", 234 },
	{ "egrave", 232 }, { "empty", 8709 }, { "emsp", 8195 },
	{ "ensp", 8194 }, { "epsilon", 949 }, { "equiv", 8801 },
	{ "eta", 951 }, { "eth", 240 }, { "euml", 235 }, { "euro", 8364 },
	{ "exist", 8707 }, { "fnof", 402 }, { "forall", 8704 },
	{ "frac12", 189 }, { "frac14", 188 }, { "frac34", 190 },
	{ "frasl", 8260 }, { "gamma", 947 }, { "ge", 8805 }, { "gt", 62 },
	{ "hArr", 8660 }, { "harr", 8596 }, { "hearts", 9829 },
	{ "hellip", 8230 }, { "iacute", 237 }, { "icirc", 238 },
	{ "iexcl", 161 }, { "igrave", 236 }, { "image", 8465 },
	{ "infin", 8734 }, { "int", 8747 }, { "iota", 953 },
	{ "iquest", 191 }, { "isin", 8712 }, { "iuml", 239 },
	{ "kappa", 954 }, { "lArr", 8656 }, { "lambda", 955 },
	{ "lang", 9001 }, { "laquo", 171 }, { "larr", 8592 },
	{ "lceil", 8968 }, { "ldquo", 8220 }, { "le", 8804 },
	{ "lfloor", 8970 }, { "lowast", 8727 }, { "loz", 9674 },
	{ "lrm", 8206 }, { "lsaquo", 8249 }, { "lsquo", 8216 }, { "lt", 60 },
	{ "macr", 175 }, { "mdash", 8212 }, { "micro", 181 },
	{ "middot", 183 }, { "minus", 8722 }, { "mu", 956 },
	{ "nabla", 8711 }, { "nbsp", 160 }, { "ndash", 8211 }, { "ne", 8800 },
	{ "ni", 8715 }, { "not", 172 }, { "notin", 8713 }, { "nsub", 8836 },
	{ "ntilde", 241 }, { "nu", 957 }, { "oacute", 243 }, { "ocirc", 244 },
	{ "oelig", 339 }, { "ograve", 242 }, { "oline", 8254 },
	{ "omega", 969 }, { "omicron", 959 }, { "oplus", 8853 },
	{ "or", 8744 }, { "ordf", 170 }, { "ordm", 186 }, { "oslash", 248 },
	{ "otilde", 245 }, { "otimes", 8855 }, { "ouml", 246 },
	{ "para", 182 }, { "part", 8706 }, { "permil", 8240 },
	{ "perp", 8869 }, { "phi", 966 }, { "pi", 960 }, { "piv", 982 },
	{ "plusmn", 177 }, { "pound", 163 }, { "prime", 8242 },
	{ "prod", 8719 }, { "prop", 8733 }, { "psi", 968 }, { "quot", 34 },
	{ "rArr", 8658 }, { "radic", 8730 }, { "rang", 9002 },
	{ "raquo", 187 }, { "rarr", 8594 }, { "rceil", 8969 },
	{ "rdquo", 8221 }, { "real", 8476 }, { "reg", 174 },
	{ "rfloor", 8971 }, { "rho", 961 }, { "rlm", 8207 },
	{ "rsaquo", 8250 }, { "rsquo", 8217 }, { "sbquo", 8218 },
	{ "scaron", 353 }, { "sdot", 8901 }, { "sect", 167 }, { "shy", 173 },
	{ "sigma", 963 }, { "sigmaf", 962 }, { "sim", 8764 },
	{ "spades", 9824 }, { "sub", 8834 }, { "sube", 8838 },
	{ "sum", 8721 }, { "sup", 8835 }, { "sup1", 185 }, { "sup2", 178 },
	{ "sup3", 179 }, { "supe", 8839 }, { "szlig", 223 }, { "tau", 964 },
	{ "there4", 8756 }, { "theta", 952 }, { "thetasym", 977 },
	{ "thinsp", 8201 }, { "thorn", 254 }, { "tilde", 732 },
	{ "times", 215 }, { "trade", 8482 }, { "uArr", 8657 },
	{ "uacute", 250 }, { "uarr", 8593 }, { "ucirc", 251 },
	{ "ugrave", 249 }, { "uml", 168 }, { "upsih", 978 },
	{ "upsilon", 965 }, { "uuml", 252 }, { "weierp", 8472 },
	{ "xi", 958 }, { "yacute", 253 }, { "yen", 165 }, { "yuml", 255 },
	{ "zeta", 950 }, { "zwj", 8205 }, { "zwnj", 8204 },
};

/* Break levels between blocks of text. */
enum { BR_NONE, BR_LINE, BR_PARA };

#define LIST_DEPTH	32	/* lists nested deeper get "- " items */

/* The converter's state. */
struct conv {
	struct buf	 out;		/* the text so far */
	int		 brk;		/* break owed before the next text */
	int		 space;		/* a space is owed before the text */
	const char	*sep;		/* separator owed (" | "), or NULL */
	int		 pre;		/* depth of <pre> elements */
	int		 pre_nl;	/* drop a newline right after <pre> */
	int		 depth;		/* depth of <ul> and <ol> */
	long		 num[LIST_DEPTH]; /* next item number, 0 in a <ul> */
	int		 cells;		/* cells so far in the table row */
};

static int
entity_cmp(const void *key, const void *elem)
{
	const struct buf *k = key;
	const struct entity *e = elem;
	int c;

	if ((c = strncmp(k->data, e->name, k->len)) != 0)
		return c;
	return e->name[k->len] == '\0' ? 0 : -1;
}

static void
add_cp(struct buf *out, int32_t cp)
{
	char u[4];

	buf_add(out, u, utf8_encode(cp, u));
}

static int
is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

size_t
html_entity(const char *p, size_t n, struct buf *out)
{
	const struct entity *e;
	struct buf key;
	int32_t cp = 0;
	size_t i = 1;
	int hex = 0, digits = 0, big = 0, d;

	if (n < 2 || p[0] != '&')
		return 0;
	if (p[1] == '#') {
		i = 2;
		if (i < n && (p[i] == 'x' || p[i] == 'X')) {
			hex = 1;
			i++;
		}
		for (; i < n; i++, digits++) {
			if (p[i] >= '0' && p[i] <= '9')
				d = p[i] - '0';
			else if (hex && p[i] >= 'a' && p[i] <= 'f')
				d = p[i] - 'a' + 10;
			else if (hex && p[i] >= 'A' && p[i] <= 'F')
				d = p[i] - 'A' + 10;
			else
				break;
			if (!big)
				cp = cp * (hex ? 16 : 10) + d;
			if (cp > 0x10ffff)
				big = 1;
		}
		if (digits == 0)
			return 0;
		if (i < n && p[i] == ';')
			i++;
		if (big || cp == 0 || (cp >= 0xd800 && cp <= 0xdfff))
			cp = 0xfffd;
		else if (cp >= 0x80 && cp <= 0x9f)
			cp = cp1252_cp(cp);
		add_cp(out, cp);
		return i;
	}
	while (i < n && i < 10 && is_alnum((unsigned char)p[i]))
		i++;
	if (i == 1 || i >= n || p[i] != ';')
		return 0;
	key.data = (char *)p + 1;
	key.len = i - 1;
	e = bsearch(&key, entities, sizeof(entities) / sizeof(entities[0]),
	    sizeof(entities[0]), entity_cmp);
	if (e == NULL)
		return 0;
	add_cp(out, e->cp);
	return i + 1;
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Owe a break before the next text (none at the start of the text). */
static void
owe_break(struct conv *c, int level)
{
	if (level > c->brk)
		c->brk = level;
	c->space = 0;
	c->sep = NULL;
}

/* Pay what is owed before a visible character. */
static void
pay(struct conv *c)
{
	if (c->out.len > 0) {
		if (c->brk == BR_PARA)
			buf_adds(&c->out, "\n\n");
		else if (c->brk == BR_LINE)
			buf_addc(&c->out, '\n');
		else if (c->sep)
			buf_adds(&c->out, c->sep);
		else if (c->space)
			buf_addc(&c->out, ' ');
	}
	c->brk = BR_NONE;
	c->space = 0;
	c->sep = NULL;
}

/* Is s[i] the start of U+00A0 (a no-break space)? */
#define IS_NBSP(s, i, n) \
	((s)[i] == '\xc2' && (i) + 1 < (n) && (s)[(i) + 1] == '\xa0')

/* Add text from the document (entities already decoded). */
static void
put(struct conv *c, const char *s, size_t n)
{
	size_t i, run;

	for (i = 0; i < n; i = run) {
		run = i + 1;
		if (c->pre) {
			if (c->pre_nl && s[i] == '\n') {
				c->pre_nl = 0;
				continue;
			}
			c->pre_nl = 0;
			if (s[i] == '\n' && c->out.len == 0)
				continue;
			pay(c);
			buf_addc(&c->out, s[i]);
		} else if (is_space((unsigned char)s[i]))
			c->space = 1;
		else if (IS_NBSP(s, i, n)) {
			/* A no-break space is white space like any other. */
			c->space = 1;
			run = i + 2;
		} else {
			/* A word: everything up to the next white space. */
			while (run < n && !is_space((unsigned char)s[run]) &&
			    !IS_NBSP(s, run, n))
				run++;
			pay(c);
			buf_add(&c->out, s + i, run - i);
		}
	}
}

/* Add a run of text, decoding character references. */
static void
put_text(struct conv *c, const char *s, size_t n)
{
	struct buf dec = BUF_INIT;
	const char *amp;
	size_t used;

	while (n > 0) {
		if ((amp = memchr(s, '&', n)) == NULL) {
			put(c, s, n);
			break;
		}
		put(c, s, (size_t)(amp - s));
		n -= (size_t)(amp - s);
		s = amp;
		buf_reset(&dec);
		if ((used = html_entity(s, n, &dec)) == 0) {
			put(c, s, 1);
			used = 1;
		} else
			put(c, dec.data, dec.len);
		s += used;
		n -= used;
	}
	buf_release(&dec);
}

/* Case-insensitive search for "</name" ending a raw text element. */
static const char *
find_end_tag(const char *p, const char *end, const char *name)
{
	size_t nl = strlen(name), i;
	const char *q;

	for (q = p; (q = memchr(q, '<', (size_t)(end - q))) != NULL; q++) {
		if ((size_t)(end - q) < nl + 2 || q[1] != '/')
			continue;
		for (i = 0; i < nl; i++)
			if ((q[2 + i] | 0x20) != name[i])
				break;
		if (i == nl && (q + 2 + nl == end || is_space((unsigned char)
		    q[2 + nl]) || q[2 + nl] == '>' || q[2 + nl] == '/'))
			return q;
	}
	return end;
}

/* Skip a tag from p (after its name) to just past its '>'. */
static const char *
skip_tag(const char *p, const char *end)
{
	char quote = 0;

	for (; p < end; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '"' || *p == '\'')
			quote = *p;
		else if (*p == '>')
			return p + 1;
	}
	return end;
}

/* The elements that end lines, sorted by name, with the break they owe. */
static const struct block {
	const char	*name;		/* lowercase tag name */
	int		 brk;		/* BR_LINE or BR_PARA */
} blocks[] = {
	{ "address", BR_PARA }, { "article", BR_LINE }, { "aside", BR_LINE },
	{ "blockquote", BR_PARA }, { "body", BR_LINE }, { "caption", BR_LINE },
	{ "center", BR_LINE }, { "dd", BR_LINE }, { "details", BR_PARA },
	{ "div", BR_LINE }, { "dl", BR_PARA }, { "dt", BR_LINE },
	{ "fieldset", BR_PARA }, { "figcaption", BR_LINE },
	{ "figure", BR_PARA }, { "footer", BR_LINE }, { "form", BR_PARA },
	{ "h1", BR_PARA }, { "h2", BR_PARA }, { "h3", BR_PARA },
	{ "h4", BR_PARA }, { "h5", BR_PARA }, { "h6", BR_PARA },
	{ "head", BR_LINE }, { "header", BR_LINE }, { "hr", BR_PARA },
	{ "html", BR_LINE }, { "legend", BR_LINE }, { "li", BR_LINE },
	{ "main", BR_LINE }, { "menu", BR_LINE }, { "nav", BR_LINE },
	{ "noscript", BR_LINE }, { "ol", BR_PARA }, { "option", BR_LINE },
	{ "p", BR_PARA }, { "pre", BR_PARA }, { "section", BR_LINE },
	{ "summary", BR_LINE }, { "table", BR_PARA }, { "tbody", BR_LINE },
	{ "tfoot", BR_LINE }, { "thead", BR_LINE }, { "tr", BR_LINE },
	{ "ul", BR_PARA }
};

static int
block_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct block *)elem)->name);
}

/* Act on a start or end tag of the body. */
static void
tag(struct conv *c, const char *name, int closing)
{
	const struct block *b;
	char num[32];
	int list;

	list = strcmp(name, "ul") == 0 || strcmp(name, "ol") == 0 ||
	    strcmp(name, "menu") == 0;
	if (strcmp(name, "br") == 0) {
		/* Each <br> is a line of its own, up to one blank line. */
		if (c->brk < BR_PARA)
			c->brk++;
		c->space = 0;
		c->sep = NULL;
		return;
	}
	b = bsearch(name, blocks, sizeof(blocks) / sizeof(blocks[0]),
	    sizeof(blocks[0]), block_cmp);
	if (b != NULL)		/* a nested list owes only a line */
		owe_break(c, list && c->depth > (closing ? 1 : 0) ?
		    BR_LINE : b->brk);
	if (strcmp(name, "pre") == 0) {
		if (closing && c->pre > 0 && --c->pre == 0) {
			/* The break owed replaces the last newlines. */
			while (c->out.len > 0 &&
			    c->out.data[c->out.len - 1] == '\n')
				c->out.len--;
			if (c->out.data)
				c->out.data[c->out.len] = '\0';
		} else if (!closing) {
			c->pre++;
			c->pre_nl = 1;
		}
	} else if (list) {
		if (closing && c->depth > 0)
			c->depth--;
		else if (!closing && c->depth++ < LIST_DEPTH)
			c->num[c->depth - 1] = strcmp(name, "ol") == 0;
	} else if (strcmp(name, "li") == 0 && !closing) {
		pay(c);
		if (c->depth > 0 && c->depth <= LIST_DEPTH &&
		    c->num[c->depth - 1] > 0) {
			snprintf(num, sizeof(num), "%ld. ",
			    c->num[c->depth - 1]++);
			buf_adds(&c->out, num);
		} else
			buf_adds(&c->out, "- ");
	} else if (strcmp(name, "tr") == 0)
		c->cells = 0;
	else if ((strcmp(name, "td") == 0 || strcmp(name, "th") == 0) &&
	    !closing) {
		if (c->cells++ > 0 && c->brk == BR_NONE)
			c->sep = " | ";
	}
}

/*
 * Decode s and collapse it (white space runs to one space, none at the
 * ends).  Returns a new string, or NULL when nothing is left.
 */
static char *
collapse(const char *s, size_t n)
{
	struct conv c;
	size_t len;

	memset(&c, 0, sizeof(c));
	buf_init(&c.out);
	put_text(&c, s, n);
	if (c.out.len == 0) {
		buf_release(&c.out);
		return NULL;
	}
	return buf_detach(&c.out, &len);
}

/* Is c an ASCII letter, digit, '-' or '_' (a charset label byte)? */
static int
is_label(int c)
{
	return is_alnum(c) || c == '-' || c == '_';
}

int
html_latin1(const char *p, size_t n)
{
	static const char *const labels[] = {
		"iso-8859-1", "iso8859-1", "latin1", "l1", "windows-1252",
		"cp1252", "us-ascii", "ascii", "x-cp1252", "iso_8859-1",
		"cp819", "ibm819", "csisolatin1", "iso-ir-100"
	};
	char label[24];
	const char *q, *end;
	size_t i, k;

	if (n > 1024)
		n = 1024;
	end = p + n;
	for (q = p; q + 8 <= end; q++) {
		/* "charset" as an attribute or inside content="...". */
		for (i = 0; i < 7; i++)
			if ((q[i] | 0x20) != "charset"[i])
				break;
		if (i < 7)
			continue;
		q += 7;
		while (q < end && is_space((unsigned char)*q))
			q++;
		if (q == end || *q != '=')
			continue;
		q++;
		while (q < end && (is_space((unsigned char)*q) || *q == '"' ||
		    *q == '\''))
			q++;
		for (k = 0; q < end && k < sizeof(label) - 1 &&
		    is_label((unsigned char)*q); q++)
			label[k++] = (char)(*q | (*q >= 'A' && *q <= 'Z' ?
			    0x20 : 0));
		label[k] = '\0';
		for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
			if (strcmp(label, labels[i]) == 0)
				return 1;
		return 0;
	}
	return 0;
}

char *
html_text(const char *p, size_t n, size_t *lenp, char **titlep)
{
	const char *end = p + n, *q, *t, *stop;
	char name[16];
	struct conv c;
	size_t k;
	int closing;

	memset(&c, 0, sizeof(c));
	buf_init(&c.out);
	*titlep = NULL;
	while (p < end) {
		if ((q = memchr(p, '<', (size_t)(end - p))) == NULL)
			q = end;
		put_text(&c, p, (size_t)(q - p));
		if ((p = q) == end)
			break;
		if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
			/* A comment runs to "-->", or to the end. */
			for (t = p + 4; t + 3 <= end; t++)
				if (memcmp(t, "-->", 3) == 0)
					break;
			p = t + 3 <= end ? t + 3 : end;
			continue;
		}
		if (end - p >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
			for (t = p + 9; t + 3 <= end; t++)
				if (memcmp(t, "]]>", 3) == 0)
					break;
			stop = t + 3 <= end ? t : end;
			put(&c, p + 9, (size_t)(stop - (p + 9)));
			p = stop == end ? end : stop + 3;
			continue;
		}
		if (end - p >= 2 && (p[1] == '!' || p[1] == '?')) {
			p = skip_tag(p + 2, end);
			continue;
		}
		t = p + 1;
		closing = t < end && *t == '/';
		if (closing)
			t++;
		if (t == end || !((*t | 0x20) >= 'a' && (*t | 0x20) <= 'z')) {
			put(&c, "<", 1);
			p++;
			continue;
		}
		for (k = 0; t < end && (is_alnum((unsigned char)*t) ||
		    *t == '-' || *t == ':'); t++)
			if (k < sizeof(name) - 1)
				name[k++] = (char)(*t | 0x20);
		name[k] = '\0';
		p = skip_tag(t, end);
		if (closing) {
			tag(&c, name, 1);
			continue;
		}
		if (strcmp(name, "script") == 0 ||
		    strcmp(name, "style") == 0 ||
		    strcmp(name, "template") == 0 ||
		    strcmp(name, "title") == 0) {
			/* Raw text up to the end tag, which goes too. */
			stop = find_end_tag(p, end, name);
			if (strcmp(name, "title") == 0 && *titlep == NULL)
				*titlep = collapse(p, (size_t)(stop - p));
			p = stop == end ? end : skip_tag(stop + 2, end);
			continue;
		}
		tag(&c, name, 0);
	}
	/* An unclosed <pre> may leave white space at the end. */
	while (c.out.len > 0 && is_space((unsigned char)
	    c.out.data[c.out.len - 1]))
		c.out.data[--c.out.len] = '\0';
	return buf_detach(&c.out, lenp);
}
