/* bpe.c -- byte-pair encoding with OpenAI .tiktoken rank files */
/* SPDX-License-Identifier: MIT */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "lib/base/base64.h"
#include "lib/chunk/bpe.h"
#include "lib/base/diag.h"
#include "lib/base/hash.h"
#include "lib/base/iox.h"
#include "lib/base/xmem.h"

#define NORANK		UINT32_MAX

/* Pieces up to this many bytes are merged by tiktoken's linear scan. */
#define LINEAR_MAX	48

/* Slots of the per-thread cache of piece token counts (a power of 2). */
#define CACHE_SLOTS	16384
#define CACHE_MAXLEN	64

/*
 * White space as tiktoken's regex engine (Rust's regex crate) has it: the
 * Unicode White_Space property.  PCRE2's \s in UCP mode is the Z category
 * and \t\n\v\f\r, which leaves out U+0085 (NEXT LINE).
 */
#define WS	"[\\s\\x{85}]"
#define NWS	"[^\\s\\x{85}]"
#define PUNCT	"[^\\s\\x{85}\\p{L}\\p{N}]"

/* The pre-tokenizer patterns of the public OpenAI encodings. */
enum bpe_pattern {
	BPE_R50K,	/* r50k_base, p50k_base (GPT-2, GPT-3) */
	BPE_CL100K,	/* cl100k_base (GPT-3.5, GPT-4, text-embedding-3) */
	BPE_O200K	/* o200k_base (GPT-4o and later) */
};

/*
 * The pre-tokenizer patterns, as tiktoken writes them ("$" spelled "\z":
 * the same here, as the run before it is possessive).
 */
static const char *const patterns[] = {
	[BPE_R50K] =
	    "'(?:[sdmt]|ll|ve|re)| ?\\p{L}+| ?\\p{N}+| ?" PUNCT "+"
	    "|" WS "+(?!" NWS ")|" WS "+",
	[BPE_CL100K] =
	    "'(?i:[sdmt]|ll|ve|re)|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}++"
	    "|\\p{N}{1,3}+| ?" PUNCT "++[\\r\\n]*+|" WS "++\\z"
	    "|" WS "*[\\r\\n]|" WS "+(?!" NWS ")|" WS,
	[BPE_O200K] =
	    "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*"
	    "[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
	    "|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+"
	    "[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
	    "|\\p{N}{1,3}| ?" PUNCT "+[\\r\\n/]*|" WS "*[\\r\\n]+"
	    "|" WS "+(?!" NWS ")|" WS "+"
};

static const char *const pattern_names[] = {
	[BPE_R50K] = "r50k_base",
	[BPE_CL100K] = "cl100k_base",
	[BPE_O200K] = "o200k_base"
};

/* One slot of the rank table (open addressing, linear probing). */
struct slot {
	uint32_t	 off;		/* offset of the token bytes in pool */
	uint32_t	 len;		/* their length; 0 = empty slot */
	uint32_t	 rank;		/* the token's rank (its id) */
	uint32_t	 tag;		/* high bits of the hash, to skip compares */
};

struct bpe {
	char		*pool;		/* all token bytes; owned */
	size_t		 poollen;	/* bytes used in pool */
	struct slot	*slots;		/* the rank table; owned */
	size_t		 mask;		/* slot count - 1 */
	size_t		 ntok;		/* tokens in the table */
	uint32_t	*rlen;		/* token length by rank; owned */
	size_t		 nrank;		/* entries in rlen (largest rank + 1) */
	enum bpe_pattern pat;		/* which pre-tokenizer */
	pcre2_code	*re;		/* the compiled pattern; owned */
};

/* A heap entry: the pair starting at node `node`, ranked `rank`. */
struct hent {
	uint32_t	 rank;		/* rank of the merged pair */
	uint32_t	 node;		/* left node = its byte offset */
};

/* One cached piece count. */
struct centry {
	uint64_t	 h;		/* hash of the piece */
	uint32_t	 len;		/* its length; 0 = empty */
	uint32_t	 count;		/* its token count */
};

struct bpe_work {
	const struct bpe *b;		/* the tokenizer; borrowed */
	pcre2_match_data *md;		/* match data; owned */
	pcre2_match_context *mctx;	/* match context; owned */
	pcre2_jit_stack	*jstack;	/* JIT stack; owned, may be NULL */
	uint32_t	*ids;		/* output ranks; owned */
	size_t		 nids, capids;	/* used and allocated */
	size_t		*starts;	/* piece starts (bpe_pieces); owned */
	uint32_t	*counts;	/* piece counts (bpe_pieces); owned */
	size_t		 cappieces;	/* allocated pieces */
	size_t		*pos;		/* part boundaries, linear merge */
	uint32_t	*prk;		/* pair ranks, linear merge */
	uint32_t	*next, *prev;	/* node links, heap merge */
	uint32_t	*pr;		/* node pair ranks, heap merge */
	struct hent	*heap;		/* heap merge queue */
	size_t		 capwork;	/* allocated entries in the above */
	size_t		 caphp;		/* allocated heap entries */
	struct centry	*cache;		/* piece count cache; owned */
};

static uint32_t
lookup(const struct bpe *b, const char *p, size_t n)
{
	uint64_t h = hash64(p, n);
	size_t i = (size_t)h & b->mask;
	uint32_t tag = (uint32_t)(h >> 32);
	const struct slot *s;

	for (;; i = (i + 1) & b->mask) {
		s = &b->slots[i];
		if (s->len == 0)
			return NORANK;
		if (s->tag == tag && s->len == n &&
		    memcmp(b->pool + s->off, p, n) == 0)
			return s->rank;
	}
}

/*
 * Add a token to the rank table.  Returns 0, or the rank already given to
 * the same bytes.
 */
static uint32_t
insert(struct bpe *b, uint32_t off, uint32_t len, uint32_t rank)
{
	uint64_t h = hash64(b->pool + off, len);
	size_t i = (size_t)h & b->mask;
	struct slot *s;

	for (;; i = (i + 1) & b->mask) {
		s = &b->slots[i];
		if (s->len == 0)
			break;
		if (s->len == len && memcmp(b->pool + s->off, b->pool + off,
		    len) == 0)
			return s->rank;
	}
	s->off = off;
	s->len = len;
	s->rank = rank;
	s->tag = (uint32_t)(h >> 32);
	return NORANK;
}

static enum bpe_pattern
guess_pattern(const char *path, size_t ntok)
{
	const char *base = strrchr(path, '/');

	base = base != NULL ? base + 1 : path;
	if (strstr(base, "o200k") != NULL)
		return BPE_O200K;
	if (strstr(base, "cl100k") != NULL)
		return BPE_CL100K;
	if (strstr(base, "r50k") != NULL || strstr(base, "p50k") != NULL ||
	    strstr(base, "gpt2") != NULL)
		return BPE_R50K;
	if (ntok < 60000)
		return BPE_R50K;
	return ntok < 150000 ? BPE_CL100K : BPE_O200K;
}

/*
 * Is s[0..n) the base64 of its decoding, d[0..dlen), as tiktoken writes
 * it (standard alphabet, padded)?  base64_decode() alone also takes the
 * URL-safe alphabet, missing padding and stray low bits.
 */
static int
canonical_b64(struct buf *tmp, const char *s, size_t n,
    const unsigned char *d, size_t dlen)
{
	buf_reset(tmp);
	base64_encode(tmp, d, dlen);
	return tmp->len == n && memcmp(tmp->data, s, n) == 0;
}

struct bpe *
bpe_load(const char *path, struct buf *err)
{
	struct bpe *b;
	struct buf tmp = BUF_INIT;
	char *data, *line, *end, *sp, *nl, *q, one;
	size_t len, nlines, lineno, i;
	uint32_t *rline = NULL;
	long dlen;
	unsigned long rank;
	uint32_t old;
	int errcode, byte;
	PCRE2_SIZE erroff;

	if ((data = iox_slurp(path, &len)) == NULL) {
		errcode = errno;
		buf_fail(err, "%s: %s", path, strerror(errcode));
		errno = errcode;
		return NULL;
	}
	nlines = 0;
	for (line = data; line < data + len; line++)
		if (*line == '\n')
			nlines++;
	nlines++;
	b = xcalloc(1, sizeof(*b));
	b->pool = xmalloc(len + 1);
	for (b->mask = 1; b->mask < 2 * nlines; b->mask <<= 1)
		;
	b->slots = xcalloc(b->mask, sizeof(*b->slots));
	b->mask--;
	lineno = 0;
	for (line = data; line < data + len; line = nl + 1) {
		lineno++;
		if ((nl = memchr(line, '\n', (size_t)(data + len - line))) ==
		    NULL)
			nl = data + len;
		end = nl;
		if (end > line && end[-1] == '\r')
			end--;
		if (end == line)
			continue;
		if ((sp = memchr(line, ' ', (size_t)(end - line))) == NULL) {
			buf_fail(err, "%s:%zu: not a 'base64 rank' "
			    "line", path, lineno);
			goto bad;
		}
		dlen = base64_decode(line, (size_t)(sp - line),
		    (unsigned char *)b->pool + b->poollen);
		if (dlen <= 0 || !canonical_b64(&tmp, line,
		    (size_t)(sp - line), (unsigned char *)b->pool +
		    b->poollen, (size_t)dlen)) {
			buf_fail(err, "%s:%zu: '%.*s' is not the "
			    "base64 of a token", path, lineno,
			    (int)(sp - line > 40 ? 40 : sp - line), line);
			goto bad;
		}
		errno = 0;
		rank = strtoul(sp + 1, &q, 10);
		if (errno != 0 || q != end || sp[1] < '0' || sp[1] > '9' ||
		    rank > BPE_MAX_RANK) {
			buf_fail(err, "%s:%zu: the rank is not a number "
			    "from 0 to %u", path, lineno, BPE_MAX_RANK);
			goto bad;
		}
		if ((old = insert(b, (uint32_t)b->poollen, (uint32_t)dlen,
		    (uint32_t)rank)) != NORANK) {
			buf_fail(err, "%s:%zu: duplicate token (rank "
			    "%lu, and %lu before)", path, lineno, rank,
			    (unsigned long)old);
			goto bad;
		}
		/* The line of each rank, to find a rank given twice. */
		if (rank >= b->nrank) {
			i = b->nrank;
			b->nrank = rank + 1 > 2 * b->nrank ? rank + 1 :
			    2 * b->nrank;
			rline = xreallocarray(rline, b->nrank, sizeof(*rline));
			memset(rline + i, 0, (b->nrank - i) * sizeof(*rline));
		}
		if (rline[rank] != 0) {
			buf_fail(err, "%s:%zu: duplicate rank %lu (line "
			    "%lu)", path, lineno, rank,
			    (unsigned long)rline[rank]);
			goto bad;
		}
		rline[rank] = (uint32_t)lineno;
		b->poollen += (size_t)dlen;
		b->ntok++;
	}
	if (b->ntok == 0) {
		buf_fail(err, "%s: no tokens", path);
		goto bad;
	}
	/* Every byte must be a token, or some text cannot be encoded. */
	for (byte = 0; byte < 256; byte++) {
		one = (char)byte;
		if (lookup(b, &one, 1) == NORANK) {
			buf_fail(err, "%s: no token for the byte 0x%02x "
			    "(a rank file has one for each of the 256 bytes)",
			    path, byte);
			goto bad;
		}
	}
	b->nrank = 0;
	for (i = 0; i <= b->mask; i++)
		if (b->slots[i].len > 0 && b->slots[i].rank >= b->nrank)
			b->nrank = (size_t)b->slots[i].rank + 1;
	b->rlen = xcalloc(b->nrank, sizeof(*b->rlen));
	for (i = 0; i <= b->mask; i++)
		if (b->slots[i].len > 0)
			b->rlen[b->slots[i].rank] = b->slots[i].len;
	free(rline);
	free(data);
	buf_release(&tmp);
	b->pat = guess_pattern(path, b->ntok);
	b->re = pcre2_compile((PCRE2_SPTR)patterns[b->pat],
	    PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP, &errcode, &erroff,
	    NULL);
	if (b->re == NULL) {
		buf_fail(err, "cannot compile the %s pattern (%d)",
		    pattern_names[b->pat], errcode);
		bpe_free(b);
		errno = ENOMEM;
		return NULL;
	}
	/* Without JIT (unsupported platform) the interpreter is used. */
	(void)pcre2_jit_compile(b->re, PCRE2_JIT_COMPLETE);
	return b;
bad:
	free(rline);
	free(data);
	buf_release(&tmp);
	bpe_free(b);
	errno = EINVAL;
	return NULL;
}

void
bpe_free(struct bpe *b)
{
	if (b == NULL)
		return;
	if (b->re != NULL)
		pcre2_code_free(b->re);
	free(b->pool);
	free(b->slots);
	free(b->rlen);
	free(b);
}

size_t
bpe_token_len(const struct bpe *b, uint32_t rank)
{
	return rank < b->nrank ? b->rlen[rank] : 0;
}

const char *
bpe_pattern_name(const struct bpe *b)
{
	return pattern_names[b->pat];
}

size_t
bpe_vocab(const struct bpe *b)
{
	return b->ntok;
}

struct bpe_work *
bpe_work_new(const struct bpe *b)
{
	struct bpe_work *w;

	w = xcalloc(1, sizeof(*w));
	w->b = b;
	w->md = pcre2_match_data_create_from_pattern(b->re, NULL);
	w->mctx = pcre2_match_context_create(NULL);
	if (w->md == NULL || w->mctx == NULL)
		diag_fail(ETV_SYS, "out of memory");
	w->jstack = pcre2_jit_stack_create(32 * 1024, 8 * 1024 * 1024, NULL);
	if (w->jstack != NULL)
		pcre2_jit_stack_assign(w->mctx, NULL, w->jstack);
	w->cache = xcalloc(CACHE_SLOTS, sizeof(*w->cache));
	return w;
}

void
bpe_work_free(struct bpe_work *w)
{
	if (w == NULL)
		return;
	pcre2_match_data_free(w->md);
	pcre2_match_context_free(w->mctx);
	if (w->jstack != NULL)
		pcre2_jit_stack_free(w->jstack);
	free(w->ids);
	free(w->starts);
	free(w->counts);
	free(w->pos);
	free(w->prk);
	free(w->next);
	free(w->prev);
	free(w->pr);
	free(w->heap);
	free(w->cache);
	free(w);
}

static void
emit(struct bpe_work *w, uint32_t id)
{
	if (w->nids == w->capids) {
		w->capids = w->capids ? 2 * w->capids : 256;
		w->ids = xreallocarray(w->ids, w->capids, sizeof(*w->ids));
	}
	w->ids[w->nids++] = id;
}

static void
work_room(struct bpe_work *w, size_t n)
{
	if (n + 2 <= w->capwork)
		return;
	w->capwork = n + 2 > 2 * w->capwork ? n + 2 : 2 * w->capwork;
	w->pos = xreallocarray(w->pos, w->capwork, sizeof(*w->pos));
	w->prk = xreallocarray(w->prk, w->capwork, sizeof(*w->prk));
	w->next = xreallocarray(w->next, w->capwork, sizeof(*w->next));
	w->prev = xreallocarray(w->prev, w->capwork, sizeof(*w->prev));
	w->pr = xreallocarray(w->pr, w->capwork, sizeof(*w->pr));
}

/*
 * tiktoken's merge: part boundaries pos[0..m], pair ranks prk[i] for the
 * bytes pos[i]..pos[i+2]; merge the lowest (leftmost on a tie) until no
 * pair is in the table.
 */
static size_t
merge_linear(struct bpe_work *w, const char *p, size_t n, int keep)
{
	const struct bpe *b = w->b;
	size_t *pos = w->pos, m, i, best;
	uint32_t *prk = w->prk, r;

	for (i = 0; i <= n; i++)
		pos[i] = i;
	m = n;			/* parts: pos[0..m] */
	for (i = 0; i + 1 < m; i++)
		prk[i] = lookup(b, p + pos[i], pos[i + 2] - pos[i]);
	while (m > 1) {
		r = NORANK;
		best = 0;
		for (i = 0; i + 1 < m; i++)
			if (prk[i] < r) {
				r = prk[i];
				best = i;
			}
		if (r == NORANK)
			break;
		/* Remove boundary best+1: part best absorbs best+1. */
		memmove(pos + best + 1, pos + best + 2,
		    (m - best - 1) * sizeof(*pos));
		if (best + 1 < m - 1)
			memmove(prk + best + 1, prk + best + 2,
			    (m - best - 2) * sizeof(*prk));
		m--;
		if (best + 1 < m)
			prk[best] = lookup(b, p + pos[best],
			    pos[best + 2] - pos[best]);
		if (best > 0)
			prk[best - 1] = lookup(b, p + pos[best - 1],
			    pos[best + 1] - pos[best - 1]);
	}
	if (keep)
		for (i = 0; i < m; i++)
			emit(w, lookup(b, p + pos[i], pos[i + 1] - pos[i]));
	return m;
}

static int
hless(const struct hent *a, const struct hent *c)
{
	return a->rank < c->rank || (a->rank == c->rank && a->node < c->node);
}

static void
hpush(struct bpe_work *w, size_t *hn, uint32_t rank, uint32_t node)
{
	struct hent e = { rank, node }, t;
	size_t i = (*hn)++, up;

	if (*hn > w->caphp) {
		w->caphp = *hn * 2;
		w->heap = xreallocarray(w->heap, w->caphp, sizeof(*w->heap));
	}
	w->heap[i] = e;
	while (i > 0) {
		up = (i - 1) / 2;
		if (!hless(&w->heap[i], &w->heap[up]))
			break;
		t = w->heap[i];
		w->heap[i] = w->heap[up];
		w->heap[up] = t;
		i = up;
	}
}

static struct hent
hpop(struct bpe_work *w, size_t *hn)
{
	struct hent top = w->heap[0], t;
	size_t i = 0, l, r, m;

	w->heap[0] = w->heap[--(*hn)];
	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		m = i;
		if (l < *hn && hless(&w->heap[l], &w->heap[m]))
			m = l;
		if (r < *hn && hless(&w->heap[r], &w->heap[m]))
			m = r;
		if (m == i)
			break;
		t = w->heap[i];
		w->heap[i] = w->heap[m];
		w->heap[m] = t;
		i = m;
	}
	return top;
}

/*
 * The same merge with a linked list of parts (a node per part, named by
 * its start offset) and a heap of pairs ordered by (rank, offset), so
 * that the next merge is the one the linear scan would pick.  A heap
 * entry is stale when its node is gone or its pair rank changed: a rank
 * names one byte string, so an equal rank means the same pair.
 */
static size_t
merge_heap(struct bpe_work *w, const char *p, size_t n, int keep)
{
	const struct bpe *b = w->b;
	uint32_t *next = w->next, *prev = w->prev, *pr = w->pr, i, nx, r;
	size_t hn = 0, m = n;
	struct hent e;

	for (i = 0; i < n; i++) {
		next[i] = i + 1;
		prev[i] = i == 0 ? UINT32_MAX : i - 1;
		pr[i] = NORANK;
	}
	for (i = 0; i + 1 < n; i++) {
		pr[i] = lookup(b, p + i, 2);
		if (pr[i] != NORANK)
			hpush(w, &hn, pr[i], i);
	}
	while (hn > 0) {
		e = hpop(w, &hn);
		if (pr[e.node] != e.rank)
			continue;
		i = e.node;
		nx = next[i];
		/* Absorb nx: i now ends where nx ended. */
		next[i] = next[nx];
		if (next[nx] < n)
			prev[next[nx]] = i;
		pr[nx] = NORANK;
		m--;
		if (next[i] < n) {
			r = next[next[i]];
			pr[i] = lookup(b, p + i, r - i);
			if (pr[i] != NORANK)
				hpush(w, &hn, pr[i], i);
		} else
			pr[i] = NORANK;
		if (prev[i] != UINT32_MAX) {
			r = prev[i];
			pr[r] = lookup(b, p + r, next[i] - r);
			if (pr[r] != NORANK)
				hpush(w, &hn, pr[r], r);
		}
	}
	if (keep)
		for (i = 0; i < n; i = next[i])
			emit(w, lookup(b, p + i, next[i] - i));
	return m;
}

/* Tokens of one piece; appended to w->ids when keep. */
static size_t
piece(struct bpe_work *w, const char *p, size_t n, int keep)
{
	uint32_t r;
	uint64_t h = 0;
	struct centry *c = NULL;
	size_t k;

	if (n == 0)
		return 0;
	/* Counting only: most pieces are common words seen before. */
	if (!keep && n <= CACHE_MAXLEN) {
		h = hash64(p, n);
		c = &w->cache[h & (CACHE_SLOTS - 1)];
		if (c->len == n && c->h == h)
			return c->count;
	}
	if ((r = lookup(w->b, p, n)) != NORANK) {
		if (keep)
			emit(w, r);
		k = 1;
		goto done;
	}
	if (n > UINT32_MAX - 2)
		diag_fail(ETV_SYS, "piece of %zu bytes is too long", n);
	work_room(w, n);
	k = n <= LINEAR_MAX ? merge_linear(w, p, n, keep) :
	    merge_heap(w, p, n, keep);
done:
	if (c != NULL) {
		c->h = h;
		c->len = (uint32_t)n;
		c->count = (uint32_t)k;
	}
	return k;
}

size_t
bpe_merge_piece(struct bpe_work *w, const char *p, size_t n, int linear,
    const uint32_t **ids)
{
	size_t k;

	w->nids = 0;
	if (n == 0) {
		*ids = w->ids;
		return 0;
	}
	work_room(w, n);
	k = linear ? merge_linear(w, p, n, 1) : merge_heap(w, p, n, 1);
	*ids = w->ids;
	return k;
}

/*
 * Run the pattern over p[0..n) and call back for every piece.  A position
 * where nothing matches (impossible with these patterns, which cover
 * every character) becomes a one-character piece rather than being lost.
 */
static size_t
split(struct bpe_work *w, const char *p, size_t n, int keep, int record)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(w->md);
	size_t off = 0, end, total = 0, k, np = 0;
	int rc;

	while (off < n) {
		rc = pcre2_match(w->b->re, (PCRE2_SPTR)p, n, off,
		    PCRE2_NO_UTF_CHECK, w->md, w->mctx);
		if (rc > 0 && ov[0] == off && ov[1] > off)
			end = ov[1];
		else if (rc > 0 || rc == PCRE2_ERROR_NOMATCH) {
			end = off + 1;
			while (end < n && ((unsigned char)p[end] & 0xc0) ==
			    0x80)
				end++;
		} else
			diag_fail(ETV_SYS, "pattern match failed (%d)", rc);
		k = piece(w, p + off, end - off, keep);
		if (record) {
			if (np == w->cappieces) {
				w->cappieces = np ? 2 * np : 1024;
				w->starts = xreallocarray(w->starts,
				    w->cappieces, sizeof(*w->starts));
				w->counts = xreallocarray(w->counts,
				    w->cappieces, sizeof(*w->counts));
			}
			w->starts[np] = off;
			w->counts[np] = (uint32_t)k;
			np++;
		}
		total += k;
		off = end;
	}
	return record ? np : total;
}

size_t
bpe_count_head(struct bpe_work *w, const char *p, size_t n,
    const size_t *bounds, size_t nb, size_t base, size_t max, size_t *stop)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(w->md);
	size_t off = 0, end, total = 0, ib = 0, k;
	int rc;

	*stop = 0;
	for (k = 0; k < max && off < n; k++) {
		rc = pcre2_match(w->b->re, (PCRE2_SPTR)p, n, off,
		    PCRE2_NO_UTF_CHECK, w->md, w->mctx);
		if (rc > 0 && ov[0] == off && ov[1] > off)
			end = ov[1];
		else
			return total;	/* let the caller count it all */
		total += piece(w, p + off, end - off, 0);
		off = end;
		while (ib < nb && bounds[ib] < base + off)
			ib++;
		if (ib < nb && bounds[ib] == base + off) {
			*stop = off;
			return total;
		}
	}
	return total;
}

size_t
bpe_encode(struct bpe_work *w, const char *p, size_t n, const uint32_t **ids)
{
	size_t k;

	w->nids = 0;
	k = split(w, p, n, ids != NULL, 0);
	if (ids != NULL)
		*ids = w->ids;
	return k;
}

size_t
bpe_count(struct bpe_work *w, const char *p, size_t n)
{
	return split(w, p, n, 0, 0);
}

size_t
bpe_pieces(struct bpe_work *w, const char *p, size_t n,
    const size_t **starts, const uint32_t **counts)
{
	size_t np;

	np = split(w, p, n, 0, 1);
	*starts = w->starts;
	*counts = w->counts;
	return np;
}
