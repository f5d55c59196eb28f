/* markdown.c -- the Markdown structure of a text: headings, blocks, title */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "lib/base/buf.h"
#include "lib/text/markdown.h"
#include "lib/base/xmem.h"

/* One line: [start, end) without its "\n" or "\r\n". */
struct line {
	size_t		 start;		/* offset of its first byte */
	size_t		 end;		/* offset after its last byte */
	size_t		 next;		/* offset of the next line */
};

static int
get_line(const char *p, size_t n, size_t at, struct line *l)
{
	const char *nl;

	if (at >= n)
		return 0;
	l->start = at;
	nl = memchr(p + at, '\n', n - at);
	l->next = nl != NULL ? (size_t)(nl - p) + 1 : n;
	l->end = nl != NULL ? (size_t)(nl - p) : n;
	if (l->end > l->start && p[l->end - 1] == '\r')
		l->end--;
	return 1;
}

/* Offset of the first non-blank byte of the line (up to its end). */
static size_t
indent(const char *p, const struct line *l)
{
	size_t i = l->start;

	while (i < l->end && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i;
}

static int
blank(const char *p, const struct line *l)
{
	return indent(p, l) == l->end;
}

/* Is the line made only of c (at least min of them), blanks around? */
static int
rule_of(const char *p, const struct line *l, char c, size_t min)
{
	size_t i = indent(p, l), k = 0;

	if (i - l->start > 3)
		return 0;
	for (; i < l->end && p[i] == c; i++)
		k++;
	while (i < l->end && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return k >= min && i == l->end;
}

/* An ATX heading: its level, with its trimmed text in *ts, *te. */
static int
atx(const char *p, const struct line *l, size_t *ts, size_t *te)
{
	size_t i = indent(p, l), s, e;
	int level = 0;

	if (i - l->start > 3)
		return 0;
	while (i < l->end && p[i] == '#' && level < 7) {
		level++;
		i++;
	}
	if (level == 0 || level > 6 ||
	    (i < l->end && p[i] != ' ' && p[i] != '\t'))
		return 0;
	s = i;
	while (s < l->end && (p[s] == ' ' || p[s] == '\t'))
		s++;
	e = l->end;
	while (e > s && (p[e - 1] == ' ' || p[e - 1] == '\t'))
		e--;
	/* A closing run of '#' preceded by a blank is not text. */
	i = e;
	while (i > s && p[i - 1] == '#')
		i--;
	if (i == s)
		e = s;
	else if (i < e && (p[i - 1] == ' ' || p[i - 1] == '\t')) {
		e = i;
		while (e > s && (p[e - 1] == ' ' || p[e - 1] == '\t'))
			e--;
	}
	*ts = s;
	*te = e;
	return level;
}

/* A fence opener: its character and length, or 0. */
static size_t
fence(const char *p, const struct line *l, char *ch)
{
	size_t i = indent(p, l), k = 0;

	if (i - l->start > 3 || i >= l->end || (p[i] != '`' && p[i] != '~'))
		return 0;
	*ch = p[i];
	while (i < l->end && p[i] == *ch) {
		i++;
		k++;
	}
	if (k < 3)
		return 0;
	if (*ch == '`' && memchr(p + i, '`', l->end - i) != NULL)
		return 0;
	return k;
}

static int
has_pipe(const char *p, const struct line *l)
{
	return memchr(p + l->start, '|', l->end - l->start) != NULL;
}

/* A table delimiter row: only | - : and blanks, with a '-'. */
static int
delim_row(const char *p, const struct line *l)
{
	size_t i;
	int dash = 0, pipe = 0;

	for (i = l->start; i < l->end; i++) {
		switch (p[i]) {
		case '-':
			dash = 1;
			break;
		case '|':
			pipe = 1;
			break;
		case ':': case ' ': case '\t':
			break;
		default:
			return 0;
		}
	}
	return dash && pipe;
}

static void
add_head(struct md_info *md, size_t pos, size_t ts, size_t te, int level)
{
	struct md_heading *h;

	if (md->nheads == md->capheads) {
		md->capheads = md->capheads ? 2 * md->capheads : 16;
		md->heads = xreallocarray(md->heads, md->capheads,
		    sizeof(*md->heads));
	}
	h = &md->heads[md->nheads++];
	h->pos = pos;
	h->text = ts;
	h->len = te - ts;
	h->level = level;
}

static void
add_block(struct md_info *md, size_t start, size_t end)
{
	if (md->nblocks == md->capblocks) {
		md->capblocks = md->capblocks ? 2 * md->capblocks : 16;
		md->blocks = xreallocarray(md->blocks, md->capblocks,
		    sizeof(*md->blocks));
	}
	md->blocks[md->nblocks].start = start;
	md->blocks[md->nblocks].end = end;
	md->nblocks++;
}

/* Length of the front matter at the start of p, or 0. */
static size_t
front_matter(const char *p, size_t n)
{
	struct line l;
	size_t at;
	char c;

	if (!get_line(p, n, 0, &l) || l.end - l.start != 3)
		return 0;
	if (memcmp(p, "---", 3) != 0 && memcmp(p, "+++", 3) != 0)
		return 0;
	c = p[0];
	for (at = l.next; get_line(p, n, at, &l); at = l.next)
		if (l.end - l.start == 3 && (memcmp(p + l.start, "---", 3) ==
		    0 || memcmp(p + l.start, "...", 3) == 0 ||
		    memcmp(p + l.start, "+++", 3) == 0) && (p[l.start] == c ||
		    (c == '-' && p[l.start] == '.')))
			return l.next;
	return 0;
}

void
md_scan(struct md_info *md, const char *p, size_t n)
{
	struct line l, prev;
	size_t at, ts, te, flen = 0, fstart = 0, tstart = 0, tend = 0;
	int level, have_prev = 0, prev_text = 0, in_table = 0;
	char fch = 0, c;

	md->nheads = md->nblocks = 0;
	md->body = front_matter(p, n);
	memset(&prev, 0, sizeof(prev));
	for (at = md->body; get_line(p, n, at, &l); at = l.next) {
		if (flen > 0) {
			/* Inside a fenced block: only its closer matters. */
			if (fence(p, &l, &c) >= flen && c == fch &&
			    rule_of(p, &l, fch, flen)) {
				add_block(md, fstart, l.end);
				flen = 0;
			}
			continue;
		}
		if (in_table) {
			if (!blank(p, &l) && has_pipe(p, &l)) {
				tend = l.end;
				have_prev = 1;
				prev = l;
				prev_text = 0;
				continue;
			}
			add_block(md, tstart, tend);
			in_table = 0;
		}
		if ((flen = fence(p, &l, &fch)) > 0) {
			fstart = indent(p, &l);
			have_prev = prev_text = 0;
			continue;
		}
		if ((level = atx(p, &l, &ts, &te)) > 0) {
			add_head(md, indent(p, &l), ts, te, level);
			have_prev = 1;
			prev = l;
			prev_text = 0;
			continue;
		}
		if (have_prev && prev_text && (rule_of(p, &l, '=', 1) ||
		    rule_of(p, &l, '-', 2))) {
			ts = indent(p, &prev);
			te = prev.end;
			while (te > ts && (p[te - 1] == ' ' ||
			    p[te - 1] == '\t'))
				te--;
			add_head(md, ts, ts, te, p[indent(p, &l)] == '=' ? 1 :
			    2);
			prev_text = 0;
			prev = l;
			continue;
		}
		if (have_prev && prev_text && has_pipe(p, &prev) &&
		    delim_row(p, &l)) {
			in_table = 1;
			tstart = indent(p, &prev);
			tend = l.end;
			prev = l;
			prev_text = 0;
			continue;
		}
		have_prev = 1;
		prev = l;
		prev_text = !blank(p, &l);
	}
	if (flen > 0)
		add_block(md, fstart, n);
	else if (in_table)
		add_block(md, tstart, tend);
}

/* The value of a "title:" line among the lines of p[0..n), or NULL. */
static char *
yaml_title(const char *p, size_t n)
{
	struct line l;
	size_t at, s, e;

	for (at = 0; get_line(p, n, at, &l); at = l.next) {
		if (l.end - l.start <= 6 || memcmp(p + l.start, "title:", 6) !=
		    0)
			continue;
		for (s = l.start + 6; s < l.end && (p[s] == ' ' ||
		    p[s] == '\t'); s++)
			;
		for (e = l.end; e > s && (p[e - 1] == ' ' ||
		    p[e - 1] == '\t'); e--)
			;
		if (e - s >= 2 && (p[s] == '"' || p[s] == '\'') &&
		    p[e - 1] == p[s]) {
			s++;
			e--;
		}
		if (e > s)
			return xmemdup(p + s, e - s);
	}
	return NULL;
}

/* The lines of p[start..end), trimmed, joined by a space; caller frees. */
static char *
join_lines(const char *p, size_t start, size_t end)
{
	struct buf b = BUF_INIT;
	struct line l;
	size_t at, e;

	for (at = start; get_line(p, end, at, &l); at = l.next) {
		for (e = l.end; e > l.start && (p[e - 1] == ' ' ||
		    p[e - 1] == '\t'); e--)
			;
		if (b.len)
			buf_addc(&b, ' ');
		buf_add(&b, p + indent(p, &l), e - indent(p, &l));
	}
	return buf_detach(&b, NULL);
}

char *
md_title(const char *p, size_t n)
{
	struct line l;
	size_t at, body, ts, te, flen = 0, para = 0;
	int in_para = 0;
	char fch = 0, c, *t;

	body = front_matter(p, n);
	if (body > 0 && (t = yaml_title(p, body)) != NULL)
		return t;
	for (at = body; get_line(p, n, at, &l); at = l.next) {
		if (flen > 0) {
			/* Inside a fenced block: only its closer matters. */
			if (fence(p, &l, &c) >= flen && c == fch &&
			    rule_of(p, &l, fch, flen))
				flen = 0;
			continue;
		}
		if (blank(p, &l)) {
			in_para = 0;
			continue;
		}
		/* Indented code, unless it continues a paragraph. */
		if (!in_para && indent(p, &l) - l.start > 3)
			continue;
		if ((flen = fence(p, &l, &fch)) > 0) {
			in_para = 0;
			continue;
		}
		if (atx(p, &l, &ts, &te) > 0) {
			if (te > ts)
				return xmemdup(p + ts, te - ts);
			in_para = 0;
			continue;
		}
		/* Setext: the paragraph above is the heading. */
		if (in_para && (rule_of(p, &l, '=', 1) ||
		    rule_of(p, &l, '-', 1)))
			return join_lines(p, para, l.start);
		if (!in_para) {
			in_para = 1;
			para = l.start;
		}
	}
	return NULL;
}

void
md_release(struct md_info *md)
{
	if (md == NULL)
		return;
	free(md->heads);
	free(md->blocks);
	md->heads = NULL;
	md->blocks = NULL;
	md->nheads = md->capheads = md->nblocks = md->capblocks = 0;
	md->body = 0;
}
