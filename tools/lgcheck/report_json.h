/* SPDX-License-Identifier: MIT */
/* report_json.h — lgcheck's JSON and SARIF reports (schemas/lgcheck-report.schema.json). */
#ifndef LGCHECK_REPORT_JSON_H
#define LGCHECK_REPORT_JSON_H

#include "common.h"
#include "lgkit/ring.h"
#include "lgkit/scan.h"

/* --scan lists at most this many candidates. */
#define LGC_SCAN_MAX 10

struct lgc_run {
	const char *file;                       /* the name as JSON shows it (valid UTF-8) */
	const char *path;                       /* the operand as given, for SARIF URIs */
	const char *image_kind;
	const char *page_source;
	const struct lg_layout *layout;
	const struct lgt_findings *findings;
	const struct lg_check_stats *stats;
	const struct lg_image *img;             /* for ring state and file offsets; may be NULL */
	const struct lg_scan_candidate *scan;   /* --scan: best first, or NULL */
	size_t nscan;                           /* plausible pages found (may exceed LGC_SCAN_MAX) */
};

/* One ring as both reports (text --layout and JSON) show it: its state read from the
 * image and its outstanding chains walked. */
struct lgc_ring {
	int rc;                  /* lg_ring_read(): 0, or why the ring could not be read */
	struct lg_ring_state rs;
	struct lg_chain *ch;     /* the outstanding chains, or NULL */
	int n;                   /* chains walked, or the LG_ERR_* that stopped the walk; 0 when
				  * none are pending or more than num (the window means nothing) */
};
/* Read vq[q] of device d of l from img (may be NULL: rc is then LG_ERR_PARAM). */
void lgc_ring_load(const struct lg_image *img, const struct lg_layout *l, size_t d, unsigned q,
		   struct lgc_ring *r);
void lgc_ring_free(struct lgc_ring *r);

/* One report over every FILE of a call: JSON, one object per file (the object alone when
 * the call named one FILE); SARIF, one run with every file's results. */
struct lgc_report;
struct lgc_report *lgc_report_new(enum lgt_format fmt); /* NULL: out of memory */
/* A file that was checked.  Everything r points to may be freed once this returns. */
int lgc_report_add(struct lgc_report *rep, const struct lgc_run *r);
/* A file that could not be checked: msg says why (JSON "error", a SARIF notification). */
int lgc_report_fail(struct lgc_report *rep, const char *file, const char *path, const char *msg);
/* Print the report; exit_code is the tool's (SARIF invocations[0].exitCode).  Returns 0,
 * or -1 when out of memory. */
int lgc_report_print(FILE *out, struct lgc_report *rep, bool many, int exit_code);
void lgc_report_free(struct lgc_report *rep);

#endif
