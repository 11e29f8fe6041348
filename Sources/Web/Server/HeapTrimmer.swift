import Foundation
import HeapShim
import Logging
import ServiceLifecycle

/// Keeps the server's memory from creeping up under a steady load. A query allocates and frees buffers of
/// many sizes (the upload, decoded pixels, model tensors) on many threads; glibc's malloc keeps what they
/// free in per-thread arenas, and the arenas' free but unreturned pages made the resident size of a soak
/// grow by about 1.5 MB a minute while the bytes in use stayed flat (`make hardening PARTS=soak`,
/// docs/reliability.md). So the serving process
/// - serves buffers of 1 MB and more straight from the kernel (a fixed `M_MMAP_THRESHOLD`: glibc would
///   otherwise raise it after the first large free, and keep every later image buffer in an arena),
/// - uses at most 4 arenas (`M_ARENA_MAX`; the default is 8 per core), and
/// - hands free pages back every minute (`malloc_trim`).
///
/// `LOOKALIKE_MALLOC=glibc` in the environment leaves glibc's defaults (for `bench/soak_allocator.sh`, which
/// measures the difference).
struct HeapTrimmer: Service {
    /// How often free pages are handed back.
    let interval: Duration

    /// Sets the allocator's limits; call before the server starts its threads.
    static func configureAllocator() {
        guard !glibcDefaults else { return }
        _ = lk_heap_configure(1 << 20, 4)
    }

    /// Whether the environment asks for glibc's own malloc settings.
    static var glibcDefaults: Bool { ProcessInfo.processInfo.environment["LOOKALIKE_MALLOC"] == "glibc" }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                _ = lk_heap_trim()
            }
        }
    }
}
