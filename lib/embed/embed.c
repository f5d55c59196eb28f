/* embed.c -- the embedding backends behind one interface */
/* SPDX-License-Identifier: MIT */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/buf.h"
#include "lib/base/diag.h"
#include "lib/embed/embed.h"
#include "lib/embed/hashembed.h"
#include "lib/embed/http.h"
#include "lib/embed/model2vec.h"
#include "lib/base/xmem.h"

#define DEFAULT_URL	"https://api.openai.com/v1"

struct embed_scratch {
	const struct embed_model *m;	/* the model it serves; borrowed */
	struct hashembed_scratch *hs;	/* hash backend memory, or NULL */
	struct model2vec_scratch *ms;	/* model2vec memory, or NULL */
};

static char *
fmt(const char *f, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, f);
	buf_vprintf(&b, f, ap);
	va_end(ap);
	return buf_detach(&b, NULL);
}

/* The last component of a directory path, for the model's name. */
static char *
base_name(const char *dir)
{
	size_t n = strlen(dir);
	const char *s;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	for (s = dir + n; s > dir && s[-1] != '/'; s--)
		;
	return xmemdup(s, (size_t)(dir + n - s));
}

int
embed_open(struct embed_model **mp, const char *spec,
    const struct embed_params *p, struct buf *err)
{
	struct embed_model *m;
	char *base;

	*mp = NULL;
	m = xcalloc(1, sizeof(*m));
	if (strcmp(spec, "hash") == 0) {
		m->backend = EMBED_HASH;
		m->dims = p->hash_dims;
		m->name = fmt("hash:v%d/%zu", HASHEMBED_VERSION, m->dims);
		m->key = xstrdup(m->name);
	} else if (strncmp(spec, "model2vec:", 10) == 0 && spec[10]) {
		m->backend = EMBED_MODEL2VEC;
		if ((m->m2v = model2vec_open(spec + 10, p->max_tokens,
		    err)) == NULL) {
			free(m);
			return ETV_SYS;
		}
		m->dims = model2vec_dims(m->m2v);
		base = base_name(spec + 10);
		m->name = fmt("model2vec:%s/%zu@%s", base, m->dims,
		    model2vec_digest(m->m2v));
		free(base);
		m->key = fmt("%s#max-tokens=%zu", m->name, p->max_tokens);
	} else if (strncmp(spec, "openai:", 7) == 0 && spec[7]) {
		m->backend = EMBED_OPENAI;
		m->remote = xstrdup(spec + 7);
		m->url = xstrdup(p->url ? p->url : DEFAULT_URL);
		m->dims = p->dimensions;
		m->name = fmt("openai:%s/%zu", m->remote, m->dims);
		/* The cache stores the key: no credentials in it. */
		base = http_url_redact(m->url);
		m->key = p->dimensions ? fmt("openai:%s@%s#dimensions=%zu",
		    m->remote, base, p->dimensions) :
		    fmt("openai:%s@%s", m->remote, base);
		free(base);
	} else {
		buf_fail(err, "unknown model '%s' (use hash, "
		    "model2vec:DIR or openai:NAME)", spec);
		free(m);
		return ETV_USAGE;
	}
	*mp = m;
	return ETV_OK;
}

void
embed_set_dims(struct embed_model *m, size_t dims)
{
	m->dims = dims;
	free(m->name);
	m->name = fmt("openai:%s/%zu", m->remote, dims);
}

void
embed_close(struct embed_model *m)
{
	if (m == NULL)
		return;
	model2vec_close(m->m2v);
	free(m->name);
	free(m->key);
	free(m->remote);
	free(m->url);
	free(m);
}

struct embed_scratch *
embed_scratch_new(const struct embed_model *m)
{
	struct embed_scratch *s;

	s = xcalloc(1, sizeof(*s));
	s->m = m;
	if (m->backend == EMBED_HASH)
		s->hs = hashembed_scratch_new();
	else if (m->backend == EMBED_MODEL2VEC)
		s->ms = model2vec_scratch_new(m->m2v);
	return s;
}

void
embed_scratch_free(struct embed_scratch *s)
{
	if (s == NULL)
		return;
	hashembed_scratch_free(s->hs);
	model2vec_scratch_free(s->ms);
	free(s);
}

size_t
embed_text(const struct embed_model *m, struct embed_scratch *s,
    const char *text, size_t len, float *out)
{
	switch (m->backend) {
	case EMBED_HASH:
		return hashembed_run(s->hs, text, len, out, m->dims);
	case EMBED_MODEL2VEC:
		return model2vec_run(m->m2v, s->ms, text, len, out);
	default:
		diag_fail(ETV_SYS, "internal error: embed_text on a remote "
		    "model");
	}
}
