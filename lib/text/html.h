/* html.h -- HTML to readable plain text, and its <title> */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_HTML_H
#define ETV_HTML_H

#include <stddef.h>

#include "lib/base/buf.h"

/*
 * Convert an HTML document (UTF-8) to plain text:
 * - comments, declarations, processing instructions, and the contents of
 *   <script>, <style>, <template> and <title> are dropped; the first
 *   <title> becomes the title;
 * - tags are stripped; character references are decoded (decimal and
 *   hexadecimal, the HTML 4 named set and &apos;; an unknown name stays
 *   as written);
 * - white space (and U+00A0, as from &nbsp;) is collapsed to one space,
 *   except inside <pre>;
 * - block elements end lines: paragraphs, headings, lists, tables, <pre>
 *   and <blockquote> are separated by a blank line, <br>, <div>, list
 *   items and table rows by a newline; list items get "- " (or "N. " in
 *   an <ol>), table cells in a row are joined by " | ";
 * - the text has no leading or trailing white space.
 * Malformed markup never fails: an unclosed tag or comment runs to the end
 * of the input.  Returns the text as a new NUL-terminated string the
 * caller frees with free(3), its length in *lenp; *titlep is set to the
 * title (decoded, white space collapsed; caller frees) or NULL when there
 * is none or it is empty.  Exits with ETV_SYS on OOM only.
 */
char	*html_text(const char *p, size_t n, size_t *lenp, char **titlep);

/*
 * Does the document declare a Latin-1 charset (ISO-8859-1, Windows-1252,
 * US-ASCII or one of their labels) in a "charset=" within its first 1024
 * bytes, as <meta charset> or <meta http-equiv> do?  Returns 1 or 0.
 */
int	 html_latin1(const char *p, size_t n);

/*
 * Decode the character reference at p (p[0] == '&', n bytes available)
 * and append it to out as UTF-8.  Returns the bytes consumed, or 0 when p
 * does not start a reference this decoder knows (nothing is appended).
 * Numeric references need no ';'; NUL, surrogates and values above
 * U+10FFFF give U+FFFD, and 0x80-0x9F are read as Windows-1252 (as HTML
 * parsers do).  Named references need their ';'.
 */
size_t	 html_entity(const char *p, size_t n, struct buf *out);

#endif
