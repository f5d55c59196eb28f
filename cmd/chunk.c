/* chunk.c -- etv-chunk: split documents into retrieval-ready chunks */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "lib/chunk/bpe.h"
#include "lib/base/buf.h"
#include "lib/chunk/chunker.h"
#include "lib/base/diag.h"
#include "lib/base/hash.h"
#include "lib/json/jsonx.h"
#include "lib/json/opt.h"
#include "lib/json/pool.h"
#include "lib/json/record.h"
#include "lib/json/runstats.h"
#include "lib/base/xmem.h"

#define USAGE \
"usage: etv-chunk [-hmqvV] [-j jobs] [-o overlap] [-s size] [-t file] " \
"[-u unit] [file ...]\n"

static const char help[] = USAGE "\n"
"etv-chunk -- split documents into retrieval-ready chunks\n"
"\n"
"Each input record's text becomes chunk records with id (DOC#SEQ),\n"
"doc_id, seq, text, start, end (byte offsets: source[start:end] == text),\n"
"tokens (size in the unit), hash, and the record's other fields.\n"
"\n"
"  -s, --size N        largest chunk in units (default 1000 chars or\n"
"                      graphemes, 200 words, 256 tokens)\n"
"  -u, --unit UNIT     chars (code points, the default), graphemes, words\n"
"                      or tokens\n"
"      --min-size N    end a chunk at a lesser boundary rather than leave\n"
"                      it under N units (default: half the size)\n"
"  -o, --overlap N     start each chunk with up to N units of the previous\n"
"                      one's tail, at a word boundary (default 0)\n"
"  -t, --tokenizer FILE  count tokens exactly with an OpenAI .tiktoken rank\n"
"                      file (implies --unit tokens); without it, tokens are\n"
"                      estimated by character class, an upper bound of the\n"
"                      r50k, p50k, cl100k and o200k counts on real text\n"
"  -m, --markdown      treat every text as Markdown: heading paths in\n"
"                      meta.headings, code blocks and tables kept whole,\n"
"                      front matter skipped (default when meta.type is\n"
"                      markdown)\n"
"      --no-markdown   never treat text as Markdown\n"
"  -j, --jobs N        worker threads (0: one per processor; default 1)\n"
OPT_FIELD_HELP
OPT_INPUT_HELP
OPT_COMMON_HELP;

enum {
	OPT_MIN_SIZE = OPT_TOOL_FIRST,
	OPT_NO_MARKDOWN
};

static const struct option longopts[] = {
	OPT_COMMON_LONGOPTS,
	OPT_INPUT_LONGOPTS,
	OPT_FIELD_LONGOPTS,
	{ "size",	required_argument,	NULL,	's' },
	{ "unit",	required_argument,	NULL,	'u' },
	{ "min-size",	required_argument,	NULL,	OPT_MIN_SIZE },
	{ "overlap",	required_argument,	NULL,	'o' },
	{ "tokenizer",	required_argument,	NULL,	't' },
	{ "markdown",	no_argument,		NULL,	'm' },
	{ "no-markdown", no_argument,		NULL,	OPT_NO_MARKDOWN },
	{ "jobs",	required_argument,	NULL,	'j' },
	{ NULL,		0,			NULL,	0 }
};

/* Fields etv-chunk writes itself: never copied from the source. */
static const char *const own[] = {
	"id", "doc_id", "seq", "text", "start", "end", "tokens", "hash",
	"forced", NULL
};

/* Per-thread state. */
struct worker {
	struct chunker	*ck;		/* the chunker; owned */
	struct buf	 pre;		/* copied fields before meta */
	struct buf	 post;		/* copied fields after meta */
	struct buf	 id;		/* the id of the chunk being written */
	unsigned long	 docs;		/* documents chunked */
	unsigned long	 empty;		/* documents with no chunk */
	unsigned long	 chunks;	/* chunks written */
	unsigned long	 forced;	/* of which forced */
};

/* What every worker shares (read-only). */
struct ctx {
	struct worker	*w;		/* one per thread; owned */
	int		 markdown;	/* 1 always, 0 never, -1 by meta.type */
};

static int
is_own(const char *key, const char *text_field, const char *id_field)
{
	int i;

	if (strcmp(key, text_field) == 0 || strcmp(key, id_field) == 0)
		return 1;
	for (i = 0; own[i] != NULL; i++)
		if (strcmp(key, own[i]) == 0)
			return 1;
	return 0;
}

/* Is the record's meta.type a Markdown type? */
static int
is_markdown(const json_t *rec)
{
	const json_t *t = jsonx_path(rec, "meta.type");
	const char *s;

	if (!json_is_string(t))
		return 0;
	s = json_string_value(t);
	return strcasecmp(s, "markdown") == 0 || strcasecmp(s, "md") == 0 ||
	    strcasecmp(s, "text/markdown") == 0 ||
	    strcasecmp(s, "text/x-markdown") == 0;
}

/* Append the chunk's meta: the source's, with its heading path set. */
static void
add_meta(struct worker *w, struct buf *out, const json_t *meta,
    const char *text, const struct chunk *ch)
{
	const struct chunk_span *sp = chunker_path(w->ck, ch);
	json_t *m, *heads;
	size_t i;

	m = json_is_object(meta) ? json_copy((json_t *)meta) : json_object();
	heads = json_array();
	if (m == NULL || heads == NULL)
		diag_fail(ETV_SYS, "out of memory");
	for (i = 0; i < ch->npath; i++)
		json_array_append_new(heads, json_stringn(text + sp[i].off,
		    sp[i].len));
	json_object_set_new(m, "headings", heads);
	rec_key(out, "meta");
	rec_dump(out, m);
	json_decref(m);
}

/*
 * Chunk one record (a pool_fn): parse it, split its text and write one
 * line per chunk, its own fields first, then the source's other fields
 * encoded once, in their order.
 */
static void
chunk_item(struct rec_item *it, void *arg, int worker)
{
	struct ctx *cx = arg;
	struct worker *w = &cx->w[worker];
	const struct chunk *ch;
	const char *text, *key, *docid;
	json_t *rec, *idv, *meta = NULL, *v;
	size_t len, idlen, n, i;
	char hashbuf[HASH_TAG_LEN + 1], idbuf[HASH_TAG_LEN + 1];
	int md, seen_meta = 0, put_meta;
	struct buf *into, *out;

	if ((rec = rec_parse(it)) == NULL)
		return;
	if ((text = rec_string(it, rec, opt.text_field, &len)) == NULL) {
		json_decref(rec);
		return;
	}
	idv = json_object_get(rec, opt.id_field);
	if (idv == NULL) {
		/* No id: the text's hash names the document. */
		docid = hash_tag(idbuf, text, len);
		idlen = HASH_TAG_LEN;
	} else if (json_is_string(idv)) {
		docid = json_string_value(idv);
		idlen = json_string_length(idv);
	} else {
		rec_malformed(it, "field '%s' is not a string", opt.id_field);
		json_decref(rec);
		return;
	}
	if (len > CHUNKER_MAX_TEXT) {
		rec_reject(it, NULL, ETV_REJECT, "text of %zu bytes is over "
		    "the %zu bytes etv-chunk takes", len, CHUNKER_MAX_TEXT);
		json_decref(rec);
		return;
	}
	md = cx->markdown >= 0 ? cx->markdown : is_markdown(rec);
	w->docs++;
	n = chunker_split(w->ck, text, len, md, &ch);
	if (n == 0) {
		w->empty++;
		json_decref(rec);
		return;
	}

	/* The source's other fields, encoded once for all its chunks. */
	buf_reset(&w->pre);
	buf_reset(&w->post);
	into = &w->pre;
	json_object_foreach(rec, key, v) {
		if (is_own(key, opt.text_field, opt.id_field))
			continue;
		if (md && strcmp(key, "meta") == 0 && json_is_object(v)) {
			meta = v;
			seen_meta = 1;
			into = &w->post;
			continue;
		}
		rec_key(into, key);
		rec_dump(into, v);
	}
	/* A meta that is not an object is copied as it is, untouched. */
	put_meta = md && (seen_meta || json_object_get(rec, "meta") == NULL);

	/* Each chunk line is built in place at the end of the item's output. */
	out = &it->out;
	for (i = 0; i < n; i++) {
		buf_reset(&w->id);
		buf_add(&w->id, docid, idlen);
		buf_addc(&w->id, '#');
		rec_uint(&w->id, i);
		rec_begin(it);
		rec_key(out, "id");
		rec_quote(out, w->id.data, w->id.len);
		rec_key(out, "doc_id");
		rec_quote(out, docid, idlen);
		rec_key(out, "seq");
		rec_uint(out, i);
		rec_key(out, "text");
		rec_quote(out, text + ch[i].start, ch[i].end - ch[i].start);
		rec_key(out, "start");
		rec_uint(out, ch[i].start);
		rec_key(out, "end");
		rec_uint(out, ch[i].end);
		rec_key(out, "tokens");
		rec_uint(out, ch[i].size);
		rec_key(out, "hash");
		rec_quote(out, hash_tag(hashbuf, text + ch[i].start,
		    ch[i].end - ch[i].start), HASH_TAG_LEN);
		if (ch[i].forced) {
			rec_key(out, "forced");
			buf_adds(out, "true");
			w->forced++;
		}
		rec_members(out, &w->pre);
		if (put_meta)
			add_meta(w, out, meta, text, &ch[i]);
		if (seen_meta)
			rec_members(out, &w->post);
		rec_end(it);
		w->chunks++;
	}
	json_decref(rec);
}

int
main(int argc, char **argv)
{
	struct chunk_opts co;
	struct rec_reader *rd;
	struct ctx cx;
	struct bpe *bpe = NULL;
	const char *tokfile = NULL, *size_arg = NULL, *min_arg = NULL;
	const char *ov_arg = NULL;
	struct buf err = BUF_INIT;
	unsigned long docs = 0, empty = 0, chunks = 0, forced = 0;
	int ch, jobs = 1, unit_set = 0, i;

	diag_init(argv[0]);
	memset(&co, 0, sizeof(co));
	co.unit = CHUNK_CHARS;
	cx.markdown = -1;
	while ((ch = getopt_long(argc, argv, OPT_COMMON_SHORT "j:mo:s:t:u:",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			size_arg = optarg;
			break;
		case 'u':
			/* The order of enum chunk_unit. */
			co.unit = (enum chunk_unit)opt_word("--unit", optarg,
			    (const char *[]){ "chars", "graphemes", "words",
			    "tokens", NULL });
			unit_set = 1;
			break;
		case OPT_MIN_SIZE:
			min_arg = optarg;
			break;
		case 'o':
			ov_arg = optarg;
			break;
		case 't':
			tokfile = optarg;
			break;
		case 'm':
			cx.markdown = 1;
			break;
		case OPT_NO_MARKDOWN:
			cx.markdown = 0;
			break;
		case 'j':
			jobs = (int)opt_count("--jobs", optarg, 0, 256);
			break;
		default:
			opt_common(ch, help);
		}
	}
	argc -= optind;
	argv += optind;

	if (tokfile != NULL) {
		if (unit_set && co.unit != CHUNK_TOKENS)
			diag_usage("option '--tokenizer' needs '--unit tokens'");
		co.unit = CHUNK_TOKENS;
	}
	co.size = co.unit == CHUNK_WORDS ? 200 : co.unit == CHUNK_TOKENS ?
	    256 : 1000;
	if (size_arg != NULL)
		co.size = (size_t)opt_count("--size", size_arg, 1, 1L << 29);
	co.min_size = co.size / 2;
	if (min_arg != NULL)
		co.min_size = (size_t)opt_count("--min-size", min_arg, 0,
		    (long)co.size);
	if (ov_arg != NULL)
		co.overlap = (size_t)opt_count("--overlap", ov_arg, 0,
		    (long)co.size - 1);
	if (tokfile != NULL) {
		/* A malformed rank file is a bad argument; an unreadable
		 * one an I/O failure. */
		if ((bpe = bpe_load(tokfile, &err)) == NULL)
			diag_fail(errno == EINVAL ? ETV_USAGE : ETV_SYS, "%s",
			    err.data);
		co.bpe = bpe;
		diag_verbose(2, "tokenizer %s: %zu tokens, %s pattern",
		    tokfile, bpe_vocab(bpe), bpe_pattern_name(bpe));
	}
	if (jobs == 0)
		jobs = pool_ncpu();

	cx.w = xcalloc((size_t)jobs, sizeof(*cx.w));
	for (i = 0; i < jobs; i++) {
		cx.w[i].ck = chunker_new(&co);
		buf_init(&cx.w[i].pre);
		buf_init(&cx.w[i].post);
		buf_init(&cx.w[i].id);
	}
	rd = rec_open(opt_reader(), argc, argv);
	pool_run(rd, jobs, chunk_item, &cx);
	for (i = 0; i < jobs; i++) {
		docs += cx.w[i].docs;
		empty += cx.w[i].empty;
		chunks += cx.w[i].chunks;
		forced += cx.w[i].forced;
		chunker_free(cx.w[i].ck);
		buf_release(&cx.w[i].pre);
		buf_release(&cx.w[i].post);
		buf_release(&cx.w[i].id);
	}
	diag_verbose(1, "chunked %lu documents into %lu chunks (%lu forced), "
	    "%lu empty", docs, chunks, forced, empty);
	runstats_set_int("documents", (long long)docs);
	runstats_set_int("chunks", (long long)chunks);
	runstats_set_int("forced", (long long)forced);
	runstats_set_int("empty", (long long)empty);
	rec_close(rd);
	free(cx.w);
	bpe_free(bpe);
	return diag_finish();
}
