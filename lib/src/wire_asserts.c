/* SPDX-License-Identifier: MIT */
/* wire_asserts.c — compile-time proof that wire.h's offsets match the C structs of
 * lguest_launcher.h, virtio_ring.h and bootparam.h (declared here, packed as on i386). */
#include <stddef.h>
#include <stdint.h>

#include "lgkit/lgkit.h"

struct w_desc {
	uint8_t type, num_vq, feature_len, config_len, status;
} __attribute__((packed));

struct w_vqconfig {
	uint16_t num, irq;
	uint32_t pfn;
};

struct w_vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct w_used_elem {
	uint32_t id, len;
};

struct w_e820 {
	uint64_t addr, size;
	uint32_t type;
} __attribute__((packed));

_Static_assert(sizeof(struct w_desc) == LG_DESC_HDR_SIZE, "device header is 5 bytes");
_Static_assert(offsetof(struct w_desc, type) == LG_DESC_TYPE, "type");
_Static_assert(offsetof(struct w_desc, num_vq) == LG_DESC_NUM_VQ, "num_vq");
_Static_assert(offsetof(struct w_desc, feature_len) == LG_DESC_FEATURE_LEN, "feature_len");
_Static_assert(offsetof(struct w_desc, config_len) == LG_DESC_CONFIG_LEN, "config_len");
_Static_assert(offsetof(struct w_desc, status) == LG_DESC_STATUS, "status");
_Static_assert(sizeof(struct w_vqconfig) == LG_VQC_SIZE, "vqconfig is 8 bytes");
_Static_assert(offsetof(struct w_vqconfig, num) == LG_VQC_NUM, "num");
_Static_assert(offsetof(struct w_vqconfig, irq) == LG_VQC_IRQ, "irq");
_Static_assert(offsetof(struct w_vqconfig, pfn) == LG_VQC_PFN, "pfn");
_Static_assert(sizeof(struct w_vring_desc) == LG_VRING_DESC_SIZE, "vring_desc is 16 bytes");
_Static_assert(offsetof(struct w_vring_desc, len) == LG_VRING_DESC_LEN, "len");
_Static_assert(offsetof(struct w_vring_desc, flags) == LG_VRING_DESC_FLAGS, "flags");
_Static_assert(offsetof(struct w_vring_desc, next) == LG_VRING_DESC_NEXT, "next");
_Static_assert(sizeof(struct w_used_elem) == LG_VRING_USED_ELEM_SIZE, "used elem is 8 bytes");
_Static_assert(sizeof(struct w_e820) == LG_BP_E820_ENTRY_SIZE, "e820 entry is 20 bytes");
_Static_assert(LG_BP_E820_MAP + LG_BP_E820_MAX * LG_BP_E820_ENTRY_SIZE == 0xCD0,
	       "e820_map ends at 0xcd0 in struct boot_params");
_Static_assert(LG_DESC_HDR_SIZE + 255 * LG_VQC_SIZE + 2 * 255 + 255 == 2810,
	       "largest descriptor");

/* Keep the translation unit non-empty for -Wpedantic. */
extern const int lg_wire_asserts_present;
const int lg_wire_asserts_present = 1;
