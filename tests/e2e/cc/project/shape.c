/* SPDX-License-Identifier: MIT */
/* shape.c - the shared library of the test project (instrumented too). */
#include "shape.h"

static const int sides[] = { 3, 4, 5, 6 };

int shape_sides(int kind)
{
	return sides[kind % 4];
}
