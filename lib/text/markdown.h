/* markdown.h -- the Markdown structure of a text: headings, blocks, title */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_MARKDOWN_H
#define ETV_MARKDOWN_H

#include <stddef.h>

/* A heading: ATX ("## Install") or setext (a line underlined = or -). */
struct md_heading {
	size_t		 pos;		/* offset of its first non-blank byte */
	size_t		 text;		/* offset of its text */
	size_t		 len;		/* length of its text (trimmed) */
	int		 level;		/* 1 to 6 */
};

/* A block that should stay whole: a fenced code block or a table. */
struct md_block {
	size_t		 start;		/* offset of its first line */
	size_t		 end;		/* end of its last line (no newline) */
};

/* What md_scan() found; initialise with MD_INFO_INIT. */
struct md_info {
	size_t		 body;		/* where the body starts, after any
					   front matter */
	struct md_heading *heads;	/* headings in text order; owned */
	size_t		 nheads;	/* their number */
	size_t		 capheads;	/* allocated */
	struct md_block	*blocks;	/* protected blocks in order; owned */
	size_t		 nblocks;	/* their number */
	size_t		 capblocks;	/* allocated */
};

#define MD_INFO_INIT	{ 0, NULL, 0, 0, NULL, 0, 0 }

/*
 * Scan p[0..n) line by line (LF or CRLF): front matter ("---" or "+++"
 * fenced, at the very start), ATX and setext headings outside code
 * blocks, fenced code blocks (``` or ~~~, closed by a fence at least as
 * long; an unclosed one runs to the end) and pipe tables (a header line
 * with "|", a delimiter row, and the "|" lines after it).  The arrays of
 * md are reused.  Never fails (exits with ETV_SYS on OOM).
 */
void	 md_scan(struct md_info *md, const char *p, size_t n);

/*
 * The title of a Markdown document: a "title:" line in YAML front matter,
 * or else the first ATX ("# Title #") or setext (underlined with '=' or
 * '-') heading outside fenced code blocks, trimmed (the lines of a setext
 * heading joined by a space).  Returns a new string the caller frees with
 * free(3), or NULL when there is none.
 */
char	*md_title(const char *p, size_t n);

/* Free md's arrays; it is MD_INFO_INIT again.  NULL is accepted. */
void	 md_release(struct md_info *md);

#endif
