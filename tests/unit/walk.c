/* walk.c -- unit tests of lib/base/walk.c: order, globs, links, loops */
/* SPDX-License-Identifier: MIT */

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/base/buf.h"
#include "lib/base/walk.h"

static int failures;
static char root[] = "/tmp/etv-walk-XXXXXX";

static void
mk(const char *rel, int dir)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (dir) {
		if (mkdir(path, 0755) != 0) {
			perror(path);
			exit(1);
		}
		return;
	}
	if ((fp = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	fputs("x\n", fp);
	fclose(fp);
}

static void
ln(const char *target, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (symlink(target, path) != 0) {
		perror(path);
		exit(1);
	}
}

/*
 * Walk operand (relative to root; "" is root) and describe the entries,
 * one per line: "rel" for a file, "rel SKIP why" or "rel ERROR why".
 */
static void
expect(int line, const char *operand, const struct walk_opts *o,
    const char *want)
{
	struct walk_list l = WALK_LIST_INIT;
	struct buf got = BUF_INIT, op = BUF_INIT;
	size_t i;

	buf_printf(&op, "%s%s%s", root, *operand ? "/" : "", operand);
	walk_operand(op.data, o, &l);
	buf_adds(&got, "");
	for (i = 0; i < l.n; i++) {
		buf_adds(&got, l.v[i].rel);
		if (l.v[i].kind == WALK_SKIP)
			buf_printf(&got, " SKIP %s", l.v[i].why);
		else if (l.v[i].kind == WALK_ERROR)
			buf_printf(&got, " ERROR %s", l.v[i].why);
		/* The path is the operand, a slash, the relative path. */
		if (strncmp(l.v[i].path, op.data, op.len) != 0 ||
		    l.v[i].path[op.len] != '/' ||
		    strcmp(l.v[i].path + op.len + 1, l.v[i].rel) != 0) {
			fprintf(stderr, "%s:%d: path '%s' for rel '%s'\n",
			    __FILE__, line, l.v[i].path, l.v[i].rel);
			failures++;
		}
		buf_addc(&got, '\n');
	}
	if (strcmp(got.data, want) != 0) {
		fprintf(stderr, "%s:%d: walk %s\n--- want\n%s--- got\n%s",
		    __FILE__, line, operand, want, got.data);
		failures++;
	}
	walk_list_free(&l);
	buf_release(&got);
	buf_release(&op);
}

static void
match(int line, const struct walk_opts *o, const char *rel, int want)
{
	if (walk_match(o, rel) != want) {
		fprintf(stderr, "%s:%d: walk_match '%s' is not %d\n", __FILE__,
		    line, rel, want);
		failures++;
	}
}

int
main(void)
{
	struct walk_opts o = { 0 };
	char *inc[] = { "*.md", "docs/*" }, *exc[] = { "build", "*.tmp" };
	char path[512];

	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	mk("a", 1);
	mk("a/c", 0);
	mk("a-b", 0);
	mk("B", 0);
	mk("z.md", 0);
	mk(".hidden", 0);
	mk(".git", 1);
	mk(".git/config", 0);
	mk("build", 1);
	mk("build/out.md", 0);
	mk("docs", 1);
	mk("docs/x.txt", 0);
	mk("docs/y.tmp", 0);
	mk("docs/sub", 1);
	mk("docs/sub/deep.md", 0);
	ln("z.md", "link.md");
	ln("nowhere", "dangling");
	ln("docs", "docs-link");
	ln("..", "docs/sub/up");

	/* Bytewise order of whole relative paths: "a-b" before "a/c". */
	expect(__LINE__, "", &o,
	    "B\na-b\na/c\nbuild/out.md\ndangling SKIP broken symbolic "
	    "link\ndocs/sub/deep.md\ndocs/x.txt\ndocs/y.tmp\nlink.md\n"
	    "z.md\n");
	/* Hidden names, when asked. */
	o.hidden = 1;
	expect(__LINE__, "docs", &o, "sub/deep.md\nx.txt\ny.tmp\n");
	expect(__LINE__, "a", &o, "c\n");
	o.hidden = 0;
	/* Excludes prune directories and drop files; includes keep files. */
	o.exclude = exc;
	o.nexclude = 2;
	expect(__LINE__, "", &o,
	    "B\na-b\na/c\ndangling SKIP broken symbolic link\n"
	    "docs/sub/deep.md\ndocs/x.txt\nlink.md\nz.md\n");
	o.include = inc;
	o.ninclude = 2;
	expect(__LINE__, "", &o,
	    "docs/sub/deep.md\ndocs/x.txt\nlink.md\nz.md\n");
	o.include = NULL;
	o.ninclude = 0;
	o.exclude = NULL;
	o.nexclude = 0;
	/* Links to directories, followed on request; loops refused. */
	o.follow = 1;
	expect(__LINE__, "docs", &o,
	    "sub/deep.md\nsub/up SKIP directory loop\nx.txt\ny.tmp\n");
	o.follow = 0;
	/* Glob matching: relative path or base name, '*' crosses '/'. */
	o.include = inc;
	o.ninclude = 2;
	match(__LINE__, &o, "a.md", 1);
	match(__LINE__, &o, "deep/in/a.md", 1);
	match(__LINE__, &o, "docs/a/b.txt", 1);
	match(__LINE__, &o, "a.txt", 0);
	match(__LINE__, &o, "x/docs/a.txt", 0);
	o.exclude = exc;
	o.nexclude = 2;
	match(__LINE__, &o, "docs/a.tmp", 0);
	match(__LINE__, &o, "x/build", 0);
	/* A file operand is one entry, its rel the operand as given. */
	{
		struct walk_list l = WALK_LIST_INIT;
		struct walk_opts none = { 0 };

		snprintf(path, sizeof(path), "%s/z.md", root);
		walk_operand(path, &none, &l);
		if (l.n != 1 || l.v[0].kind != WALK_FILE ||
		    strcmp(l.v[0].rel, path) != 0) {
			fprintf(stderr, "%s:%d: file operand\n", __FILE__,
			    __LINE__);
			failures++;
		}
		walk_list_free(&l);
		snprintf(path, sizeof(path), "%s/missing", root);
		walk_operand(path, &none, &l);
		if (l.n != 1 || l.v[0].kind != WALK_ERROR ||
		    l.v[0].err != ENOENT) {
			fprintf(stderr, "%s:%d: missing operand\n", __FILE__,
			    __LINE__);
			failures++;
		}
		walk_list_free(&l);
	}
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	if (system(path) != 0)
		fprintf(stderr, "cannot remove %s\n", root);
	if (failures) {
		fprintf(stderr, "walk: %d failures\n", failures);
		return 1;
	}
	return 0;
}
