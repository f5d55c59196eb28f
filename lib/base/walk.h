/* walk.h -- operands to a sorted list of files: directory walk and globs */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_WALK_H
#define ETV_WALK_H

#include <stddef.h>

/*
 * How to walk.  A pattern is matched with fnmatch(3) and no flags, so '*'
 * also matches '/', against both the relative path of a file and its
 * base name: "*.md" matches "docs/a.md", and "docs/" followed by '*'
 * matches everything below docs.
 */
struct walk_opts {
	char	**include;	/* keep only files matching one; borrowed */
	size_t	 ninclude;	/* number of include patterns */
	char	**exclude;	/* drop files and directories matching one */
	size_t	 nexclude;	/* number of exclude patterns */
	int	 hidden;	/* enter names beginning with '.' too */
	int	 follow;	/* follow symbolic links to directories */
};

/* What an entry is. */
enum walk_kind {
	WALK_FILE,	/* a file to read (or a link to one) */
	WALK_SKIP,	/* not read: err and why say why; a warning */
	WALK_ERROR	/* cannot be walked: err and why say why; an error */
};

/* One file, or one problem met on the way. */
struct walk_entry {
	char		*path;	/* as reached: operand "/" rel; owned */
	const char	*rel;	/* relative path (the id), inside path */
	enum walk_kind	 kind;	/* file, skipped, or error */
	int		 err;	/* errno for WALK_SKIP and WALK_ERROR, or 0 */
	const char	*why;	/* static text for WALK_SKIP and WALK_ERROR */
	long long	 size;	/* size in bytes when walked, or 0 */
};

/* A list of entries; initialise with WALK_LIST_INIT. */
struct walk_list {
	struct walk_entry *v;	/* the entries; owned */
	size_t		 n;	/* entries in use */
	size_t		 cap;	/* entries allocated */
};

#define WALK_LIST_INIT	{ NULL, 0, 0 }

/*
 * Append the files of one operand to list.  A directory is walked
 * recursively and its files are appended sorted bytewise by their path
 * relative to it (rel); anything else (a file, a link to one, a FIFO) is
 * one entry whose rel is the operand as given.  Names beginning with '.'
 * below a directory are skipped unless opts->hidden; symbolic links to
 * files are followed, links to directories only with opts->follow, and a
 * directory that is its own ancestor is never entered twice.  Include and
 * exclude patterns apply to every file, excludes to every directory below
 * the operand too; the operand itself is always entered.  Problems are
 * entries of kind WALK_SKIP or WALK_ERROR in their sorted place.  Exits
 * with ETV_SYS on OOM only.
 */
void	 walk_operand(const char *operand, const struct walk_opts *,
	    struct walk_list *list);

/* Does a file with this relative path pass the include and exclude lists? */
int	 walk_match(const struct walk_opts *, const char *rel);

/* Free the entries; the list is WALK_LIST_INIT again.  NULL is accepted. */
void	 walk_list_free(struct walk_list *);

#endif
