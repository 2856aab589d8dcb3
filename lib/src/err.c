/* SPDX-License-Identifier: MIT */
/* err.c — text for LG_ERR_* codes, from the one X-macro list in lgkit.h (lg_fail(), which
 * fills a caller's struct lg_error, is in err_priv.h). */
#include "lgkit/lgkit.h"

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
