/* SPDX-License-Identifier: MIT */
/* lgkit/lgkit.h — liblgkit: images of guest memory, the lguest layout model, named checks.
 *
 * Promise: nothing in this library prints, exits, or trusts its input.  Every function
 * that can fail returns 0 (or a count) on success and a negative LG_ERR_* code on
 * failure.  A function that can fail for a reason the code alone does not tell (which
 * page of a dump would not decompress, which field of a spec is wrong) takes a
 * struct lg_error *err as its last parameter: on failure it receives the code and one
 * sentence naming the place and what was expected.  err may be NULL; there is no other
 * channel (no "last error" to poll afterwards).
 *
 * Threads.  The library has no global mutable state: calls on different objects may run
 * at once.  An image is read-only for its callers, but reading a kdump image decodes
 * pages into a cache kept in the image, so everything that reads through one kdump image
 * (lg_image_read, lg_decode_image*, lg_locate_page, lg_check_layout with that image, the
 * lgkit/ring.h readers, lg_scan*) must run one at a time for that image; raw, ELF and
 * memory images may be read from several threads at once.  lg_scan_threads() gives each
 * of its threads a reader of its own and checks candidates under a lock, so it is safe
 * on any image.  A struct lg_layout and a struct lg_error belong to one thread at a time.
 * failure; where the caller passes a struct lg_error, it receives one sentence naming
 * the place and what was expected.
 *
 * What is stable (liblgkit.so.0, symbol version LGKIT_0.1, while lgkit is 0.x):
 *  - the functions declared in the lgkit/ headers: only those functions are
 *    exported (a version script made from them; test abi.symbols);
 *  - check ids and names: ids are append-only (lgkit/checks.def; test abi.check_ids), so a
 *    program may store or pass them; it learns how many there are from lg_check_count(),
 *    never from a constant it was built with;
 *  - the check configuration is opaque (lg_check_config_new() and friends), so a new check
 *    changes no struct a program allocates (nor does a new device type: types are data);
 *  - structs the library hands out by pointer (lg_check_info) only ever grow at the end;
 *  - error codes, severities, eras and the wire constants keep their values.
 * Structs a program allocates itself (lg_layout, lg_finding, lg_check_stats, lg_error,
 * lg_ring_geom, lg_note, …) are fixed for the LGKIT_0.1 node; changing one is a new node
 * and, once lgkit is 1.0, a new soname.
 */
#ifndef LGKIT_H
#define LGKIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lgkit/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LGKIT_VERSION "0.1.0"

/* The version of the liblgkit this program runs with (LGKIT_VERSION is the one it was
 * built against). */
const char *lgkit_version(void);

/* ---------------------------------------------------------------- errors */

/* X(name, value, text).  Grouped by who is at fault:
 *  -1..-19  the input (a dump, page or spec is malformed),
 *  -20..-39 the caller (bad parameter),
 *  -40..    the environment (I/O, memory) or lgkit itself. */
#define LG_ERRORS(X)                                                                  \
	X(LG_ERR_TRUNCATED, -1, "input is truncated")                                \
	X(LG_ERR_BADFORMAT, -2, "input is malformed")                                \
	X(LG_ERR_UNSUPPORTED, -3, "input kind is not supported")                     \
	X(LG_ERR_NOT_IN_IMAGE, -4, "address is not backed by the image")             \
	X(LG_ERR_OVERFLOW, -5, "address arithmetic overflows")                       \
	X(LG_ERR_NOTFOUND, -6, "descriptor page not found")                          \
	X(LG_ERR_SPEC, -7, "layout spec is invalid")                                 \
	X(LG_ERR_SYNTAX, -8, "JSON syntax error")                                    \
	X(LG_ERR_LAYOUT, -9, "layout has errors")                                    \
	X(LG_ERR_RING, -10, "ring contents break the virtio rules")                  \
	X(LG_ERR_PARAM, -20, "invalid parameter")                                    \
	X(LG_ERR_IO, -40, "input/output error")                                      \
	X(LG_ERR_NOMEM, -41, "out of memory")                                        \
	X(LG_ERR_INTERNAL, -42, "internal error")

enum lg_errcode {
#define LG_X_ENUM(name, value, text) name = value,
	LG_ERRORS(LG_X_ENUM)
#undef LG_X_ENUM
};

/* Text for an LG_ERR_* code; never NULL. */
const char *lg_strerror(int err);

/* A detailed message: filled by functions that take it, on failure. */
struct lg_error {
	int code;
	char msg[512];
};

/* ---------------------------------------------------------------- images */

/* A read-only guest-physical view: ranges backed by file bytes, with holes. */
struct lg_image;

enum lg_image_kind {
	LG_IMAGE_RAW = 1, /* flat file: gpa = base + file offset */
	LG_IMAGE_ELF = 2, /* ELF core: PT_LOAD by p_paddr */
	LG_IMAGE_KDUMP = 3, /* diskdump / kdump-compressed */
	LG_IMAGE_MEMORY = 4, /* a caller's buffer (tests, the launcher's live memory) */
};

struct lg_image_opts {
	bool force_raw; /* treat the file as raw even if it looks like ELF/kdump */
	uint64_t base;  /* raw: guest-physical address of the first byte */
	const char *name; /* the file's name in messages (NULL: the path), e.g. one made printable */
};

/* Open a file as an image, detecting its kind from its content (ELF and kdump when
 * those backends are built in; raw otherwise).  On failure *out is NULL and err
 * (if given) names the file and the problem.
 * Errors: LG_ERR_IO, LG_ERR_TRUNCATED (empty file), LG_ERR_BADFORMAT, LG_ERR_OVERFLOW
 * (base + size wraps), LG_ERR_NOMEM, LG_ERR_PARAM. */
int lg_image_open(const char *path, const struct lg_image_opts *opts, struct lg_image **out,
		  struct lg_error *err);

/* Copy a stream that has no size and cannot be mapped (a pipe, a socket, a character
 * device: /dev/stdin on a pipe, process substitution) from where it is to its end into an
 * unlinked file: O_TMPFILE in $TMPDIR or /tmp, else an anonymous memory file
 * (memfd_create).  A page (4096 bytes from the start) that is all zero is left a hole,
 * so a dump of mostly zeros costs little; memory used is one 1 MiB buffer.  name is for
 * messages.  lg_image_open() does this itself for such a path.  Returns the copy's file
 * descriptor (close-on-exec; the caller closes it), or LG_ERR_IO (a terminal, a read or
 * write error: err says which) or LG_ERR_NOMEM. */
int lg_spool_stream(int fd, const char *name, struct lg_error *err);

/* Wrap a caller's buffer (not copied; it must outlive the image) at gpa base. */
int lg_image_from_memory(const void *buf, size_t len, uint64_t base, struct lg_image **out);

void lg_image_close(struct lg_image *img);

enum lg_image_kind lg_image_kind(const struct lg_image *img);
const char *lg_image_kind_name(enum lg_image_kind kind);

/* Ranges, sorted by guest-physical address and non-overlapping. */
size_t lg_image_range_count(const struct lg_image *img);
int lg_image_range(const struct lg_image *img, size_t i, uint64_t *gpa, uint64_t *len);

/* Copy len bytes at gpa.  Errors: LG_ERR_NOT_IN_IMAGE if any byte is in a hole
 * (nothing is guaranteed about buf then), LG_ERR_OVERFLOW if gpa+len wraps,
 * LG_ERR_BADFORMAT/LG_ERR_TRUNCATED/LG_ERR_NOMEM from backends that decode on demand (a
 * kdump page that does not decompress: err names the page's pfn and its file offset). */
int lg_image_read(const struct lg_image *img, uint64_t gpa, void *buf, size_t len,
		  struct lg_error *err);

/* How many bytes starting at gpa are backed without a hole (0 if gpa is in a hole),
 * saturated at max. */
uint64_t lg_image_backed(const struct lg_image *img, uint64_t gpa, uint64_t max);

/* True when every byte of [gpa, gpa+len) is backed. */
bool lg_image_covers(const struct lg_image *img, uint64_t gpa, uint64_t len);

/* For a caller's SIGBUS handler (a mapped file that shrank while it was read): true and
 * *off set to the file offset when addr lies in the image's mapping of its file.
 * Async-signal-safe: it only compares addresses. */
bool lg_image_map_offset(const struct lg_image *img, const void *addr, uint64_t *off);

/* The lgkit note (written by lglaunch --dump; read from ELF cores). */
struct lg_note {
	uint64_t page_addr; /* guest-physical address of the descriptor page */
	uint64_t mem;       /* top of RAM */
	uint64_t pfn_limit; /* 0 = unknown */
};
#define LG_NOTE_NAME "LGKIT"
#define LG_NOTE_TYPE 0x4c470001u
#define LG_NOTE_VERSION 1u
#define LG_NOTE_DESC_SIZE 32u /* u32 version, u32 reserved, u64 page_addr, mem, pfn_limit */

/* True and *note filled when the image carried an lgkit note. */
bool lg_image_note(const struct lg_image *img, struct lg_note *note);
/* Encode/decode the note's descriptor (LG_NOTE_DESC_SIZE bytes). */
void lg_note_encode(const struct lg_note *note, uint8_t out[LG_NOTE_DESC_SIZE]);
/* The whole ELF note as a core's PT_NOTE holds it: namesz 6, descsz, LG_NOTE_TYPE, the
 * name "LGKIT" with its NUL padded to 8 bytes, then the descriptor (lg_note_encode). */
#define LG_NOTE_SIZE (12u + 8u + LG_NOTE_DESC_SIZE)
void lg_note_record(const struct lg_note *note, uint8_t out[LG_NOTE_SIZE]);
int lg_note_decode(const uint8_t *desc, size_t len, struct lg_note *note);

/* ---------------------------------------------------------------- ring geometry */

struct lg_ring_geom {
	uint64_t desc;  /* guest-physical address of the descriptor table (= pfn << 12) */
	uint64_t avail; /* avail ring */
	uint64_t used;  /* used ring (4096-aligned) */
	uint64_t size;  /* vring_size(num, 4096), with the 3.0+ event fields */
	uint64_t end;   /* desc + size */
	uint64_t pages; /* ceil(size / 4096): what the Launcher allocated */
	uint64_t next;  /* desc + pages * 4096: where the Launcher put the next ring */
};

/* Geometry of a ring of num entries at pfn (docs/abi.md §5); num 0 gives size 0.  The one
 * place ring addresses, sizes and ends are computed (lib/src/geom.c). */
void lg_ring_geom(uint16_t num, uint32_t pfn, struct lg_ring_geom *g);
uint64_t lg_vring_size(uint32_t num);

/* The real Launcher's ring allocator (its add_virtqueue()): each ring takes whole pages
 * (lg_ring_geom's pages) right after the previous ring, the first right after the
 * descriptor page; irqs count up from 1.  The spec loader and lglaunch both place rings
 * with it. */
struct lg_vq_alloc {
	uint64_t next_pfn; /* where the next ring goes */
	uint64_t next_irq; /* the next ring's irq */
};
/* Start with the descriptor page at page_addr (page-aligned). */
void lg_vq_alloc_init(struct lg_vq_alloc *a, uint64_t page_addr);
/* A ring of num entries was placed at pfn with irq (the next ones, or others a spec
 * chose): the next ring goes right after its pages, with the irq after irq. */
void lg_vq_alloc_placed(struct lg_vq_alloc *a, uint16_t num, uint64_t pfn, uint64_t irq);

/* ---------------------------------------------------------------- layout model */

/* Eras of the device page (docs/abi.md §1; lgcheck(1) ERAS).  E0 is 2.6.23's
 * fixed array of 16 twelve-byte slots, E1 2.6.24's type-length-value config, E2 the
 * 5-byte header of 2.6.25 … 3.19.  Every era is decoded into the same model below; what
 * only one era has is kept in lg_e0_slot / lg_e1_desc. */
enum lg_era {
	LG_ERA_AUTO = 0, /* find it from the page: lg_era_detect() */
	LG_ERA_E0 = 1,
	LG_ERA_E1 = 2,
	LG_ERA_E2 = 3,
};
const char *lg_era_name(enum lg_era era);   /* "e0", "e1", "e2"; "auto" */
const char *lg_era_kernel(enum lg_era era); /* "2.6.23", "2.6.24", "2.6.25-3.19"; "" */
int lg_era_lookup(const char *name);        /* "e0"|"e1"|"e2" -> era, or LG_ERR_NOTFOUND */

/* The documented rule (lgcheck(1) ERAS), on a whole page (len >= 4096; a shorter
 * page is E2):
 *  E0 when all 16 twelve-byte slots have a type 0..3, at least one is 1..3, every slot
 *     of type 0 is all zero and bytes 192..4095 are zero;
 *  E1 when at least one 3-byte header {type, config_len, status} is found, every
 *     descriptor's config walks as whole fields {u8 type; u8 len; u8 data[len]} whose
 *     type (without the consumed bit 0x80) is not 0, the list ends with a type-0 byte
 *     and the rest of the page is zero;
 *  E2 otherwise. */
enum lg_era lg_era_detect(const uint8_t *bytes, size_t len);

/* E0 (2.6.23): struct lguest_device_desc {u16 type, features, status, num_pages; u32 pfn}. */
#define LG_E0_SLOTS 16u
#define LG_E0_SLOT_SIZE 12u
#define LG_E0_TYPE 0u
#define LG_E0_FEATURES 2u
#define LG_E0_STATUS 4u
#define LG_E0_NUM_PAGES 6u
#define LG_E0_PFN 8u
#define LG_E0_CONSOLE 1u
#define LG_E0_NET 2u
#define LG_E0_BLOCK 3u
#define LG_E0_F_RANDOMNESS 0x8000u
#define LG_E0_NET_F_NOCSUM 0x4000u
/* Status bits: ACK 1, DRIVER 2, DRIVER_OK 4, REMOVED 8, REMOVED_ACK 16, FAILED 128. */
#define LG_E0_S_VALID_MASK 0x9fu
#define LG_E0_PAGE_HEAD 32u /* bytes of a device's first page kept in the model */
/* struct lguest_block_page: u32 num_sectors at 16; struct lguest_net: 6-byte MAC slots. */
#define LG_E0_BLOCK_NUM_SECTORS 16u

struct lg_e0_slot {
	uint8_t slot;       /* 0..15; the device's irq is slot + 1 */
	uint16_t type;      /* as in the page: 1 console, 2 net, 3 block */
	uint16_t features;  /* 0x8000 RANDOMNESS, 0x4000 NET_NOCSUM, low bits: net peer slot */
	uint16_t status;
	uint16_t num_pages; /* pages of device memory */
	uint32_t pfn;       /* its first page (0 when num_pages is 0) */
	bool page_read;     /* page_head holds the first bytes of the device memory */
	uint8_t page_head[LG_E0_PAGE_HEAD];
};

/* E1 (2.6.24): struct lguest_device_desc {u8 type, config_len, status; u8 config[]},
 * config = fields {u8 type; u8 len; u8 data[len]}. */
#define LG_E1_HDR_SIZE 3u
#define LG_E1_F_VIRTQUEUE 0x02u /* VIRTIO_CONFIG_F_VIRTQUEUE: an 8-byte lguest_vqconfig */
#define LG_E1_F_FEATURES 0x40u  /* VIRTIO_CONFIG_{NET,BLK}_F: a feature bitmap */
#define LG_E1_NET_MAC 0x41u     /* 6 bytes */
#define LG_E1_BLK_CAPACITY 0x41u /* u64 sectors */
#define LG_E1_BLK_SIZE_MAX 0x42u /* u32 */
#define LG_E1_BLK_SEG_MAX 0x43u  /* u32 */
#define LG_E1_CONSUMED 0x80u     /* OR-ed into a field's type by the Guest that read it */
#define LG_E1_MAX_FIELDS 128u

struct lg_e1_field {
	uint8_t off;  /* offset of the field's type byte in config[] */
	uint8_t type; /* as in the page, with the consumed bit */
	uint8_t len;  /* the length byte (0 when the header crosses config_len) */
	bool whole;   /* header and data lie inside config_len */
};

struct lg_e1_desc {
	uint8_t nfields;
	struct lg_e1_field field[LG_E1_MAX_FIELDS];
};

struct lg_vq {
	uint16_t num; /* ring entries */
	uint16_t irq; /* guest interrupt */
	uint32_t pfn; /* page frame of the ring */
};

struct lg_device {
	uint32_t offset; /* byte offset of the descriptor in the page */
	uint32_t size;   /* bytes of the descriptor (E0: 12, E1: 3 + config_len, E2: lg_desc_size) */
	uint8_t type, num_vq, feature_len, config_len, status;
	bool truncated; /* the descriptor crosses the page end (or the image's end);
			   only the vqs/bytes inside are filled, the rest read as 0 */
	uint8_t vqs_present; /* how many vqconfigs lie wholly inside the page */
	struct lg_vq vq[255];
	uint8_t host_features[255];
	uint8_t guest_features[255];
	uint8_t config[255];
	/* Where vqconfig q lies, from the descriptor's start (E2: 5 + 8q; E1: the field's data). */
	uint16_t vq_off[255];
	struct lg_e0_slot e0; /* E0 only: the slot as written (type etc. above are virtio's) */
	struct lg_e1_desc e1; /* E1 only: the fields, in order.  config[] holds the raw TLV bytes */
};

struct lg_layout {
	enum lg_era era;     /* of the decoded page (never LG_ERA_AUTO after decoding) */
	uint64_t page_addr; /* guest-physical address of the descriptor page */
	uint64_t mem;       /* top of RAM (default: page_addr) */
	uint64_t pfn_limit; /* 0 = unknown */
	size_t page_len;    /* bytes of the page that were present (4096 unless truncated) */
	uint8_t page[LG_PAGE_SIZE]; /* the page bytes (zero beyond page_len) */
	size_t ndev;
	struct lg_device *dev; /* ndev entries, page order */
	uint32_t end;          /* offset where the walk stopped (terminator or page end) */
	bool terminated;       /* a type-0 byte ended the walk */
	bool overflowed;       /* the walk stopped at a descriptor crossing the page end */
	/* E2 as the 2.6.25/2.6.26 Launchers wrote it (a spec's "era": "2.6.25"): rings of 128
	 * entries and a 5-word LHREQ_INITIALIZE with the pgdir (lg_emit_lhreq).  Decoding sets
	 * it for an E2 page whose rings (one or more) all have 128 entries. */
	bool early_e2;
};

/* Size of a descriptor: 5 + 8*num_vq + 2*feature_len + config_len. */
uint32_t lg_desc_size(uint8_t num_vq, uint8_t feature_len, uint8_t config_len);

/* Decode page bytes (len may be < 4096 for a truncated page; bytes past 4096 are
 * ignored) at guest-physical page_addr.  Safe for any bytes.  The layout must be
 * released with lg_layout_free().  Errors: LG_ERR_NOMEM, LG_ERR_PARAM. */
int lg_decode_page(const uint8_t *bytes, size_t len, uint64_t page_addr, struct lg_layout *out);

/* Where the stock Launcher put this page, for a raw file whose guest-physical base is not
 * given.  The Launcher allocated the rings one after the other right after the page, in
 * device and queue order (ring k at the page's pfn + 1 + the pages of rings 0..k-1: 3
 * each for num 256), so every ring with a non-zero pfn names a page address; the one most
 * rings name wins.  A ring whose num is not a valid size counts as the pages of the most
 * common valid size (the Launcher gave all its rings one size). */
#define LG_GUESS_LIST 8
struct lg_base_guess {
	uint64_t page_addr; /* what most rings agree on */
	unsigned rings;     /* rings with a non-zero pfn (those that vote) */
	unsigned agree;     /* of which name page_addr */
	unsigned ndisagree; /* the rings listed: those that do not name page_addr, or every
			       voting ring when they do not agree (the first LG_GUESS_LIST) */
	struct {
		size_t d;
		unsigned q;
		uint32_t pfn;
	} disagree[LG_GUESS_LIST];
};
/* Errors: LG_ERR_NOTFOUND when no ring has a pfn (g->rings is 0), or when the rings do
 * not agree: no address is named by more rings than every other, or two or more rings
 * vote and no two agree (g says how they voted; g->page_addr is the best of them). */
int lg_infer_base(const struct lg_layout *l, struct lg_base_guess *g);

/* lg_infer_base()'s address alone. */
int lg_infer_page_addr(const struct lg_layout *l, uint64_t *page_addr);

/* Decode the page at page_addr read through an image.  Errors: LG_ERR_NOMEM, LG_ERR_PARAM
 * and the image's read errors (err names the page that would not decode). */
int lg_decode_image(const struct lg_image *img, uint64_t page_addr, struct lg_layout *out,
		    struct lg_error *err);

/* The same, for a given era or LG_ERA_AUTO (lg_era_detect()).  lg_decode_page() and
 * lg_decode_image() decode E2.  E0: each slot with a type becomes a device (virtio type
 * numbers: net 1, block 2, console 3; no vqs); lg_decode_image_era() also keeps the first
 * LG_E0_PAGE_HEAD bytes of its device memory when the image holds them.  E1: fields of
 * type 2 and length 8 become the vqs, in order; feature_len is 0. */
int lg_decode_page_era(const uint8_t *bytes, size_t len, uint64_t page_addr, enum lg_era era,
		       struct lg_layout *out);
int lg_decode_image_era(const struct lg_image *img, uint64_t page_addr, enum lg_era era,
			struct lg_layout *out, struct lg_error *err);

/* An empty layout (for building one device by device, e.g. from a spec). */
void lg_layout_init(struct lg_layout *l, uint64_t page_addr);
/* Append a zeroed device; returns it or NULL (LG_ERR_NOMEM). */
struct lg_device *lg_layout_add(struct lg_layout *l);
void lg_layout_free(struct lg_layout *l);

/* Feature bit helpers (bit b in byte b/8, mask 1<<(b%8)). */
bool lg_feature_test(const uint8_t *bits, uint8_t len, unsigned bit);
/* The lowest bit set at or above from, or -1: for (int b = lg_feature_next(bits, len, 0);
 * b >= 0; b = lg_feature_next(bits, len, b + 1)) visits every bit set. */
int lg_feature_next(const uint8_t *bits, uint8_t len, unsigned from);

/* ---------------------------------------------------------------- names */

const char *lg_type_name(unsigned type);    /* "net", …; NULL when unknown */
int lg_type_lookup(const char *name);       /* id, or LG_ERR_NOTFOUND */
const char *lg_feature_name(unsigned type, unsigned bit); /* NULL when unknown */
int lg_feature_lookup(unsigned type, const char *name);   /* bit, or LG_ERR_NOTFOUND */

/* Typed config fields of a device type (its virtio_*_config struct), from the library's
 * one device-type table.  Read-only; fields may be appended to the struct in later
 * versions, so never allocate or copy one. */
enum lg_field_kind {
	LG_FIELD_U8 = 1,  /* little-endian unsigned integers */
	LG_FIELD_U16,
	LG_FIELD_U32,
	LG_FIELD_U64,
	LG_FIELD_MAC,     /* 6 bytes, written aa:bb:cc:dd:ee:ff */
	LG_FIELD_BYTES,   /* variable length: runs to the end of the config */
};
struct lg_config_field {
	const char *name;        /* the spec's key: "capacity", "mac", ... */
	unsigned off;            /* byte offset in the device config */
	unsigned size;           /* bytes; 0 for LG_FIELD_BYTES */
	enum lg_field_kind kind;
	const char *unit;        /* printed after the value in summaries ("sectors"), or NULL */
	bool summary;            /* shown in one-line device summaries */
};
/* The i-th field of type's config (offset order), or NULL past the last or for a type
 * without typed fields. */
const struct lg_config_field *lg_config_field(unsigned type, unsigned i);

/* ---------------------------------------------------------------- locating the page */

enum lg_page_source {
	LG_PAGE_FROM_OPTION = 1, /* the caller named it */
	LG_PAGE_FROM_NOTE,       /* the lgkit ELF note */
	LG_PAGE_FROM_E820,       /* the zero page's e820 RAM entry */
	LG_PAGE_FROM_FIRST_BYTE, /* the image's lowest address */
	LG_PAGE_FROM_SCAN,       /* best candidate of a scan */
};
const char *lg_page_source_name(enum lg_page_source src);

/* Find the page: the note, then e820 (when the image covers address 0), then the
 * image's lowest address.  Errors: LG_ERR_NOTFOUND with err naming why. */
int lg_locate_page(const struct lg_image *img, uint64_t *page_addr, enum lg_page_source *src,
		   struct lg_error *err);

/* ---------------------------------------------------------------- checks */

enum lg_severity {
	LG_SEV_OFF = 0,
	LG_SEV_NOTE = 1,
	LG_SEV_WARNING = 2,
	LG_SEV_ERROR = 3,
};
const char *lg_severity_name(enum lg_severity s);

/* The check table (lgkit/checks.def): X(id, number, "name", section, default severity,
 * scope, eras, run, prerequisites, "summary").  Ids are append-only: a check keeps its
 * number for ever, a new one takes the next (see checks.def). */
#include "lgkit/checks.def"

enum lg_check_id {
#define LG_X_CHECK(id, num, name, sect, sev, scope, eras, run, prereq, summary) id = num,
	LG_CHECKS(LG_X_CHECK)
#undef LG_X_CHECK
};

/* How many checks this liblgkit has: ids are 0 .. lg_check_count() - 1.  A program
 * loops to this, not to a count it was built with: a newer liblgkit may have more. */
unsigned lg_check_count(void);

/* Owned by the library, never NULL for a valid id.  Fields are only ever appended. */
struct lg_check_info {
	const char *name;
	char section; /* 'A' page, 'B' virtqueues, 'C' ring state, 'D' eras before E2 */
	enum lg_severity severity; /* the default */
	const char *summary;
};
const struct lg_check_info *lg_check_info(enum lg_check_id id); /* NULL past the end */
int lg_check_lookup(const char *name); /* id or LG_ERR_NOTFOUND */

/* The i-th prerequisite of a check (0, 1, …): a check reports nothing for an item where
 * one of its prerequisites failed.  Returns its id, or LG_ERR_NOTFOUND past the last
 * (LG_ERR_PARAM for an unknown id). */
int lg_check_prereq(enum lg_check_id id, unsigned i);

struct lg_finding {
	enum lg_check_id check;
	const char *name;       /* the check's name */
	enum lg_severity severity;
	uint64_t addr;          /* guest-physical address of the offending field */
	char path[64];          /* "device[2].vq[1].num" */
	char where[64];         /* "device[2] (block) vq[1]" for people */
	char msg[256];          /* names the value seen and the limit broken */
};

/* Return non-zero to stop delivering findings: the checks still run to the end and count
 * what they find in lg_check_stats, but build no more findings (as with a NULL sink). */
typedef int (*lg_sink_fn)(void *ctx, const struct lg_finding *f);

/* Which checks report at what severity, and what the image was meant to hold.  Opaque:
 * it grows with the check table without breaking programs built before. */
struct lg_check_config;

/* A configuration with every check at its default severity; NULL when out of memory.
 * Free it with lg_check_config_free() (NULL is fine). */
struct lg_check_config *lg_check_config_new(void);
void lg_check_config_free(struct lg_check_config *cfg);

/* Set a check's severity (LG_SEV_OFF turns it off).  Set this way (as -W/-E do), the
 * severity applies to every finding of the check, also to those it reports below its
 * default (buf_into_rings on a readable buffer).  Errors: LG_ERR_PARAM (unknown id or
 * severity, NULL cfg). */
int lg_check_config_set(struct lg_check_config *cfg, enum lg_check_id id, enum lg_severity sev);
/* The severity a check reports at (LG_SEV_OFF for an unknown id). */
enum lg_severity lg_check_config_get(const struct lg_check_config *cfg, enum lg_check_id id);
/* The image was expected to hold the rings (a device area or a memory image): a ring it
 * does not hold is ring_in_image, where a bare page only says the rings were not read. */
void lg_check_config_set_image_has_area(struct lg_check_config *cfg, bool has_area);

struct lg_check_stats {
	unsigned errors, warnings, notes;
	bool rings_unchecked; /* the image held only the page: ring contents not read */
	unsigned rings_checked;
};

/* Run the checks of the table over the layout: sections A, B and D, and, when img is
 * given and holds them, the ring-state checks of section C.  Never stops at the first
 * problem, never reads outside img.  cfg NULL means the defaults.  Returns 0;
 * LG_ERR_NOMEM; LG_ERR_PARAM; or the error of a read that failed in an image that decodes
 * on demand (a kdump page under a ring or an indirect table that does not decompress): the
 * findings delivered so far stand, the report is incomplete, and err names the ring being
 * checked and the page. */
int lg_check_layout(const struct lg_layout *l, const struct lg_image *img,
		    const struct lg_check_config *cfg, lg_sink_fn sink, void *ctx,
		    struct lg_check_stats *stats, struct lg_error *err);

#ifdef __cplusplus
}
#endif

#endif
