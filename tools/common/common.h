/* SPDX-License-Identifier: MIT */
/* common.h — what the lgkit tools share: option values, -W/-E options, the finding
 * collector and the one diagnostic format (text, json, sarif). */
#ifndef LGKIT_TOOLS_COMMON_H
#define LGKIT_TOOLS_COMMON_H

#include <stdio.h>

#include "lgkit/lgkit.h"

/* Option values, each printing "PROG: OPT 'ARG': expected …" on stderr and returning -1
 * when ARG is not what the option takes. */
/* A SIZE: lg_parse_size(), the rule a spec's sizes follow too. */
int lgt_opt_size(const char *prog, const char *opt, const char *arg, uint64_t *out);
int lgt_opt_page_addr(const char *prog, const char *arg, uint64_t *out); /* 4096-aligned */
int lgt_opt_color(const char *prog, const char *arg, int *color); /* auto -1, never 0, always 1 */
/* --era e0|e1|e2 (prints the error itself). */
int lgt_opt_era(const char *prog, const char *arg, enum lg_era *era);

/* The one operand left after getopt (argv[next]), or NULL after printing why and the
 * usage on stderr. */
const char *lgt_one_input(const char *prog, int argc, char **argv, int next,
			  void (*usage)(FILE *));

/* Apply "-W name", "-W no-name" or "-E name" to cfg; returns 0 or -1 with a message
 * on stderr naming the unknown check. */
int lgt_apply_flag(struct lg_check_config *cfg, char opt, const char *arg, const char *prog);

/* Every named check, a line each (text) or as a JSON array; -1 when out of memory. */
int lgt_list_checks(FILE *out, bool json);
/* After getopt reported a wrong option: one line pointing at --help. */
void lgt_try_help(const char *prog);

/* The options every tool that checks a layout (lgcheck, lggen) takes the same way:
 * --base, --page-addr, --raw, --color, --list-checks, -W, -E, -q, -h, -V.  A tool lists
 * LGT_CHECK_LONGOPTS in its long options, numbers its own from LGT_OPT_TOOL, and hands
 * every getopt_long() result it does not know to lgt_check_option(). */
enum { LGT_OPT_BASE = 0x100, LGT_OPT_PAGE_ADDR, LGT_OPT_RAW, LGT_OPT_COLOR, LGT_OPT_LIST,
       LGT_OPT_TOOL };
#define LGT_CHECK_LONGOPTS                                                                      \
	{"base", required_argument, NULL, LGT_OPT_BASE},                                         \
	{"page-addr", required_argument, NULL, LGT_OPT_PAGE_ADDR},                               \
	{"raw", no_argument, NULL, LGT_OPT_RAW},                                                 \
	{"color", required_argument, NULL, LGT_OPT_COLOR},                                       \
	{"colour", required_argument, NULL, LGT_OPT_COLOR},                                      \
	{"list-checks", no_argument, NULL, LGT_OPT_LIST},                                        \
	{"quiet", no_argument, NULL, 'q'},                                                       \
	{"help", no_argument, NULL, 'h'},                                                        \
	{"version", no_argument, NULL, 'V'}

struct lgt_locate_opts;
struct lgt_check_cli {
	const char *prog;             /* names the tool in messages and --version */
	void (*usage)(FILE *);        /* -h prints it on stdout */
	struct lg_check_config *cfg;  /* -W, -E (through lgt_apply_flag) */
	struct lgt_locate_opts *lo;   /* --base, --page-addr, --raw */
	int color;                    /* --color: -1 auto (set it before), 0 never, 1 always */
	bool quiet;                   /* -q */
	bool list;                    /* --list-checks: the tool lists them once its format is known */
};
/* Take option c (what getopt_long() returned, arg its optarg) into cli.  Returns -1 when
 * taken; else the tool's exit status: 0 after -h or -V, 2 after printing why (a bad value,
 * or an option getopt refused: then a line pointing at --help). */
int lgt_check_option(struct lgt_check_cli *cli, int c, const char *arg);

struct lgt_findings {
	struct lg_finding *f;
	size_t n, cap;
	bool nomem;
};
int lgt_collect(void *ctx, const struct lg_finding *f); /* an lg_sink_fn */
void lgt_findings_free(struct lgt_findings *fs);

enum lgt_format { LGT_TEXT, LGT_JSON, LGT_SARIF };
int lgt_parse_format(const char *s, enum lgt_format *out);

/* Colour when out is a terminal, TERM is not dumb and NO_COLOR is unset or empty. */
bool lgt_use_color(FILE *out);

/* The escape sequence that colours a severity's name (ended by "\033[0m"). */
const char *lgt_sev_color(enum lg_severity sev);
/* FILE:0xADDR: error (check): where: message — one line per finding. */
void lgt_print_findings(FILE *out, const char *file, const struct lgt_findings *fs, bool color);
/* "FILE: 2 errors, 1 warning, 0 notes" */
void lgt_print_summary(FILE *out, const char *file, const struct lg_check_stats *st);

/* Print the decoded layout for people. */
void lgt_print_layout(FILE *out, const struct lg_layout *l);

/* A file name as it may be shown (caller frees; never NULL): _text escapes control
 * characters, invalid UTF-8 and backslashes as \xNN and \\ (one printable line); _json
 * replaces invalid UTF-8 with U+FFFD (JSON text must be UTF-8). */
char *lgt_name_text(const char *name);
char *lgt_name_json(const char *name);

/* Lowercase hex of len bytes into a new string (caller frees). */
char *lgt_hex(const uint8_t *p, size_t len);

/* Print "PROG: MESSAGE" on stderr and keep MESSAGE as the last failure, so that a report
 * (lgcheck --format json|sarif) can name why a file could not be checked. */
void lgt_errorf(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The last message lgt_errorf printed ("" after lgt_clear_error or none yet). */
const char *lgt_last_error(void);
void lgt_clear_error(void);

/* The path to open for an input operand: "-" is standard input ("/dev/stdin"). */
const char *lgt_input_path(const char *arg);

/* From now on, a SIGBUS from reading img (its file shrank while mapped: re-written in
 * place) ends the tool with exit 2 and "PROG: NAME: the file shrank while it was read: …"
 * naming the file offset, after removing a half-written output (output.h).  One image
 * at a time: a later call replaces the earlier. */
void lgt_guard_mapped_reads(const char *prog, const char *name, const struct lg_image *img);

#endif
