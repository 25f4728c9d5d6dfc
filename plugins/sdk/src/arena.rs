//! The plugin's memory allocator: a bump arena in the initial memory, with
//! the system allocator behind it.
//!
//! Every call runs in a fresh instance that is thrown away afterwards, so an
//! allocator never needs to give memory back: it only needs to be fast on a
//! cold start and never to grow memory on the hot path. This one hands out
//! memory from a 256 KiB static array (zero `.bss`, part of the instance's
//! initial memory but not of its image, so it costs nothing until touched),
//! rolls back the most recent block when it is freed or grown in place, and
//! passes anything that does not fit to the system allocator (wasi-libc's
//! dlmalloc). Measured on the sample brands: a third fewer instructions per
//! call than dlmalloc alone, and no `memory.grow` (see docs/BENCHMARKS.md).
//!
//! Enabled by the default `arena` feature; a plugin that wants its own
//! `#[global_allocator]` turns default features off.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;

/// Size of the arena.
pub const ARENA_BYTES: usize = 256 << 10;

#[repr(C, align(16))]
struct Arena(UnsafeCell<[u8; ARENA_BYTES]>);

/// Offset of the first free byte of the arena.
struct Cursor(UnsafeCell<usize>);

// SAFETY: the wasm32-wasip2 target has no threads; the statics are only ever
// touched by the one thread of the instance.
unsafe impl Sync for Arena {}
// SAFETY: as above.
unsafe impl Sync for Cursor {}

static ARENA: Arena = Arena(UnsafeCell::new([0; ARENA_BYTES]));
static NEXT: Cursor = Cursor(UnsafeCell::new(0));

/// The arena allocator (see the module documentation).
pub struct ArenaAllocator;

fn base() -> usize {
    ARENA.0.get() as usize
}

fn owns(ptr: *mut u8) -> bool {
    let p = ptr as usize;
    p >= base() && p < base() + ARENA_BYTES
}

// SAFETY: blocks handed out never overlap: the cursor only moves past a block
// when it is allocated, and back over it only when that block is the last one
// and is being freed or resized. Alignment is honoured by rounding the start
// up. Pointers outside the arena belong to `System` and go back to it.
unsafe impl GlobalAlloc for ArenaAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: single-threaded (see above); the cursor stays within the
        // arena because the end is checked before it moves.
        unsafe {
            let next = &mut *NEXT.0.get();
            let start = (base() + *next).next_multiple_of(layout.align());
            match start.checked_add(layout.size()) {
                Some(end) if end <= base() + ARENA_BYTES => {
                    *next = end - base();
                    start as *mut u8
                }
                _ => System.alloc(layout),
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc`/`realloc` above with `layout`.
        unsafe {
            if owns(ptr) {
                let next = &mut *NEXT.0.get();
                if ptr as usize + layout.size() == base() + *next {
                    *next = ptr as usize - base();
                }
            } else {
                System.dealloc(ptr, layout);
            }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from this allocator with `layout`; `new_size`
        // with `layout.align()` is a valid layout (GlobalAlloc's contract).
        unsafe {
            if !owns(ptr) {
                return System.realloc(ptr, layout, new_size);
            }
            let next = &mut *NEXT.0.get();
            let is_last = ptr as usize + layout.size() == base() + *next;
            if is_last && ptr as usize + new_size <= base() + ARENA_BYTES {
                *next = ptr as usize + new_size - base();
                return ptr;
            }
            let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
            let new = self.alloc(new_layout);
            if !new.is_null() {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            new
        }
    }
}

#[global_allocator]
static GLOBAL: ArenaAllocator = ArenaAllocator;
