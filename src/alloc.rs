//! The process's allocator: glibc's (the system's) until a long-running command switches to
//! mimalloc with [`use_throughput_allocator`]; from then on every new allocation, on every
//! thread, comes from mimalloc.
//!
//! Why two. `invoke batch` and `serve` make tens of small, short-lived allocations per request
//! on two or more threads: with glibc's allocator, malloc and free were about a tenth of
//! `invoke batch`'s CPU time, and mimalloc made it about 10% faster (BENCHMARKS §6, fifth
//! round). But as the allocator of every command, mimalloc made `gwctl sign` 18% slower
//! (0.24 ms: its start, and its first pages zeroed by the kernel), and that start is held to
//! jwt-cli's (BENCHMARKS §2). So the one-shot commands never allocate from it, and mimalloc does
//! not start with the process: it is built without its constructor (.cargo/config.toml) and
//! started by the switch.
//!
//! Memory allocated before the switch is still freed by the system allocator: once the switch
//! has been made, a free asks mimalloc whether the pointer is its own (`mi_is_in_heap_region`:
//! its arenas and segment map); before it, nothing can be mimalloc's.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, Ordering};

use libmimalloc_sys as mi;

/// Set once, never cleared: from then on new allocations come from mimalloc.
static SWITCHED: AtomicBool = AtomicBool::new(false);

/// The allocator of the `gwctl` binary (and of this crate's tests): see the module docs.
pub struct Allocator;

/// From now on, allocate from mimalloc (for a command that runs long and allocates per
/// request). Cannot be undone; safe to call more than once.
pub fn use_throughput_allocator() {
    static START: std::sync::Once = std::sync::Once::new();
    // SAFETY: mimalloc's own start (what its constructor runs when it has one), once, and
    // only if it has not started (built without the define, its constructor started it).
    START.call_once(|| unsafe {
        if !_mi_process_is_initialized {
            _mi_auto_process_init();
        }
    });
    SWITCHED.store(true, Ordering::Release);
}

unsafe extern "C" {
    /// mimalloc's process start, run by its constructor unless built with
    /// `MI_PRIM_HAS_PROCESS_ATTACH` (.cargo/config.toml): options from the environment,
    /// the thread-exit hook, the main heap, and the end of its "preloading" mode.
    fn _mi_auto_process_init();
    /// Set by mimalloc's start.
    static _mi_process_is_initialized: bool;
}

/// Whether `ptr` came from mimalloc. Before the switch nothing did. After it, a pointer that
/// reached this thread was allocated before the hand-over that brought it here, so this
/// thread's load sees the switch if that allocation did (release/acquire on `SWITCHED`).
#[inline]
fn from_mimalloc(ptr: *mut u8) -> bool {
    // SAFETY: mi_is_in_heap_region only reads mimalloc's page map; any pointer value is fine.
    SWITCHED.load(Ordering::Acquire) && unsafe { mi::mi_is_in_heap_region(ptr.cast()) }
}

// SAFETY: each call goes to one of two allocators that uphold GlobalAlloc's contract, and a
// block is always freed or resized by the allocator it came from (`from_mimalloc`).
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        unsafe {
            if SWITCHED.load(Ordering::Acquire) {
                mi::mi_malloc_aligned(layout.size(), layout.align()).cast()
            } else {
                System.alloc(layout)
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        unsafe {
            if SWITCHED.load(Ordering::Acquire) {
                mi::mi_zalloc_aligned(layout.size(), layout.align()).cast()
            } else {
                System.alloc_zeroed(layout)
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` goes back to the allocator it came from.
        unsafe { if from_mimalloc(ptr) { mi::mi_free(ptr.cast()) } else { System.dealloc(ptr, layout) } }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` is resized by the allocator it came from (a block keeps its allocator).
        unsafe {
            if from_mimalloc(ptr) {
                mi::mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast()
            } else {
                System.realloc(ptr, layout, new_size)
            }
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
}
