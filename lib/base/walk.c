/* walk.c -- operands to a sorted list of files: directory walk and globs */
/* SPDX-License-Identifier: MIT */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/buf.h"
#include "lib/base/walk.h"
#include "lib/base/xmem.h"

/* The directories above the one being read, to refuse loops. */
struct ancestor {
	dev_t		 dev;	/* device of the directory */
	ino_t		 ino;	/* its inode */
	const struct ancestor *up; /* its parent in the walk, or NULL */
};

/* Does the pattern list match the relative path or its base name? */
static int
any_match(char **pat, size_t n, const char *rel)
{
	const char *base;
	size_t i;

	base = strrchr(rel, '/');
	base = base ? base + 1 : rel;
	for (i = 0; i < n; i++)
		if (fnmatch(pat[i], rel, 0) == 0 ||
		    (base != rel && fnmatch(pat[i], base, 0) == 0))
			return 1;
	return 0;
}

int
walk_match(const struct walk_opts *o, const char *rel)
{
	if (o->ninclude && !any_match(o->include, o->ninclude, rel))
		return 0;
	return !any_match(o->exclude, o->nexclude, rel);
}

static struct walk_entry *
add(struct walk_list *l, const char *path, size_t reloff, enum walk_kind k,
    int err, const char *why)
{
	struct walk_entry *e;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	e = &l->v[l->n++];
	e->path = xstrdup(path);
	e->rel = e->path + reloff;
	e->kind = k;
	e->err = err;
	e->why = why;
	e->size = 0;
	return e;
}

static int
by_rel(const void *a, const void *b)
{
	const struct walk_entry *x = a, *y = b;

	return strcmp(x->rel, y->rel);
}

/*
 * Read the names of a directory, so that the directory is closed
 * before its subdirectories are opened: a deep tree cannot run out of file
 * descriptors.  Returns the number of names, or -1 with errno set.
 */
static long
read_names(const char *path, int hidden, char ***namesp)
{
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	DIR *d;
	int e;

	if ((d = opendir(path)) == NULL)
		return -1;
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL)
			break;
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    (de->d_name[0] == '.' && !hidden))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = xreallocarray(names, cap, sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	e = errno;
	closedir(d);
	if (e != 0) {
		while (n)
			free(names[--n]);
		free(names);
		errno = e;
		return -1;
	}
	*namesp = names;
	return (long)n;
}

/* Walk the directory in path (whose rel part starts at reloff). */
static void
walk_dir(const struct walk_opts *o, struct walk_list *l, struct buf *path,
    size_t reloff, const struct ancestor *up)
{
	const struct ancestor *a;
	struct ancestor me;
	struct stat st, lst;
	char **names = NULL;
	size_t keep, i;
	long n;

	if ((n = read_names(path->data, o->hidden, &names)) < 0) {
		add(l, path->data, reloff < path->len ? reloff : path->len,
		    WALK_ERROR, errno, "cannot read directory");
		return;
	}
	keep = path->len;
	for (i = 0; i < (size_t)n; i++) {
		path->len = keep;
		if (keep == 0 || path->data[keep - 1] != '/')
			buf_addc(path, '/');
		buf_adds(path, names[i]);
		if (lstat(path->data, &lst) != 0) {
			add(l, path->data, reloff, WALK_ERROR, errno,
			    "cannot stat");
			continue;
		}
		st = lst;
		if (S_ISLNK(lst.st_mode) && stat(path->data, &st) != 0) {
			if (walk_match(o, path->data + reloff))
				add(l, path->data, reloff, WALK_SKIP, errno,
				    "broken symbolic link");
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if ((S_ISLNK(lst.st_mode) && !o->follow) ||
			    any_match(o->exclude, o->nexclude,
			    path->data + reloff))
				continue;
			for (a = up; a; a = a->up)
				if (a->dev == st.st_dev && a->ino == st.st_ino)
					break;
			if (a) {
				add(l, path->data, reloff, WALK_SKIP, ELOOP,
				    "directory loop");
				continue;
			}
			me.dev = st.st_dev;
			me.ino = st.st_ino;
			me.up = up;
			walk_dir(o, l, path, reloff, &me);
		} else if (!walk_match(o, path->data + reloff))
			continue;
		else if (S_ISREG(st.st_mode))
			add(l, path->data, reloff, WALK_FILE, 0, NULL)->size =
			    (long long)st.st_size;
		else
			add(l, path->data, reloff, WALK_SKIP, 0,
			    "not a regular file");
	}
	path->len = keep;
	path->data[keep] = '\0';
	for (i = 0; i < (size_t)n; i++)
		free(names[i]);
	free(names);
}

void
walk_operand(const char *operand, const struct walk_opts *o,
    struct walk_list *l)
{
	struct buf path = BUF_INIT;
	struct ancestor root;
	struct stat st;
	size_t first = l->n, len;

	if (stat(operand, &st) != 0) {
		add(l, operand, 0, WALK_ERROR, errno, "cannot open");
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (walk_match(o, operand))
			add(l, operand, 0, WALK_FILE, 0, NULL)->size =
			    (long long)st.st_size;
		return;
	}
	/* "docs///" reaches "docs/a.md"; "/" reaches "/etc". */
	len = strlen(operand);
	while (len > 1 && operand[len - 1] == '/')
		len--;
	buf_add(&path, operand, len);
	root.dev = st.st_dev;
	root.ino = st.st_ino;
	root.up = NULL;
	walk_dir(o, l, &path, path.data[len - 1] == '/' ? len : len + 1,
	    &root);
	buf_release(&path);
	/*
	 * Sort the whole operand by relative path, not directory by
	 * directory: "a-b" comes before "a/c" as in sort(1) with LC_ALL=C.
	 */
	qsort(l->v + first, l->n - first, sizeof(*l->v), by_rel);
}

void
walk_list_free(struct walk_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}
