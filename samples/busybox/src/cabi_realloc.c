/* The allocator export the WASI 0.2 build (busybox.component.wasm) needs.
 *
 * The preview1 command adapter keeps its state and stack in this module's
 * memory. Without this export, wit-component gives it pages by memory.grow,
 * and wasi-libc's malloc (dlmalloc over sbrk) assumes each sbrk continues its
 * heap: its next large block spans the adapter's pages, and filling it
 * corrupts the adapter's state (the next WASI call traps with "assertion
 * failed at adapter line ..."; stress --grow-mib showed it). Allocating
 * through malloc keeps one owner of the heap. Preview 1 hosts never call it. */
#include <stdlib.h>

__attribute__((export_name("cabi_realloc")))
void *cabi_realloc(void *ptr, size_t old_size, size_t align, size_t new_size) {
  (void)old_size;
  (void)align; /* malloc's alignment covers the canonical ABI's largest (8) */
  void *result = realloc(ptr, new_size);
  if (!result && new_size > 0) __builtin_trap();
  return result;
}
