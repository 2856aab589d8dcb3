/* SPDX-License-Identifier: MIT */
/* lgkit/emit.h — the layout model to bytes: the descriptor page, the device area (page and
 * ring pages up to the pfn limit) and a whole raw guest memory image, laid out as the real
 * lguest Launcher laid them out (docs/abi.md §2, §3, §4).
 *
 * Promise: nothing here prints, exits or allocates; the bytes come from the devices of the
 * model (struct lg_device), never from a stale copy.
 */
#ifndef LGKIT_EMIT_H
#define LGKIT_EMIT_H

#include "lgkit/lgkit.h"

#ifdef __cplusplus
extern "C" {
#endif

enum lg_emit_kind {
	LG_EMIT_PAGE = 1,  /* the 4096-byte descriptor page */
	LG_EMIT_AREA = 2,  /* page_addr .. pfn_limit*4096: the page, then zeroed ring pages */
	LG_EMIT_IMAGE = 3, /* 0 .. pfn_limit*4096: zero page, command line, RAM, the area */
};

/* Lay the devices of l out in its page, back to back from offset 0 as the Launcher did:
 * sets every device's offset, vqs_present = num_vq and truncated = false; fills l->page
 * (zero after the last descriptor), page_len = 4096, end, terminated (false only when the
 * descriptors fill the page exactly) and overflowed = false.
 * Errors: LG_ERR_PARAM; LG_ERR_LAYOUT when the descriptors need more than 4096 bytes (l is
 * left unchanged then). */
int lg_layout_pack(struct lg_layout *l);

/* Where the device area ends: pfn_limit*4096 when the pfn limit is known, else the end of
 * the page or of the highest ring (rounded up to whole pages), whichever is higher — the
 * Launcher's guest_limit. */
uint64_t lg_layout_area_end(const struct lg_layout *l);

/* Bytes of the output of kind.  Errors: LG_ERR_PARAM (unknown kind; for LG_EMIT_AREA and
 * LG_EMIT_IMAGE an area that ends before the page does; for LG_EMIT_IMAGE a page that is
 * not at mem, or mem below 0x2000), LG_ERR_OVERFLOW. */
int lg_emit_size(const struct lg_layout *l, enum lg_emit_kind kind, uint64_t *size);

/* Receives the non-zero parts of an output, in increasing offset order; every byte not
 * delivered is zero.  Return < 0 to stop: lg_emit() returns that value. */
typedef int (*lg_emit_fn)(void *ctx, uint64_t offset, const uint8_t *bytes, size_t len);

/* Produce the output of kind.  cmdline (image only; NULL = "") is written NUL-terminated at
 * guest-physical 0x1000, as the Launcher did.  Errors: those of lg_emit_size(); LG_ERR_LAYOUT
 * when the descriptors do not fit the page; LG_ERR_PARAM when the command line does not fit
 * below mem; whatever fn returns. */
int lg_emit(const struct lg_layout *l, enum lg_emit_kind kind, const char *cmdline,
	    lg_emit_fn fn, void *ctx);

/* The zero page the Launcher wrote at guest-physical 0 for RAM of mem bytes (the command
 * line pointer is 0x1000; the command line itself is the caller's). */
void lg_emit_zero_page(uint8_t zp[LG_PAGE_SIZE], uint64_t mem);

/* lg_emit() into a caller's buffer of exactly lg_emit_size() bytes (zeroed first).
 * Errors: those of lg_emit(); LG_ERR_PARAM when len is not the output's size. */
int lg_emit_buf(const struct lg_layout *l, enum lg_emit_kind kind, const char *cmdline,
		uint8_t *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
