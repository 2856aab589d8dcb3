/* SPDX-License-Identifier: MIT */
/* err_priv.h — filling a caller's struct lg_error: the library's one error channel. */
#ifndef LGKIT_ERR_PRIV_H
#define LGKIT_ERR_PRIV_H

#include "lgkit/lgkit.h"

/* Fill err (when non-NULL) with code and the message, and return code. */
int lg_fail(struct lg_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
