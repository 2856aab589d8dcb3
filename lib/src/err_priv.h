/* SPDX-License-Identifier: MIT */
/* err_priv.h — filling a caller's struct lg_error: the library's one error channel. */
#ifndef LGKIT_ERR_PRIV_H
#define LGKIT_ERR_PRIV_H

#include <stdarg.h>
#include <stdio.h>

#include "lgkit/lgkit.h"

/* Fill err (when non-NULL) with code and the message, and return code.  Inline so that
 * the compiler and the static analysers see that it returns code. */
static inline int lg_fail(struct lg_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline int lg_fail(struct lg_error *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
		err->code = code;
	}
	return code;
}

#endif
