// glibc's malloc_trim (malloc.h is not part of Swift's Glibc module); fcb hands freed heap
// back to the system after a spike of request bodies (docs/serve.md#listener-limits).
#if __has_include(<malloc.h>)
#include <malloc.h>
#define FCB_HAS_MALLOC_TRIM 1
#endif
