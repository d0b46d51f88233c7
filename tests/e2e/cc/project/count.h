/* count.h - a counter under a mutex (static archive libcount.a). */
void count_add(long n);
long count_total(void);
