/* stopword.h -- the Snowball stop word lists */
/* SPDX-License-Identifier: MIT */
#ifndef ETV_STOPWORD_H
#define ETV_STOPWORD_H

/*
 * The stop word list the Snowball project publishes for a language
 * (snowballstem.org/algorithms/LANG/stop.txt), by its Snowball name:
 * danish, dutch, english, finnish, french, german, italian, norwegian,
 * portuguese, russian, spanish, swedish ("porter" has the English one).
 * Returns a static string of lowercase UTF-8 words, each followed by one
 * space, or NULL for a language without a list.  The words are as
 * published (not case folded: German "daß" stays).
 */
const char	*stopword_list(const char *lang);

#endif
