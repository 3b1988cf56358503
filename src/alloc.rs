//! The process's allocator: glibc's (the system's) until `invoke batch` switches to mimalloc
//! with [`use_throughput_allocator`]; from then on every new allocation, on every thread, comes
//! from mimalloc.
//!
//! Why two. `invoke batch` makes tens of small, short-lived allocations per line on two or more
//! threads: with glibc's allocator, malloc and free were about a tenth of its CPU time, and
//! mimalloc made it about 10% faster (BENCHMARKS §6, fifth round). But as the allocator of every
//! command, mimalloc made `gwctl sign` 18% slower (0.24 ms: its start, and its first pages
//! zeroed by the kernel), and that start is held to jwt-cli's (BENCHMARKS §2). So the other
//! commands never allocate from it, and mimalloc does not start with the process: it is built
//! without its constructor (.cargo/config.toml) and started by the switch. (`serve` was tried
//! with it too: no gain measured, so it stays on the system's.)
//!
//! Memory allocated before the switch is still freed by the system allocator: once the switch
//! has been made, a free asks mimalloc whether the pointer is its own (`mi_is_in_heap_region`:
//! its arenas and segment map); before it, nothing can be mimalloc's. Blocks over 16 MiB or
//! aligned to more than a page always come from the system allocator, which a free knows from
//! the block's layout (see `MAX_MI_SIZE`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, Ordering};

use libmimalloc_sys as mi;

/// Set once, never cleared: from then on new allocations come from mimalloc.
static SWITCHED: AtomicBool = AtomicBool::new(false);

/// Blocks larger than this (or aligned more than [`MAX_MI_ALIGN`]) always come from the system
/// allocator, before and after the switch. mimalloc maps a block over its segment size (32 MiB)
/// on its own, and one over 1 GiB outside the range `mi_is_in_heap_region` knows: such a block
/// would be taken for the system's. Below this size every mimalloc block is in one of its
/// segments, in one of its arenas. The layout, and so the route, is the same at every call for
/// a block.
const MAX_MI_SIZE: usize = 16 << 20;
const MAX_MI_ALIGN: usize = 4096;

#[inline]
fn system_only(layout: &Layout) -> bool {
    layout.size() > MAX_MI_SIZE || layout.align() > MAX_MI_ALIGN
}

/// The allocator of the `gwctl` binary (and of this crate's tests): see the module docs.
pub struct Allocator;

/// From now on, allocate from mimalloc (for a command that runs long and allocates per
/// request). Cannot be undone; safe to call more than once.
pub fn use_throughput_allocator() {
    static START: std::sync::Once = std::sync::Once::new();
    // SAFETY: mimalloc's own start (what its constructor runs when it has one), once, and
    // only if it has not started (built without the define, its constructor started it and
    // ended the "preloading" mode).
    START.call_once(|| unsafe {
        if _mi_preloading() {
            _mi_auto_process_init();
        }
        // Every block from its arenas (which it reserves as it needs them), none mapped on its
        // own: `mi_is_in_heap_region` then knows each of them. When it cannot, it returns null
        // and the block comes from the system allocator.
        mi::mi_option_set(mi::mi_option_limit_os_alloc, 1);
    });
    SWITCHED.store(true, Ordering::Release);
}

// mimalloc's internal start (libmimalloc-sys is pinned to the version these are read from).
unsafe extern "C" {
    /// mimalloc's process start, run by its constructor unless built with
    /// `MI_PRIM_HAS_PROCESS_ATTACH` (.cargo/config.toml): options from the environment,
    /// the thread-exit hook, the main heap, and the end of its "preloading" mode.
    fn _mi_auto_process_init();
    /// True until `_mi_auto_process_init` has run.
    fn _mi_preloading() -> bool;
}

/// Whether `ptr` (a block of at most [`MAX_MI_SIZE`]) came from mimalloc. Before the switch
/// nothing did. After it, a pointer that reached this thread was allocated before the
/// hand-over that brought it here, so this thread's load sees the switch if that allocation
/// did (release/acquire on `SWITCHED`).
#[inline]
fn from_mimalloc(ptr: *mut u8) -> bool {
    // SAFETY: mi_is_in_heap_region only reads mimalloc's arena list and segment map; any
    // pointer value is fine.
    SWITCHED.load(Ordering::Acquire) && unsafe { mi::mi_is_in_heap_region(ptr.cast()) }
}

// SAFETY: each call goes to one of two allocators that uphold GlobalAlloc's contract, and a
// block is always freed or resized by the allocator it came from: by its layout when it is too
// large or too aligned for mimalloc (`system_only`), else by asking mimalloc (`from_mimalloc`,
// exact for blocks in its arenas, where all of its blocks are once it has been started).
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        unsafe {
            if SWITCHED.load(Ordering::Acquire) && !system_only(&layout) {
                let p = mi::mi_malloc_aligned(layout.size(), layout.align()).cast::<u8>();
                if !p.is_null() {
                    return p;
                }
            }
            System.alloc(layout)
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        unsafe {
            if SWITCHED.load(Ordering::Acquire) && !system_only(&layout) {
                let p = mi::mi_zalloc_aligned(layout.size(), layout.align()).cast::<u8>();
                if !p.is_null() {
                    return p;
                }
            }
            System.alloc_zeroed(layout)
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` goes back to the allocator it came from.
        unsafe {
            if !system_only(&layout) && from_mimalloc(ptr) {
                mi::mi_free(ptr.cast())
            } else {
                System.dealloc(ptr, layout)
            }
        }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` is resized by the allocator it came from; a mimalloc block that grows
        // past MAX_MI_SIZE, or that mimalloc cannot grow, moves to the system allocator.
        unsafe {
            if system_only(&layout) || !from_mimalloc(ptr) {
                return System.realloc(ptr, layout, new_size);
            }
            let new = Layout::from_size_align_unchecked(new_size, layout.align());
            if !system_only(&new) {
                let p = mi::mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast::<u8>();
                if !p.is_null() {
                    return p;
                }
                // (On failure the block is left as it was.)
            }
            let moved = System.alloc(new);
            if !moved.is_null() {
                std::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
                mi::mi_free(ptr.cast());
            }
            moved
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks made before the switch are freed and grown by the system allocator after it, on
    /// this thread and others; blocks made after it by mimalloc; both kinds keep their bytes.
    /// (The tests of this crate run on this allocator: lib.rs declares it.)
    #[test]
    fn blocks_go_back_to_the_allocator_they_came_from() {
        let before: Vec<Vec<u8>> = (0..200).map(|i| vec![i as u8; 1 + i * 37]).collect();
        let big_before = vec![7u8; 4 << 20];
        // (Another test of this binary may have switched already.)
        if !SWITCHED.load(Ordering::Acquire) {
            assert!(!before.iter().any(|b| from_mimalloc(b.as_ptr() as *mut u8)));
            assert!(!from_mimalloc(big_before.as_ptr() as *mut u8));
        }
        use_throughput_allocator();
        let after: Vec<Vec<u8>> = (0..200).map(|i| vec![i as u8; 1 + i * 37]).collect();
        assert!(after.iter().all(|b| from_mimalloc(b.as_ptr() as *mut u8)));
        // Across threads, grown, freed.
        let t = std::thread::spawn(move || {
            let mut all = Vec::new();
            for (i, mut b) in before.into_iter().chain(after).enumerate() {
                let fill = b[0];
                b.resize(b.len() * 3 + 1, fill);
                assert!(b.iter().all(|&x| x == fill), "block {i}");
                all.push(b);
            }
            let mut big = big_before;
            big.push(8);
            assert_eq!((big[0], big[4 << 20], big.len()), (7, 8, (4 << 20) + 1));
            all.len()
        });
        assert_eq!(t.join().unwrap(), 400);
        // Aligned and zeroed blocks from mimalloc.
        let layout = Layout::from_size_align(100, 4096).unwrap();
        // SAFETY: a non-zero-sized layout, freed with the same layout.
        unsafe {
            let p = Allocator.alloc_zeroed(layout);
            assert!(!p.is_null() && (p as usize).is_multiple_of(4096) && *p.add(99) == 0);
            Allocator.dealloc(p, layout);
        }
    }

    /// Blocks too large or too aligned for mimalloc's own bookkeeping come from the system
    /// allocator, and a mimalloc block that grows past the limit moves there with its bytes.
    #[test]
    fn large_blocks_cross_to_the_system_allocator_and_back() {
        use_throughput_allocator();
        let mut v: Vec<u8> = (0..(1u32 << 20)).map(|i| i as u8).collect();
        assert!(from_mimalloc(v.as_mut_ptr()));
        v.reserve(MAX_MI_SIZE * 2);
        assert!(!from_mimalloc(v.as_mut_ptr()));
        assert!(v.iter().enumerate().all(|(i, &b)| b == i as u8));
        v.shrink_to_fit();
        assert!(v.iter().enumerate().all(|(i, &b)| b == i as u8));
        drop(v);
        // Past 1 GiB (address space only: the pages are never touched but for a few).
        let mut huge: Vec<u8> = Vec::with_capacity(1536 << 20);
        huge.extend_from_slice(b"huge");
        assert!(!from_mimalloc(huge.as_mut_ptr()));
        huge.shrink_to_fit();
        assert_eq!(huge, b"huge");
        drop(huge);
        for layout in [Layout::from_size_align(64, 8192).unwrap(), Layout::from_size_align(MAX_MI_SIZE + 1, 8).unwrap()]
        {
            // SAFETY: non-zero-sized layouts, each freed with the layout it was made with.
            unsafe {
                let p = Allocator.alloc(layout);
                assert!(!p.is_null() && (p as usize).is_multiple_of(layout.align()));
                assert!(!from_mimalloc(p));
                p.write(1);
                let q = Allocator.realloc(p, layout, 32);
                assert_eq!(*q, 1);
                Allocator.dealloc(q, Layout::from_size_align(32, layout.align()).unwrap());
            }
        }
    }
}
