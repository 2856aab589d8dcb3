/* SPDX-License-Identifier: MIT */
/* specdiag.c — spec problems and layout findings in the shape of compiler diagnostics
 * (specdiag.h). */
#include "specdiag.h"

static void line(FILE *out, const char *file, unsigned ln, unsigned col, enum lg_severity sev,
		 bool color, const char *path, const char *msg)
{
	fprintf(out, "%s:%u:%u: %s%s%s: %s%s%s\n", file, ln, col, color ? lgt_sev_color(sev) : "",
		lg_severity_name(sev), color ? "\033[0m" : "", path, path[0] ? ": " : "", msg);
}

int lgt_spec_sink(void *ctx, const struct lg_spec_diag *d)
{
	struct lgt_spec_report *r = ctx;
	if (r->shown < LGT_SPEC_MAX_SHOWN) {
		line(r->out, r->file, d->line, d->col, LG_SEV_ERROR, r->color, d->path, d->msg);
		r->shown++;
	} else if (r->more++ == 0) {
		r->more_line = d->line;
		r->more_col = d->col;
	}
	return 0;
}

void lgt_spec_report_end(struct lgt_spec_report *r)
{
	if (!r->more)
		return;
	char msg[96];
	snprintf(msg, sizeof msg, "%u more error%s not shown, the first here", r->more,
		 r->more == 1 ? "" : "s");
	line(r->out, r->file, r->more_line, r->more_col, LG_SEV_ERROR, r->color, "", msg);
}

void lgt_print_spec_findings(FILE *out, const char *file, const char *text, size_t len,
			     const struct lgt_findings *fs, bool color)
{
	struct lg_spec_map *m = NULL;
	if (fs->n && lg_spec_map_new(text, len, &m) < 0) {
		lgt_print_findings(out, file, fs, color);
		return;
	}
	for (size_t i = 0; i < fs->n; i++) {
		const struct lg_finding *f = &fs->f[i];
		struct lg_spec_pos pos = {0, 0, ""};
		lg_spec_map_find(m, f->path, &pos);
		char msg[sizeof f->msg + 96];
		snprintf(msg, sizeof msg, "%s (at %#llx) [%s]", f->msg, (unsigned long long)f->addr,
			 f->name);
		line(out, file, pos.line, pos.col, f->severity, color, pos.path, msg);
	}
	lg_spec_map_free(m);
}
