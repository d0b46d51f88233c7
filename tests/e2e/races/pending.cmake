# SPDX-License-Identifier: MIT
# Race cases that fail on known ctrace bugs: not included by
# tests/e2e/CMakeLists.txt. Include it after races/cases.cmake (which
# defines ctrace_race_case) to run them; move each case to cases.cmake once
# its bug is fixed.
#
# 1. clang-built programs (`ctrace cc --cc=clang -g`, DWARF 5): a global's
#    field or array element is not named ("packed+0x1" for packed.value, "fields+0x4" for
#    fields.d, "s16"/"s16+0x8" for s16.a/s16.b, "account+0x8" for
#    account.balance; "buf+0x10" for buf[16]). clang 14 writes a global's DW_AT_location as
#    DW_OP_addrx (an index into .debug_addr); analyzers/symbolize_data.c
#    vars_add_die() only indexes DW_OP_addr, so no variable DIE is found and
#    the ELF symbol plus an offset is printed.
# 2. clang-built programs: no frame of the program has a file or line
#    ("file": null, "line": null). clang does not emit .debug_aranges, and
#    libdw 0.188 (Debian 12) dwfl_module_getsrc/dwfl_module_addrdie then
#    answer "address out of range"; `-gdwarf-aranges` makes them work
#    (ctrace cc could add it for clang, or the symbolizer could find the CU
#    by walking the units' ranges).
foreach(mode struct16 unaligned overlap fields range)
  ctrace_race_case(${mode} clang race.c ${mode} ${mode}.jq)
endforeach()
ctrace_race_case(cxx_member clang race.cpp cxx_member cxx_member.jq)
ctrace_race_case(stack_lines clang race.c size4 stack_lines.jq)
