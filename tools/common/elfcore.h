/* SPDX-License-Identifier: MIT */
/* elfcore.h — the ELF header of a little-endian core file: lglaunch --dump writes one; the
 * test cores of tests/dumps/mkcore start from the same header and then break it. */
#ifndef LGKIT_TOOLS_ELFCORE_H
#define LGKIT_TOOLS_ELFCORE_H

#include <elf.h>
#include <stdint.h>

/* e_ident of class cls (ELFCLASS32 or ELFCLASS64), little-endian, the current version. */
void lgt_elf_ident(unsigned char ident[EI_NIDENT], unsigned char cls);

/* An x86-64 core's header: ET_CORE, phnum program headers right after it, no sections. */
void lgt_elf64_core_header(Elf64_Ehdr *eh, uint16_t phnum);

#endif
