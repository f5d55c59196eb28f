/* phonetic.h -- phonetic codes of names: Soundex and Double Metaphone */
/* SPDX-License-Identifier: MIT */

#ifndef ETV_PHONETIC_H
#define ETV_PHONETIC_H

#include <stddef.h>

#include "lib/base/buf.h"

/*
 * Both codes are computed on ASCII letters.  A name is first decomposed
 * (NFKD), case folded and stripped of its combining marks, so that
 * "Müller" is coded as MULLER and "Dvořák" as DVORAK; a letter with no
 * ASCII decomposition (æ, ø, þ, letters of other scripts) is dropped.
 * Ill-formed UTF-8 bytes are dropped too: a phonetic code never fails.
 * A name with no ASCII letter has the empty code.
 */

/*
 * Append the American Soundex code of the UTF-8 name p[0..n) to out: its
 * first letter and three digits (B F P V 1; C G J K Q S X Z 2; D T 3;
 * L 4; M N 5; R 6), padded with zeros, as the National Archives code
 * census names.  Letters with the same digit side by side are coded
 * once, and so are two separated by H or W only (Ashcraft A261); a
 * vowel (A E I O U Y) between them makes the second one count again
 * (Tymczak T522).  The first letter's own digit counts for this
 * (Pfister P236).  Characters other than letters are ignored, so the
 * words of "Van Dyke" are coded as one (V532).  Appends nothing when
 * the name has no letter.
 */
void	 phonetic_soundex(const char *p, size_t n, struct buf *out);

/* The length at which Double Metaphone codes are cut by default. */
#define PHONETIC_DM_MAXLEN	4

/*
 * Append the Double Metaphone codes (Lawrence Philips, C/C++ Users
 * Journal, June 2000) of the UTF-8 name p[0..n) to primary and secondary,
 * each cut to maxlen characters (0: not cut).  The secondary code is the
 * alternative pronunciation (Smith SM0 and XMT, Schmidt XMT and SMT); it
 * equals the primary code when the rules saw no alternative.  The codes
 * use the letters A F H J K L M N P R S T X and 0 (zero) for "th".
 * Letters are coded as the published rules say, with Ç read as S (it is
 * kept apart from C before its cedilla is stripped); characters other
 * than letters become word breaks (one space), which some rules read
 * ("San Jose", "Mac Caffrey").  Where the published rules add a space
 * to the secondary code (a final J, the Spanish LL), nothing is added.
 * Appends nothing when the name has no letter.
 */
void	 phonetic_dmetaphone(const char *p, size_t n, unsigned maxlen,
	    struct buf *primary, struct buf *secondary);

#endif
