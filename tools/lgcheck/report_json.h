/* SPDX-License-Identifier: MIT */
/* report_json.h — lgcheck's JSON and SARIF reports (schemas/lgcheck-report.schema.json). */
#ifndef LGCHECK_REPORT_JSON_H
#define LGCHECK_REPORT_JSON_H

#include "common.h"
#include "lgkit/scan.h"

/* --scan lists at most this many candidates. */
#define LGC_SCAN_MAX 10

struct lgc_run {
	const char *file;
	const char *image_kind;
	const char *page_source;
	const struct lg_layout *layout;
	const struct lgt_findings *findings;
	const struct lg_check_stats *stats;
	const struct lg_image *img;             /* for ring state; may be NULL */
	const struct lg_scan_candidate *scan;   /* --scan: best first, or NULL */
	size_t nscan;                           /* plausible pages found (may exceed LGC_SCAN_MAX) */
};

/* Returns 0, or -1 when out of memory. */
int lgc_print_json(FILE *out, const struct lgc_run *r);
int lgc_print_sarif(FILE *out, const struct lgc_run *r);

#endif
