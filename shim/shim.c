/* SPDX-License-Identifier: MIT */
/* shim.c - (being written) */
int shim_placeholder;
