/* SPDX-License-Identifier: MIT */
/* boot.c — the zero page (struct boot_params) and command line, as the real Launcher
 * wrote them (Linux tools/lguest/lguest.c, 3.x: the fields are listed in the guest ABI of
 * tools/lglaunch/README.md).  All other fields stay zero. */
#include <stdio.h>
#include <string.h>

#include "lgkit/emit.h"
#include "lglaunch.h"

int lgl_boot_params(struct lgl_mem *m, const char *cmdline)
{
	size_t len = strlen(cmdline);
	if (len >= LG_PAGE_SIZE) {
		fprintf(stderr, "lglaunch: the command line is %zu bytes; at most %u fit at %#x\n",
			len, LG_PAGE_SIZE - 1, LG_BOOT_CMDLINE_ADDR);
		return -1;
	}
	uint8_t *zp = LGL_GPA(m, 0, LG_PAGE_SIZE);
	uint8_t *cl = LGL_GPA(m, LG_BOOT_CMDLINE_ADDR, len + 1);
	if (!zp || !cl)
		return -1;
	lg_emit_zero_page(zp, m->ram); /* the library's, as lggen --image writes it */
	memcpy(cl, cmdline, len + 1);
	return 0;
}
