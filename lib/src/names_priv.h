/* SPDX-License-Identifier: MIT */
/* names_priv.h — the word for an enumerator, from a table indexed by its value (designated
 * initialisers: a gap or an out-of-range value gives the fallback).  The one way the
 * library names its enums. */
#ifndef LGKIT_NAMES_PRIV_H
#define LGKIT_NAMES_PRIV_H

#include <stddef.h>

static inline const char *lg_name_in(const char *const *table, size_t n, long value,
				     const char *fallback)
{
	return value >= 0 && (size_t)value < n && table[value] ? table[value] : fallback;
}

#define LG_NAME_IN(table, value, fallback)                                                   \
	lg_name_in(table, sizeof(table) / sizeof((table)[0]), (long)(value), fallback)

#endif
