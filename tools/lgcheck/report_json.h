/* report_json.h — lgcheck's JSON and SARIF reports (schemas/lgcheck-report.schema.json). */
#ifndef LGCHECK_REPORT_JSON_H
#define LGCHECK_REPORT_JSON_H

#include "common.h"

struct lgc_run {
	const char *file;
	const char *image_kind;
	const char *page_source;
	const struct lg_layout *layout;
	const struct lgt_findings *findings;
	const struct lg_check_stats *stats;
};

/* Returns 0, or -1 when out of memory. */
int lgc_print_json(FILE *out, const struct lgc_run *r);
int lgc_print_sarif(FILE *out, const struct lgc_run *r);

#endif
