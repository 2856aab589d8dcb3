/* SPDX-License-Identifier: MIT */
/* locate_cli.h — open a dump, find and decode its descriptor page the way lgcheck does
 * (--page-addr, a caller's finder such as --scan, the lgkit note, the e820 entry, the
 * first byte; a raw file without a base is placed one page below its lowest ring), for
 * every tool that reads dumps.  "-" is standard input; a stream (a pipe) is copied once
 * (lg_spool_stream) and read as a file. */
#ifndef LGKIT_TOOLS_LOCATE_CLI_H
#define LGKIT_TOOLS_LOCATE_CLI_H

#include "lgkit/lgkit.h"

struct lgt_locate_opts {
	struct lg_image_opts iopts; /* force_raw, base */
	bool have_base;             /* --base was given: never infer it */
	bool have_page;             /* --page-addr was given */
	uint64_t page_addr;
	/* Optional, run on the open image before the usual ways (unless have_page):
	 * return 1 with *page_addr set when it found the page, 0 to go on the usual
	 * ways, -1 after printing why it failed. */
	int (*finder)(void *ctx, const char *file, const struct lg_image *img,
		      uint64_t *page_addr);
	void *finder_ctx;
	enum lg_era era; /* --era, or LG_ERA_AUTO: lg_era_detect() on the page */
};

struct lgt_located {
	struct lg_image *img;
	struct lg_layout l;          /* mem and pfn_limit from the note when there is one */
	enum lg_page_source src;
	bool inferred;               /* the raw file's base was inferred from its rings */
	const char *page_source;     /* for people: how the page was found */
	char inference[600];         /* inferred: "base 0x… inferred from the rings: 5 of 6 agree …" */
	char source_buf[700];
	int spool_fd;                /* the copy of a stream, or -1 */
	char spool_path[32];         /* /proc/self/fd/N: the copy, opened again */
};

/* Open path.  Messages name o->iopts.name when it is set (a printable copy), else path.
 * Returns 0, or -1 after printing "PROG: …" on stderr (nothing to free then). */
int lgt_open_layout(const char *prog, const char *path, const struct lgt_locate_opts *o,
		    struct lgt_located *out);
void lgt_located_free(struct lgt_located *lo);

#endif
