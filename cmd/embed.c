/* etv-embed -- add an embedding vector to every record */
/* SPDX-License-Identifier: MIT */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/base/buf.h"
#include "lib/base/diag.h"
#include "lib/base/xmem.h"
#include "lib/embed/embed.h"
#include "lib/embed/embedrec.h"
#include "lib/embed/vec.h"
#include "lib/text/text.h"
#include "lib/json/jsonscan.h"
#include "lib/json/jsonx.h"
#include "lib/json/opt.h"
#include "lib/json/pool.h"
#include "lib/json/record.h"
#include "lib/json/runstats.h"

static const char usage_text[] =
"usage: etv-embed [-hqvV] [-d dims] [-j jobs] [-m model] [option ...] "
    "[file ...]\n"
"\n"
"etv-embed -- add an embedding vector to every record\n"
"\n"
"models (-m, --model):\n"
"  hash                built-in feature hashing: offline, deterministic,\n"
"                      lexical (not semantic) similarity (the default)\n"
"  model2vec:DIR       a local static embedding model (model2vec format)\n"
"  openai:NAME         a model behind an OpenAI-compatible /v1/embeddings\n"
"\n"
"options:\n"
"  -m, --model SPEC    the model (default 'hash')\n"
"  -d, --dims N        vector size of the hash model (default 384)\n"
"  -j, --jobs N        worker threads for local models (0 = all cores;\n"
"                      default 1)\n"
"  --max-tokens N      model2vec: tokens used per text (default 512)\n"
"  --url URL           openai: endpoint base (default\n"
"                      https://api.openai.com/v1); the key is read from\n"
"                      ETV_API_KEY or OPENAI_API_KEY\n"
"  --dimensions N      openai: ask the server for N-dimensional vectors\n"
"  --batch N           openai: texts per request (default 64)\n"
"  --batch-chars N     openai: characters per request (default 100000)\n"
"  --concurrency N     openai: requests in flight (default 4)\n"
"  --timeout SECONDS   openai: time limit of one request (default 60)\n"
"  --retries N         openai: retries of a failed request (default 5)\n"
"  --cache FILE        SQLite cache of vectors by model and text\n"
"  --prefix TEXT       embed TEXT followed by the record's text\n"
"  --vector-format F   'json' (array, default) or 'base64' (float32 LE)\n"
"  --on-empty WHAT     empty text: 'zero' vector with a warning (default)\n"
"                      or 'reject' the record\n"
"  --text-field NAME   field holding the text (default 'text')\n"
OPT_INPUT_HELP
OPT_COMMON_HELP;

enum {
	OPT_URL = OPT_TOOL_FIRST,
	OPT_DIMENSIONS,
	OPT_BATCH,
	OPT_BATCH_CHARS,
	OPT_CONCURRENCY,
	OPT_TIMEOUT,
	OPT_RETRIES,
	OPT_CACHE,
	OPT_PREFIX,
	OPT_VECTOR_FORMAT,
	OPT_ON_EMPTY,
	OPT_MAX_TOKENS
};

static const struct option longopts[] = {
	{ "model",	required_argument,	NULL,	'm' },
	{ "dims",	required_argument,	NULL,	'd' },
	{ "jobs",	required_argument,	NULL,	'j' },
	{ "max-tokens",	required_argument,	NULL,	OPT_MAX_TOKENS },
	{ "url",	required_argument,	NULL,	OPT_URL },
	{ "dimensions",	required_argument,	NULL,	OPT_DIMENSIONS },
	{ "batch",	required_argument,	NULL,	OPT_BATCH },
	{ "batch-chars", required_argument,	NULL,	OPT_BATCH_CHARS },
	{ "concurrency", required_argument,	NULL,	OPT_CONCURRENCY },
	{ "timeout",	required_argument,	NULL,	OPT_TIMEOUT },
	{ "retries",	required_argument,	NULL,	OPT_RETRIES },
	{ "cache",	required_argument,	NULL,	OPT_CACHE },
	{ "prefix",	required_argument,	NULL,	OPT_PREFIX },
	{ "vector-format", required_argument,	NULL,	OPT_VECTOR_FORMAT },
	{ "on-empty",	required_argument,	NULL,	OPT_ON_EMPTY },
	{ "text-field",	required_argument,	NULL,	OPT_TEXT_FIELD },
	OPT_INPUT_LONGOPTS,
	OPT_COMMON_LONGOPTS,
	{ NULL,		0,			NULL,	0 }
};

static struct {
	const char	*model;		/* --model spec */
	struct embed_params params;	/* what the backends need */
	struct embedrec_params run;	/* -j, --batch ... --cache */
	const char	*prefix;	/* --prefix, or NULL */
	size_t		 prefix_len;	/* its length */
	int		 base64;	/* --vector-format base64 */
	int		 reject_empty;	/* --on-empty reject */
	int		 dims_given;	/* -d was given */
	int		 max_tokens_given; /* --max-tokens was given */
} cfg = {
	.model = "hash",
	.params = { 384, 0, 512, NULL },
	.run = { .jobs = 1, .batch = 64, .batch_chars = 100000,
	    .concurrency = 4, .timeout = 60, .retries = 5 },
};

static struct embed_model *model;	/* the open model */
static struct buf model_json = BUF_INIT; /* its name as a JSON string */
static size_t model_json_dims;		/* model->dims when it was made */

/* Per-thread state of reading and writing records. */
struct worker {
	struct buf	 text;		/* prefix + text; owned */
	struct buf	 vec;		/* a vector as JSON; owned */
	struct buf	 esc;		/* unescaped text; owned */
};

static void
set_model_json(void)
{
	json_t *s;

	buf_reset(&model_json);
	if ((s = json_string(model->name)) == NULL)
		diag_fail(ETV_SYS, "model name is not valid UTF-8");
	rec_dump(&model_json, s);
	json_decref(s);
	model_json_dims = model->dims;
}

/*
 * Write the record with "embedding" (v[0..dims), encoded into vb) and
 * "embedding_model" set, in its own bytes.
 */
static void
emit(struct rec_item *it, struct buf *vb, const float *v, size_t dims)
{
	struct rec_member m[2];

	buf_reset(vb);
	if (cfg.base64)
		vec_base64_text(vb, v, dims);
	else
		vec_json_text(vb, v, dims);
	m[0] = (struct rec_member){ "embedding", vb->data, vb->len };
	m[1] = (struct rec_member){ "embedding_model", model_json.data,
	    model_json.len };
	rec_emit_members(it, m, 2);
}

/*
 * Parse the item and find its text.  Returns the record (new reference)
 * or NULL when the item is malformed (already reported through it).
 */
static json_t *
parse_text(struct rec_item *it, const char **text, size_t *len)
{
	json_t *rec;

	if ((rec = rec_parse(it)) == NULL)
		return NULL;
	if ((*text = rec_string(it, rec, opt.text_field, len)) == NULL) {
		json_decref(rec);
		return NULL;
	}
	return rec;
}

/* The text to embed: --prefix, then the record's text. */
static const char *
with_prefix(struct buf *b, const char *text, size_t len, size_t *n)
{
	if (cfg.prefix == NULL) {
		*n = len;
		return text;
	}
	buf_reset(b);
	buf_add(b, cfg.prefix, cfg.prefix_len);
	buf_add(b, text, len);
	*n = b->len;
	return b->data;
}

/*
 * Is the vector finite?  A vector with NaN or infinity (a model with
 * such weights) is never written: the record is rejected with status 4,
 * and without --rejects the run stops after the records before it.
 */
static int
finite_or_reject(struct rec_item *it, json_t *rec, const float *v,
    size_t dims)
{
	if (vec_finite(v, dims))
		return 1;
	rec_reject(it, rec, ETV_SYS, "the model gave a vector with values "
	    "that are not finite (NaN or infinity)");
	if (opt.rejects == NULL) {
		it->status = ETV_SYS;
		it->fatal = 1;
	}
	return 0;
}

/*
 * The fast path: a record that jsonscan reads, with a text that is not
 * blank, needs no parse tree.  Returns 1 and the text (in the line, or
 * unescaped into esc) for such a record, 0 for any other.
 */
static int
fast_text(struct rec_item *it, struct buf *esc, const char **text,
    size_t *len)
{
	const struct jsonscan_member *m;
	const struct jsonscan *sc;

	return (sc = rec_scan(it)) != NULL &&
	    (m = jsonscan_get(sc, opt.text_field)) != NULL && m->string &&
	    (*text = jsonscan_text(m, esc, len)) != NULL &&
	    !text_blank(*text, *len);
}

/* embedrec_ops.read: what a record needs. */
static void
embed_read(struct rec_item *it, struct embedrec *r, int worker, void *arg)
{
	struct worker *w = (struct worker *)arg + worker;
	const char *text;
	size_t len;

	r->need = EMBEDREC_NONE;
	if (fast_text(it, &w->esc, &text, &len))
		r->rec = NULL;
	else if ((r->rec = parse_text(it, &text, &len)) == NULL)
		return;
	else if (text_blank(text, len)) {
		r->need = EMBEDREC_EMPTY;
		return;
	}
	r->input = with_prefix(&w->text, text, len, &r->inlen);
	r->need = EMBEDREC_TEXT;
}

/* embedrec_ops.write: a record with its vector, or rejected. */
static void
embed_write(struct rec_item *it, struct embedrec *r, int worker, void *arg)
{
	struct buf *vb = &((struct worker *)arg + worker)->vec;

	/*
	 * A remote model is renamed once it tells its vector size (in the
	 * main thread: a local model's size is known from the start).
	 */
	if (model->dims != model_json_dims)
		set_model_json();
	if (r->need == EMBEDREC_EMPTY && r->vec == NULL)
		rec_reject(it, r->rec, ETV_REJECT, "field '%s' is empty and "
		    "the vector size is not known (give --dimensions)",
		    opt.text_field);
	else if (r->need == EMBEDREC_EMPTY && cfg.reject_empty)
		rec_reject(it, r->rec, ETV_REJECT, "field '%s' is empty",
		    opt.text_field);
	else if (r->need == EMBEDREC_EMPTY) {
		rec_warn(it, "field '%s' is empty: writing a zero vector",
		    opt.text_field);
		emit(it, vb, r->vec, r->dims);
	} else if (r->vec == NULL)
		rec_reject(it, r->rec, ETV_REJECT,
		    "embedding request failed: %s", r->why);
	else if (finite_or_reject(it, r->rec, r->vec, r->dims))
		emit(it, vb, r->vec, r->dims);
}

/* embedrec_ops.fail: without --rejects a failed request ends the run. */
static void
embed_fail(const struct rec_item *first, const char *why, void *arg)
{
	(void)arg;	/* no state */
	if (opt.rejects == NULL)
		diag_fail(ETV_SYS, "%s:%lu: embedding request failed: %s",
		    first->file, first->lineno, why);
}

/* Every record through the model. */
static void
embed_records(struct rec_reader *rd)
{
	static const struct embedrec_ops ops = {
		embed_read, embed_write, embed_fail
	};
	struct buf err = BUF_INIT;
	struct worker *w;
	int i;

	if ((cfg.run.key = getenv("ETV_API_KEY")) == NULL ||
	    *cfg.run.key == '\0')
		cfg.run.key = getenv("OPENAI_API_KEY");
	cfg.run.dimensions = cfg.params.dimensions;
	w = xcalloc((size_t)cfg.run.jobs, sizeof(*w));
	for (i = 0; i < cfg.run.jobs; i++) {
		buf_init(&w[i].text);
		buf_init(&w[i].esc);
		buf_init(&w[i].vec);
	}
	if (embedrec_run(model, &cfg.run, rd, &ops, w, &err) == -1)
		diag_fail(ETV_SYS, "%s", err.data);
	for (i = 0; i < cfg.run.jobs; i++) {
		buf_release(&w[i].text);
		buf_release(&w[i].esc);
		buf_release(&w[i].vec);
	}
	free(w);
	buf_release(&err);
}

int
main(int argc, char *argv[])
{
	struct rec_reader *rd;
	struct buf err = BUF_INIT;
	int ch, r;

	diag_init(argv[0]);
	while ((ch = getopt_long(argc, argv, "d:j:m:" OPT_COMMON_SHORT,
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'm':
			cfg.model = optarg;
			break;
		case 'd':
			cfg.params.hash_dims = (size_t)opt_count("--dims",
			    optarg, 1, 65536);
			cfg.dims_given = 1;
			break;
		case 'j':
			cfg.run.jobs = (int)opt_count("--jobs", optarg, 0, 256);
			if (cfg.run.jobs == 0)
				cfg.run.jobs = pool_ncpu();
			break;
		case OPT_MAX_TOKENS:
			cfg.params.max_tokens = (size_t)opt_count(
			    "--max-tokens", optarg, 1, 1 << 20);
			cfg.max_tokens_given = 1;
			break;
		case OPT_URL:
			cfg.params.url = optarg;
			break;
		case OPT_DIMENSIONS:
			cfg.params.dimensions = (size_t)opt_count(
			    "--dimensions", optarg, 1, 65536);
			break;
		case OPT_BATCH:
			cfg.run.batch = (size_t)opt_count("--batch", optarg, 1,
			    100000);
			break;
		case OPT_BATCH_CHARS:
			cfg.run.batch_chars = (size_t)opt_count("--batch-chars",
			    optarg, 1, LONG_MAX);
			break;
		case OPT_CONCURRENCY:
			cfg.run.concurrency = (int)opt_count("--concurrency",
			    optarg, 1, 1024);
			break;
		case OPT_TIMEOUT:
			cfg.run.timeout = opt_real("--timeout", optarg, 0.001,
			    86400);
			break;
		case OPT_RETRIES:
			cfg.run.retries = (int)opt_count("--retries", optarg, 0,
			    100);
			break;
		case OPT_CACHE:
			cfg.run.cache = optarg;
			break;
		case OPT_PREFIX:
			cfg.prefix = optarg;
			cfg.prefix_len = strlen(optarg);
			break;
		case OPT_VECTOR_FORMAT:
			cfg.base64 = opt_word("--vector-format", optarg,
			    (const char *[]){ "json", "base64", NULL });
			break;
		case OPT_ON_EMPTY:
			cfg.reject_empty = opt_word("--on-empty", optarg,
			    (const char *[]){ "zero", "reject", NULL });
			break;
		default:
			opt_common(ch, usage_text);
		}
	}
	argc -= optind;
	argv += optind;

	/* Options that would be silently ignored are mistakes. */
	if (cfg.dims_given && strcmp(cfg.model, "hash") != 0)
		diag_usage("option '--dims' is for the hash model (use "
		    "'--dimensions' with openai:)");
	if (cfg.max_tokens_given && strncmp(cfg.model, "model2vec:", 10))
		diag_usage("option '--max-tokens' needs a model2vec: model");
	if ((r = embed_open(&model, cfg.model, &cfg.params, &err)) ==
	    ETV_USAGE)
		diag_usage("%s", err.data);
	else if (r != ETV_OK)
		diag_fail(r, "%s", err.data);
	buf_release(&err);
	if (model->backend != EMBED_OPENAI && (cfg.params.url ||
	    cfg.params.dimensions))
		diag_usage("options '--url' and '--dimensions' need an "
		    "openai: model");
	set_model_json();

	rd = rec_open(opt_reader(), argc, argv);
	embed_records(rd);
	runstats_set_str("model", model->name);
	runstats_set_int("dims", (long long)model->dims);
	rec_close(rd);
	embed_close(model);
	buf_release(&model_json);
	return diag_finish();
}
