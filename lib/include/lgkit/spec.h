/* SPDX-License-Identifier: MIT */
/* lgkit/spec.h — JSON layout specs (docs/spec.md, schemas/layout.schema.json) to the layout
 * model, and the model back to a fully explicit spec.
 *
 * Promise: nothing here prints or exits, and the loader trusts nothing in its input: any
 * bytes give either a layout or messages naming the line, column and JSON path of each
 * problem (such as .devices[2].queues[0].num) and what was expected.  A loaded layout is
 * packed (lg_layout_pack): its page bytes, offsets and pfn limit are set, ready for
 * lg_check_layout() and lg_emit().
 */
#ifndef LGKIT_SPEC_H
#define LGKIT_SPEC_H

#include "lgkit/lgkit.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Accept every value the wire fields can hold (a ring size of 0 or 300, …) so that bad
 * layouts can be built on purpose; the named checks then report them.  Without it the
 * loader insists on ring sizes that are powers of two from 1 to 32768. */
#define LG_SPEC_LAX 0x1u

struct lg_spec_opts {
	unsigned flags;  /* LG_SPEC_* */
	uint64_t mem;    /* when non-zero: overrides (or stands in for) the spec's "mem" */
};

/* Largest spec text the loader takes (a real spec is a few kilobytes). */
#define LG_SPEC_MAX_SIZE (16u << 20)

/* Parse len bytes of JSON (no NUL needed) named name (for messages; NULL = "spec") into
 * *out, which must be released with lg_layout_free() on success; on failure *out holds
 * nothing to free.  opts may be NULL.
 * err->msg is the first problem (lg_spec_load_each() gives them all) as a compiler prints
 * it: "NAME:LINE:COL: error: .path: expected …, got …" (no ".path: " for a syntax error).
 * Errors: LG_ERR_SYNTAX (empty, not JSON, trailing text), LG_ERR_SPEC (valid JSON that is
 * not a valid spec), LG_ERR_NOMEM, LG_ERR_PARAM. */
int lg_spec_load(const char *text, size_t len, const char *name, const struct lg_spec_opts *opts,
		 struct lg_layout *out, struct lg_error *err);

/* Parse a size or address as a spec's size fields and the tools' SIZE options take it:
 * decimal or 0x hex digits (a leading 0 is not octal), then optionally one of K, M, G
 * (either case: times 2^10, 2^20, 2^30), which "B" or "iB" may follow ("32M", "32MB",
 * "32MiB", "0x2000000", "64k").  Nothing else: no sign, space, "b" or other text.
 * Returns 0, or LG_ERR_SPEC for any other text or a value above 2^64 - 1 (*out is left
 * alone then); LG_ERR_PARAM. */
int lg_parse_size(const char *s, uint64_t *out);

/* One problem in a spec, and where it is. */
struct lg_spec_diag {
	int code;           /* LG_ERR_SYNTAX, LG_ERR_SPEC, LG_ERR_NOMEM, LG_ERR_PARAM */
	unsigned line, col; /* from 1; the column counts characters (a tab as one); 1:1 for a
			     * problem of the whole text (empty, too large) */
	char path[192];     /* the value at fault: ".devices[2].queues[0].num", "." for the top
			     * object; "" for a syntax error or a problem of the whole text */
	char msg[400];      /* what was expected and what was found; no name, position or path */
};

/* Called once per problem, in document order, except that an object's missing keys come
 * after its members (an unknown key often says why) and problems of the layout as a whole
 * (page_addr below mem, rings and irqs that overflow) after those of single values.
 * Return non-zero to stop loading. */
typedef int (*lg_spec_sink_fn)(void *ctx, const struct lg_spec_diag *d);

/* As lg_spec_load(), but give every problem the loader finds to sink (which may be NULL),
 * not only the first.  The loader goes on past a bad value to the next one; what depends
 * on a refused value is not judged (the feature names and config fields of a device whose
 * type is refused; the allocation of rings and irqs when anything is refused).  Returns 0
 * or the code of the first problem. */
int lg_spec_load_each(const char *text, size_t len, const struct lg_spec_opts *opts,
		      struct lg_layout *out, lg_spec_sink_fn sink, void *ctx);

/* Where the named checks' findings are in a spec: parse text once, then look up places. */
struct lg_spec_map;

struct lg_spec_pos {
	unsigned line, col; /* as in struct lg_spec_diag */
	char path[192];     /* the spec's value: ".devices[0].queues[1].irq", or the nearest
			     * one the spec writes (".devices[0].queues[1]" when irq is left to
			     * the loader), "." for the page as a whole */
};

/* *out for lg_spec_map_free().  Errors: LG_ERR_SYNTAX (text is not JSON, or cJSON ran out
 * of memory), LG_ERR_SPEC (larger than LG_SPEC_MAX_SIZE), LG_ERR_NOMEM, LG_ERR_PARAM. */
int lg_spec_map_new(const char *text, size_t len, struct lg_spec_map **out);
/* Where the spec says what a finding's path (struct lg_finding.path: "device[2].vq[1].irq",
 * "device[0].status", "page") is about: the key's value, else the queue or device object
 * that holds it, else the top object. */
void lg_spec_map_find(const struct lg_spec_map *m, const char *place, struct lg_spec_pos *pos);
void lg_spec_map_free(struct lg_spec_map *m);

/* Write l as a fully explicit spec: every queue's irq and pfn, feature_len, config_len,
 * the pfn limit when known, and config as typed fields when they give back exactly the
 * same bytes (else as hex).  *json is a NUL-terminated string for free().
 * Errors: LG_ERR_LAYOUT when the loader would not take the spec back: a descriptor that
 * crosses the page end, mem 0 or not page aligned, a page below mem, a pfn limit that
 * does not pass the page;
 * LG_ERR_NOMEM, LG_ERR_PARAM. */
int lg_spec_dump(const struct lg_layout *l, char **json);

/* Whether lg_spec_dump() would write l: 0, or LG_ERR_LAYOUT with err (may be NULL) saying
 * which value the loader would not take back, and why.  LG_ERR_PARAM. */
int lg_spec_dumpable(const struct lg_layout *l, struct lg_error *err);

/* True when a and b describe the same layout: era (and early_e2), mem, page address, pfn
 * limit, and every device's header, virtqueues, feature and config bytes (E0: the slot's
 * values and the device memory kept). */
bool lg_layout_same(const struct lg_layout *a, const struct lg_layout *b);

#ifdef __cplusplus
}
#endif

#endif
