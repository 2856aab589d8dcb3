/* SPDX-License-Identifier: MIT */
/* check_rows.h — the check table's own columns as text (scope, eras, run function), which a
 * program does not see through lg_check_info(): for the programs that read the table
 * itself, docs/gen_checks_doc.c (docs/checks.md) and tests/abi/check_table.c. */
#ifndef LGKIT_CHECK_ROWS_H
#define LGKIT_CHECK_ROWS_H

#include "lgkit/lgkit.h"

struct lg_check_row {
	enum lg_check_id id;
	const char *scope, *eras, *run;
};

static const struct lg_check_row lg_check_rows[] = {
#define LG_X_ROW(id, num, name, sect, sev, scope, eras, run, prereq, summary)                   \
	{id, #scope, #eras, #run},
	LG_CHECKS(LG_X_ROW)
#undef LG_X_ROW
};
#define LG_CHECK_NROWS (sizeof lg_check_rows / sizeof lg_check_rows[0])

#endif
