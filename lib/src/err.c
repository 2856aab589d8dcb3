/* SPDX-License-Identifier: MIT */
/* err.c — the error channel: text for LG_ERR_* codes (from the one X-macro list in
 * lgkit.h) and lg_fail(), which fills a caller's struct lg_error. */
#include <stdarg.h>
#include <stdio.h>

#include "err_priv.h"

const char *lg_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
#define LG_X_STR(name, value, text)                                                              \
	case value:                                                                              \
		return text;
		LG_ERRORS(LG_X_STR)
#undef LG_X_STR
	}
	return "unknown error";
}
int lg_fail(struct lg_error *err, int code, const char *fmt, ...)
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
