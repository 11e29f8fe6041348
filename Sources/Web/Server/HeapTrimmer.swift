import HeapShim
import Logging
import ServiceLifecycle

/// Hands the memory allocator's free pages back to the kernel every `interval` (`malloc_trim`).
///
/// A query allocates and frees buffers of many sizes (the upload, decoded pixels, model tensors) on many
/// threads, and glibc's malloc keeps what they free in per-thread arenas: under a steady load the resident
/// size grows while the bytes in use stay flat. What keeps it flat is glibc's own settings given at process
/// start, `GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1048576:glibc.malloc.arena_max=4`, which the systemd unit
/// in deploy/ sets (docs/reliability.md measures both).
struct HeapTrimmer: Service {
    /// How often free pages are handed back.
    let interval: Duration

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                _ = lk_heap_trim()
            }
        }
    }
}
