import Foundation
import Synchronization

/// A fixed team of threads that runs one training loop together: each thread owns a share of the
/// blocks of neurons and of rows, and the team meets at a barrier wherever one phase reads what
/// another thread wrote (see `train(from:…)`).
///
/// Why not OpenBLAS's own threads: at the paper's sizes one epoch is three ~0.3 ms products and a
/// handful of short passes. OpenBLAS hands each call to its workers and back (and the elementwise
/// passes stay serial between calls), so two BLAS threads bought ~10%; splitting the whole epoch by
/// neurons, each thread calling single-threaded BLAS on its own columns, meets twice per epoch
/// instead of at every call and runs the elementwise passes in parallel too.
struct ThreadTeam: Sendable {
    let size: Int

    init(_ size: Int) { self.size = max(1, size) }

    /// Runs `body(k, barrier)` for k in 0..<size, k = 0 on the calling thread, the others on threads
    /// started for this call, and returns when all have. Every thread must pass the same barriers.
    func run(_ body: @escaping @Sendable (_ member: Int, _ barrier: SpinBarrier) -> Void) {
        let barrier = SpinBarrier(parties: size)
        guard size > 1 else { return body(0, barrier) }
        let finished = DispatchGroup()
        for member in 1..<size {
            finished.enter()
            // Dedicated threads rather than Dispatch's pool: the members wait for each other, so all must
            // run at once, which concurrentPerform does not promise (inside a parallel job it may not).
            let thread = Thread {
                body(member, barrier)
                finished.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        body(0, barrier)
        finished.wait()
    }

    /// The members' shares of `parts` work items: member k takes a consecutive run of them.
    func share(of parts: Int, member: Int) -> Range<Int> {
        (member * parts / size)..<((member + 1) * parts / size)
    }

    /// `count` items (neurons, rows) cut into consecutive blocks that depend on `count` only: 1, 2, 4
    /// or 8 blocks of at least `minimumSize` items when there are enough.
    ///
    /// A block is the unit of every BLAS call, and a team's size only decides which member makes each
    /// call, so results cannot depend on the team's size. Splitting by team size instead would change
    /// the arithmetic: OpenBLAS picks kernels and groups rows and columns by each call's shape, so a
    /// product cut at another column rounds some entries differently. Powers of two share evenly among
    /// 2 or 4 threads. The minimum keeps one thread's cost of cutting small: at (400, 100) two blocks
    /// cost a single thread ~3% over one call, four blocks ~8% (each call packs X again).
    static func blocks(of count: Int, minimumSize: Int = 128, maximumCount: Int = 8) -> [Range<Int>] {
        var parts = 1
        while parts < maximumCount && count / (2 * parts) >= minimumSize { parts *= 2 }
        return (0..<parts).map { (count * $0 / parts)..<(count * ($0 + 1) / parts) }
    }
}

/// A reusable barrier for a `ThreadTeam`: spins briefly (a phase lasts tens to hundreds of µs, far
/// less than a sleep/wake through the kernel), then yields the core so a descheduled member can run.
final class SpinBarrier: Sendable {
    let parties: Int
    private let arrived = Atomic<Int>(0)
    private let generation = Atomic<Int>(0)

    init(parties: Int) { self.parties = parties }

    func wait() {
        guard parties > 1 else { return }
        let current = generation.load(ordering: .acquiring)
        if arrived.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue == parties {
            // Reset before releasing: a member leaving this barrier may arrive at the next at once.
            arrived.store(0, ordering: .relaxed)
            generation.store(current &+ 1, ordering: .releasing)
        } else {
            var spins = 0
            while generation.load(ordering: .acquiring) == current {
                spins += 1
                if spins >= 4_000 { sched_yield() }
            }
        }
    }
}
