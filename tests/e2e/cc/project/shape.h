/* shape.h - the shared library libshape.so of the test project. */
int shape_sides(int kind);
