/* SPDX-License-Identifier: MIT */
/* lgkit/wire.h — the lguest (era E2) wire format: sizes, offsets and little-endian loads.
 *
 * Every constant here is stated in docs/abi.md (Linux 2.6.25 … 3.19 lguest_launcher.h,
 * virtio_ring.h, bootparam.h).  Input bytes are only ever read through the lg_le*()
 * loads below, never by casting a pointer into a dump.
 */
#ifndef LGKIT_WIRE_H
#define LGKIT_WIRE_H

#include <stdint.h>
#include <stddef.h>

#define LG_PAGE_SIZE 4096u
#define LG_PAGE_SHIFT 12u
#define LG_VRING_ALIGN 4096u /* LGUEST_VRING_ALIGN */

/* struct lguest_device_desc: 5 bytes, all u8. */
#define LG_DESC_TYPE 0u
#define LG_DESC_NUM_VQ 1u
#define LG_DESC_FEATURE_LEN 2u
#define LG_DESC_CONFIG_LEN 3u
#define LG_DESC_STATUS 4u
#define LG_DESC_HDR_SIZE 5u

/* struct lguest_vqconfig: 8 bytes, unaligned inside the page. */
#define LG_VQC_NUM 0u
#define LG_VQC_IRQ 2u
#define LG_VQC_PFN 4u
#define LG_VQC_SIZE 8u

/* virtio device ids the lguest Launchers created (VIRTIO_ID_*). */
#define LG_TYPE_NET 1u
#define LG_TYPE_BLOCK 2u
#define LG_TYPE_CONSOLE 3u
#define LG_TYPE_RNG 4u

/* Status bits (VIRTIO_CONFIG_S_*). */
#define LG_S_ACKNOWLEDGE 0x01u
#define LG_S_DRIVER 0x02u
#define LG_S_DRIVER_OK 0x04u
#define LG_S_FEATURES_OK 0x08u /* virtio 1.0 only: never valid on the lguest bus */
#define LG_S_NEEDS_RESET 0x40u /* virtio 1.0 only */
#define LG_S_FAILED 0x80u
#define LG_S_VALID_MASK (LG_S_ACKNOWLEDGE | LG_S_DRIVER | LG_S_DRIVER_OK | LG_S_FAILED)

/* Interrupts: 0 is the timer, the Host accepts irq < LGUEST_IRQS. */
#define LG_IRQS 32u
/* Largest legal ring size (u16 free-running indices). */
#define LG_VQ_NUM_MAX 32768u

/* Legacy split ring (struct vring_desc 16 bytes; avail and used headers 4 bytes). */
#define LG_VRING_DESC_SIZE 16u
#define LG_VRING_DESC_ADDR 0u
#define LG_VRING_DESC_LEN 8u
#define LG_VRING_DESC_FLAGS 12u
#define LG_VRING_DESC_NEXT 14u
#define LG_VRING_DESC_F_NEXT 1u
#define LG_VRING_DESC_F_WRITE 2u
#define LG_VRING_DESC_F_INDIRECT 4u
#define LG_VRING_AVAIL_F_NO_INTERRUPT 1u
#define LG_VRING_USED_F_NO_NOTIFY 1u
#define LG_VRING_USED_ELEM_SIZE 8u

/* Transport feature bits. */
#define LG_F_NOTIFY_ON_EMPTY 24u
#define LG_F_ANY_LAYOUT 27u
#define LG_F_RING_INDIRECT_DESC 28u
#define LG_F_RING_EVENT_IDX 29u

/* Zero page (struct boot_params) fields the Launcher writes (docs/abi.md §4). */
#define LG_BP_E820_ENTRIES 0x1E8u
#define LG_BP_HDR_VERSION 0x206u
#define LG_BP_TYPE_OF_LOADER 0x210u
#define LG_BP_LOADFLAGS 0x211u
#define LG_BP_CMD_LINE_PTR 0x228u
#define LG_BP_KERNEL_ALIGNMENT 0x230u
#define LG_BP_HARDWARE_SUBARCH 0x23Cu
#define LG_BP_E820_MAP 0x2D0u
#define LG_BP_E820_ENTRY_SIZE 20u
#define LG_BP_E820_MAX 128u
#define LG_E820_RAM 1u
#define LG_BOOT_CMDLINE_ADDR 0x1000u
#define LG_SUBARCH_LGUEST 1u

/* The Launcher's device area: 256 pages above RAM. */
#define LG_DEVICE_PAGES 256u

static inline uint16_t lg_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}

static inline uint32_t lg_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t lg_le64(const uint8_t *p)
{
	return (uint64_t)lg_le32(p) | (uint64_t)lg_le32(p + 4) << 32;
}

static inline void lg_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void lg_put32(uint8_t *p, uint32_t v)
{
	lg_put16(p, (uint16_t)v);
	lg_put16(p + 2, (uint16_t)(v >> 16));
}

static inline void lg_put64(uint8_t *p, uint64_t v)
{
	lg_put32(p, (uint32_t)v);
	lg_put32(p + 4, (uint32_t)(v >> 32));
}

#endif
