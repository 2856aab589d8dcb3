/* SPDX-License-Identifier: MIT */
/* specdiag.h — a spec's problems and the findings of its layout as compilers print
 * theirs, so editors' problem matchers (gcc's) take them:
 *   FILE:LINE:COL: error: .json.path: message
 * Findings add the guest address and the check's name:
 *   FILE:LINE:COL: error: .devices[0].queues[0].irq: irq 0 … (at 0x2000007) [vq_irq_zero] */
#ifndef LGKIT_TOOLS_SPECDIAG_H
#define LGKIT_TOOLS_SPECDIAG_H

#include <stdio.h>

#include "common.h"
#include "lgkit/spec.h"

/* At most this many problems of one spec are printed; a last line counts the rest. */
#define LGT_SPEC_MAX_SHOWN 20

struct lgt_spec_report {
	FILE *out;
	const char *file; /* as shown */
	bool color;
	unsigned shown, more;
	unsigned more_line, more_col; /* the first problem not shown */
};

/* An lg_spec_sink_fn for lg_spec_load_each(): ctx is a struct lgt_spec_report. */
int lgt_spec_sink(void *ctx, const struct lg_spec_diag *d);
/* After loading: "FILE:LINE:COL: error: N more errors not shown, the first here". */
void lgt_spec_report_end(struct lgt_spec_report *r);

/* One line per finding of fs, at the place of the spec text[0..len) it is about; lgcheck's
 * shape (lgt_print_findings) when the text cannot be mapped (out of memory). */
void lgt_print_spec_findings(FILE *out, const char *file, const char *text, size_t len,
			     const struct lgt_findings *fs, bool color);

#endif
