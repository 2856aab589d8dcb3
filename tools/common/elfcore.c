/* SPDX-License-Identifier: MIT */
/* elfcore.c — the ELF header of a little-endian core file (elfcore.h). */
#include <string.h>

#include "elfcore.h"

void lgt_elf_ident(unsigned char ident[EI_NIDENT], unsigned char cls)
{
	memset(ident, 0, EI_NIDENT);
	ident[EI_MAG0] = ELFMAG0;
	ident[EI_MAG1] = ELFMAG1;
	ident[EI_MAG2] = ELFMAG2;
	ident[EI_MAG3] = ELFMAG3;
	ident[EI_CLASS] = cls;
	ident[EI_DATA] = ELFDATA2LSB;
	ident[EI_VERSION] = EV_CURRENT;
}

void lgt_elf64_core_header(Elf64_Ehdr *eh, uint16_t phnum)
{
	memset(eh, 0, sizeof *eh);
	lgt_elf_ident(eh->e_ident, ELFCLASS64);
	eh->e_type = ET_CORE;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof *eh;
	eh->e_ehsize = sizeof *eh;
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = phnum;
}
