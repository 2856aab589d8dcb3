/* SPDX-License-Identifier: MIT */
/* version.c — the library's version at run time. */
#include "lgkit/lgkit.h"

const char *lgkit_version(void)
{
	return LGKIT_VERSION;
}
